/**
 * SyncGroup (key 14), versions 0-3.
 *
 * SyncGroup Request => group_id generation_id member_id group_instance_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING            (v3+)
 *   assignments => member_id assignment             (only the leader sends them)
 *     member_id => STRING
 *     assignment => BYTES
 *
 * SyncGroup Response => throttle_time_ms error_code assignment
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16
 *   assignment => BYTES                             (this member's share)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

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
  assignments: SyncGroupAssignment[];
}

export interface SyncGroupResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  assignment: Buffer;
}

export const SyncGroupApi: ApiCodec<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  maxVersion: 3,

  encodeRequest(w: Writer, req: SyncGroupRequest, version: number): void {
    w.string(req.groupId).int32(req.generationId).string(req.memberId);
    if (version >= 3) w.nullableString(req.groupInstanceId ?? null);
    w.array(req.assignments, (w, a) => w.string(a.memberId).bytes(a.assignment));
  },

  decodeRequest(r: Reader, version: number): SyncGroupRequest {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const assignments = r.array((r) => ({ memberId: r.string(), assignment: r.bytes() ?? Buffer.alloc(0) }));
    return { groupId, generationId, memberId, groupInstanceId, assignments };
  },

  encodeResponse(w: Writer, res: SyncGroupResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.int16(res.errorCode).bytes(res.assignment);
  },

  decodeResponse(r: Reader, version: number): SyncGroupResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const assignment = r.bytes() ?? Buffer.alloc(0);
    return { throttleTimeMs, errorCode, assignment };
  },
};
