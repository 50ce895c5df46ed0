/**
 * LeaveGroup (key 13), versions 0-2 (v3 batches members for static membership, KIP-345; not served).
 *
 * LeaveGroup Request => group_id member_id
 *   group_id => STRING
 *   member_id => STRING
 *
 * LeaveGroup Response => throttle_time_ms error_code
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
}

export interface LeaveGroupResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
}

export const LeaveGroupApi: ApiCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  maxVersion: 2,

  encodeRequest(w: Writer, req: LeaveGroupRequest): void {
    w.string(req.groupId).string(req.memberId);
  },

  decodeRequest(r: Reader): LeaveGroupRequest {
    const groupId = r.string();
    const memberId = r.string();
    return { groupId, memberId };
  },

  encodeResponse(w: Writer, res: LeaveGroupResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.int16(res.errorCode);
  },

  decodeResponse(r: Reader, version: number): LeaveGroupResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    return { throttleTimeMs, errorCode: r.int16() };
  },
};
