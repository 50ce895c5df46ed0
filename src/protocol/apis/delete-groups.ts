/**
 * DeleteGroups (key 42), versions 0-1 (the same on the wire).
 *
 * DeleteGroups Request => [groups_names]
 *   groups_names => STRING
 *
 * DeleteGroups Response => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => group_id error_code
 *     group_id => STRING
 *     error_code => INT16                           (NON_EMPTY_GROUP while it has members)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: { groupId: string; errorCode: number }[];
}

export const DeleteGroupsApi: ApiCodec<DeleteGroupsRequest, DeleteGroupsResponse> = {
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  maxVersion: 1,

  encodeRequest(w: Writer, req: DeleteGroupsRequest): void {
    w.array(req.groupsNames, (w, g) => w.string(g));
  },

  decodeRequest(r: Reader): DeleteGroupsRequest {
    return { groupsNames: r.array((r) => r.string()) };
  },

  encodeResponse(w: Writer, res: DeleteGroupsResponse): void {
    w.int32(res.throttleTimeMs).array(res.results, (w, g) => w.string(g.groupId).int16(g.errorCode));
  },

  decodeResponse(r: Reader): DeleteGroupsResponse {
    const throttleTimeMs = r.int32();
    const results = r.array((r) => ({ groupId: r.string(), errorCode: r.int16() }));
    return { throttleTimeMs, results };
  },
};
