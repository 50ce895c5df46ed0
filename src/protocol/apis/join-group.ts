/**
 * JoinGroup (key 11), versions 0-5.
 *
 * JoinGroup Request => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   rebalance_timeout_ms => INT32                   (v1+; v0 uses the session timeout)
 *   member_id => STRING                             ("" on the first join)
 *   group_instance_id => NULLABLE_STRING            (v5+; static membership, KIP-345)
 *   protocol_type => STRING                         ("consumer")
 *   protocols => name metadata
 *     name => STRING                                (assignor name)
 *     metadata => BYTES                             (the member's subscription)
 *
 * JoinGroup Response => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   throttle_time_ms => INT32                       (v2+)
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id group_instance_id metadata (only the leader gets them)
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING          (v5+)
 *     metadata => BYTES
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

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
  protocolName: string;
  leader: string;
  memberId: string;
  members: JoinGroupMember[];
}

export const JoinGroupApi: ApiCodec<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  maxVersion: 5,

  encodeRequest(w: Writer, req: JoinGroupRequest, version: number): void {
    w.string(req.groupId).int32(req.sessionTimeoutMs);
    if (version >= 1) w.int32(req.rebalanceTimeoutMs);
    w.string(req.memberId);
    if (version >= 5) w.nullableString(req.groupInstanceId ?? null);
    w.string(req.protocolType);
    w.array(req.protocols, (w, p) => w.string(p.name).bytes(p.metadata));
  },

  decodeRequest(r: Reader, version: number): JoinGroupRequest {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
    const memberId = r.string();
    const groupInstanceId = version >= 5 ? r.nullableString() : null;
    const protocolType = r.string();
    const protocols = r.array((r) => ({ name: r.string(), metadata: r.bytes() ?? Buffer.alloc(0) }));
    return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, groupInstanceId, protocolType, protocols };
  },

  encodeResponse(w: Writer, res: JoinGroupResponse, version: number): void {
    if (version >= 2) w.int32(res.throttleTimeMs ?? 0);
    w.int16(res.errorCode).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
    w.array(res.members, (w, m) => {
      w.string(m.memberId);
      if (version >= 5) w.nullableString(m.groupInstanceId ?? null);
      w.bytes(m.metadata);
    });
  },

  decodeResponse(r: Reader, version: number): JoinGroupResponse {
    const throttleTimeMs = version >= 2 ? r.int32() : 0;
    const errorCode = r.int16();
    const generationId = r.int32();
    const protocolName = r.string();
    const leader = r.string();
    const memberId = r.string();
    const members = r.array((r) => {
      const id = r.string();
      const groupInstanceId = version >= 5 ? r.nullableString() : null;
      return { memberId: id, groupInstanceId, metadata: r.bytes() ?? Buffer.alloc(0) };
    });
    return { throttleTimeMs, errorCode, generationId, protocolName, leader, memberId, members };
  },
};
