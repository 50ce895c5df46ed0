/**
 * LeaveGroup (key 13), versions 0-5, flexible from v4 (Kafka's LeaveGroupRequest/Response.json).
 * v0-2 name one member; v3 a batch of members, each by member id and/or group.instance.id (an
 * instance id with member id "" removes whichever member holds it: KIP-345's administrative
 * removal), each with its own error; v5 adds a reason per member (KIP-800).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  /** v5+ (KIP-800): why it leaves; default null. Kafka logs it; YaK's broker does not forward it. */
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2. */
  memberId?: string;
  /** v3+. */
  members?: LeavingMember[];
}

export interface LeaveGroupResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  /** v3+ on the wire; YaK's coordinator always fills it. */
  members?: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

/** Kafka's LeaveGroupResponse before v3: the top-level error, else the single member's. */
const singleMemberError = (res: LeaveGroupResponse): number => (res.errorCode !== 0 ? res.errorCode : (res.members?.find((m) => m.errorCode !== 0)?.errorCode ?? 0));

const LeaveGroupSchema = schemaApi<LeaveGroupRequest, LeaveGroupResponse>({
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  versions: '0-5',
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: '[]struct',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'members',
      type: '[]struct',
      versions: '3+',
      fields: [
        { name: 'memberId', type: 'string', versions: '3+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
        { name: 'errorCode', type: 'int16', versions: '3+' },
      ],
    },
  ],
});

/** Before v3 the answer has no members: the top-level error is the one member's (as Kafka's LeaveGroupResponse does). */
export const LeaveGroupApi: typeof LeaveGroupSchema = {
  ...LeaveGroupSchema,
  encodeResponse(w, res, version) {
    LeaveGroupSchema.encodeResponse(w, version >= 3 ? res : { ...res, errorCode: singleMemberError(res) }, version);
  },
};
