/**
 * FindCoordinator (key 10), versions 0-2.
 *
 * FindCoordinator Request => key key_type
 *   key => STRING                                   (the group id)
 *   key_type => INT8                                (v1+; 0 group, 1 transaction)
 *
 * FindCoordinator Response => throttle_time_ms error_code error_message node_id host port
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16
 *   error_message => NULLABLE_STRING                (v1+)
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const CoordinatorKeyType = { Group: 0, Transaction: 1 } as const;

export interface FindCoordinatorRequest {
  key: string;
  /** v1+; default 0 (group). */
  keyType?: number;
}

export interface FindCoordinatorResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  /** v1+; default null. */
  errorMessage?: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const FindCoordinatorApi: ApiCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  maxVersion: 2,

  encodeRequest(w: Writer, req: FindCoordinatorRequest, version: number): void {
    w.string(req.key);
    if (version >= 1) w.int8(req.keyType ?? CoordinatorKeyType.Group);
  },

  decodeRequest(r: Reader, version: number): FindCoordinatorRequest {
    const key = r.string();
    const keyType = version >= 1 ? r.int8() : CoordinatorKeyType.Group;
    return { key, keyType };
  },

  encodeResponse(w: Writer, res: FindCoordinatorResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.int16(res.errorCode);
    if (version >= 1) w.nullableString(res.errorMessage ?? null);
    w.int32(res.nodeId).string(res.host).int32(res.port);
  },

  decodeResponse(r: Reader, version: number): FindCoordinatorResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const errorMessage = version >= 1 ? r.nullableString() : null;
    const nodeId = r.int32();
    const host = r.string();
    const port = r.int32();
    return { throttleTimeMs, errorCode, errorMessage, nodeId, host, port };
  },
};
