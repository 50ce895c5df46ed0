/**
 * Heartbeat (key 12), versions 0-3.
 *
 * Heartbeat Request => group_id generation_id member_id group_instance_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING            (v3+)
 *
 * Heartbeat Response => throttle_time_ms error_code
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16                             (REBALANCE_IN_PROGRESS: rejoin)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

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

export const HeartbeatApi: ApiCodec<HeartbeatRequest, HeartbeatResponse> = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  maxVersion: 3,

  encodeRequest(w: Writer, req: HeartbeatRequest, version: number): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (version >= 3) w.nullableString(req.groupInstanceId ?? null);
  },

  decodeRequest(r: Reader, version: number): HeartbeatRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    return { groupId, generationId, memberId, groupInstanceId };
  },

  encodeResponse(w: Writer, res: HeartbeatResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.int16(res.errorCode);
  },

  decodeResponse(r: Reader, version: number): HeartbeatResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    return { throttleTimeMs, errorCode: r.int16() };
  },
};
