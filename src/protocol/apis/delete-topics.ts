/**
 * DeleteTopics (key 20), versions 0-3.
 *
 * DeleteTopics Request => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 *
 * DeleteTopics Response => throttle_time_ms [responses]
 *   throttle_time_ms => INT32                       (v1+)
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  name: string;
  errorCode: number;
}

export interface DeleteTopicsResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  responses: DeletableTopicResult[];
}

export const DeleteTopicsApi: ApiCodec<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  maxVersion: 3,

  encodeRequest(w: Writer, req: DeleteTopicsRequest): void {
    w.array(req.topicNames, (w, name) => w.string(name));
    w.int32(req.timeoutMs);
  },

  decodeRequest(r: Reader): DeleteTopicsRequest {
    const topicNames = r.array((r) => r.string());
    const timeoutMs = r.int32();
    return { topicNames, timeoutMs };
  },

  encodeResponse(w: Writer, res: DeleteTopicsResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.responses, (w, t) => w.string(t.name).int16(t.errorCode));
  },

  decodeResponse(r: Reader, version: number): DeleteTopicsResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const responses = r.array((r) => ({ name: r.string(), errorCode: r.int16() }));
    return { throttleTimeMs, responses };
  },
};
