/**
 * Heartbeat (key 12), versions 0-4, flexible from v4 (Kafka's HeartbeatRequest/Response.json).
 * A member's "still here"; REBALANCE_IN_PROGRESS tells it to rejoin. v3 adds group.instance.id
 * (KIP-345: FENCED_INSTANCE_ID for a member id its instance no longer holds).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** v3+; default null. */
  groupInstanceId?: string | null;
}

export interface HeartbeatResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
}

export const HeartbeatApi = schemaApi<HeartbeatRequest, HeartbeatResponse>({
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  versions: '0-4',
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
});
