/**
 * SyncGroup (key 14), versions 0-5, flexible from v4 (Kafka's SyncGroupRequest/Response.json).
 * The leader brings every member's assignment; each member gets its own share back. v3 adds
 * group.instance.id (KIP-345); v5 the protocol type and name, which the coordinator checks against
 * the group's (INCONSISTENT_GROUP_PROTOCOL) and returns (KIP-559).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface SyncGroupAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; default null. */
  groupInstanceId?: string | null;
  /** v5+; default null (not checked). */
  protocolType?: string | null;
  /** v5+; default null (not checked). */
  protocolName?: string | null;
  assignments: SyncGroupAssignment[];
}

export interface SyncGroupResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  /** v5+; default null. */
  protocolType?: string | null;
  /** v5+; default null. */
  protocolName?: string | null;
  assignment: Buffer;
}

export const SyncGroupApi = schemaApi<SyncGroupRequest, SyncGroupResponse>({
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  versions: '0-5',
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    {
      name: 'assignments',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ],
});
