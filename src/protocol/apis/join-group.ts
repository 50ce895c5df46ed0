/**
 * JoinGroup (key 11), versions 0-9, flexible from v6 (Kafka's JoinGroupRequest/Response.json).
 * v1 adds the rebalance timeout (v0 takes the session timeout for it), v4 MEMBER_ID_REQUIRED
 * (KIP-394), v5 group.instance.id (static membership, KIP-345), v7 the protocol type in the answer
 * (KIP-559), v8 the reason (KIP-800), v9 skip_assignment (a returning static leader of a Stable group).
 * Only the leader gets the members and their metadata (subscriptions).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface JoinGroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+ on the wire; v0 decodes it as the session timeout. */
  rebalanceTimeoutMs: number;
  memberId: string;
  /** v5+; default null. */
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: JoinGroupProtocol[];
  /** v8+ (KIP-800): why the member (re)joins; default null. Kafka logs it; YaK's broker does not forward it. */
  reason?: string | null;
}

export interface JoinGroupMember {
  memberId: string;
  /** v5+; default null. */
  groupInstanceId?: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  /** v2+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  generationId: number;
  /** v7+; default null. */
  protocolType?: string | null;
  /** Nullable from v7 (before a protocol is chosen). */
  protocolName: string | null;
  leader: string;
  /** v9+: the leader of a Stable group must not assign (its static member id changed); default false. */
  skipAssignment?: boolean;
  memberId: string;
  members: JoinGroupMember[];
}

const JoinGroupSchema = schemaApi<JoinGroupRequest, JoinGroupResponse>({
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  versions: '0-9',
  flexibleVersions: '6+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolType', type: 'string', versions: '0+' },
    {
      name: 'protocols',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
    { name: 'reason', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
    { name: 'protocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'leader', type: 'string', versions: '0+' },
    { name: 'skipAssignment', type: 'bool', versions: '9+', default: false },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'members',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        { name: 'metadata', type: 'bytes', versions: '0+' },
      ],
    },
  ],
});

/** v0 has no rebalance timeout: the session timeout serves as one (as in Kafka's JoinGroupRequest). */
export const JoinGroupApi: typeof JoinGroupSchema = {
  ...JoinGroupSchema,
  decodeRequest(r, version) {
    const req = JoinGroupSchema.decodeRequest(r, version);
    return version === 0 ? { ...req, rebalanceTimeoutMs: req.sessionTimeoutMs } : req;
  },
};
