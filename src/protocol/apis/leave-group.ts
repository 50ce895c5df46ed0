/**
 * LeaveGroup (key 13), versions 0-3 (v1 and v2 are the same as v0; v3 batches members, KIP-345).
 *
 * LeaveGroup Request => group_id member_id [members]
 *   group_id => STRING
 *   member_id => STRING                             (v0-2)
 *   members => member_id group_instance_id          (v3+)
 *     member_id => STRING                           ("" with an instance id: whichever member holds it)
 *     group_instance_id => NULLABLE_STRING
 *
 * LeaveGroup Response => throttle_time_ms error_code [members]
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16                             (v0-2: the one member's error)
 *   members => member_id group_instance_id error_code (v3+)
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     error_code => INT16
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
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
  members?: (LeavingMember & { errorCode: number })[];
}

/** Kafka's LeaveGroupResponse before v3: the top-level error, else the single member's. */
const singleMemberError = (res: LeaveGroupResponse): number => (res.errorCode !== 0 ? res.errorCode : (res.members?.find((m) => m.errorCode !== 0)?.errorCode ?? 0));

export const LeaveGroupApi: ApiCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  maxVersion: 3,

  encodeRequest(w: Writer, req: LeaveGroupRequest, version: number): void {
    w.string(req.groupId);
    if (version >= 3) w.array(req.members ?? [], (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId));
    else w.string(req.memberId ?? '');
  },

  decodeRequest(r: Reader, version: number): LeaveGroupRequest {
    const groupId = r.string();
    if (version >= 3) return { groupId, members: r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() })) };
    return { groupId, memberId: r.string() };
  },

  encodeResponse(w: Writer, res: LeaveGroupResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    if (version < 3) {
      w.int16(singleMemberError(res));
      return;
    }
    w.int16(res.errorCode).array(res.members ?? [], (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode));
  },

  decodeResponse(r: Reader, version: number): LeaveGroupResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    if (version < 3) return { throttleTimeMs, errorCode };
    return { throttleTimeMs, errorCode, members: r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString(), errorCode: r.int16() })) };
  },
};
