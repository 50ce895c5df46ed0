/**
 * ListGroups (key 16), versions 0-2 (v1 and v2 are the same on the wire).
 *
 * ListGroups Request => (empty body)
 *
 * ListGroups Response => throttle_time_ms error_code [groups]
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export type ListGroupsRequest = Record<string, never>;

export interface ListGroupsResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}

export const ListGroupsApi: ApiCodec<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  maxVersion: 2,

  encodeRequest(): void {},

  decodeRequest(): ListGroupsRequest {
    return {};
  },

  encodeResponse(w: Writer, res: ListGroupsResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.int16(res.errorCode).array(res.groups, (w, g) => w.string(g.groupId).string(g.protocolType));
  },

  decodeResponse(r: Reader, version: number): ListGroupsResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = r.int16();
    const groups = r.array((r) => ({ groupId: r.string(), protocolType: r.string() }));
    return { throttleTimeMs, errorCode, groups };
  },
};
