/**
 * ApiVersions (key 18), versions 0-2.
 *
 * ApiVersions Request (v0-2) => (empty body)
 *
 * ApiVersions Response => error_code [api_keys] throttle_time_ms
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 *   throttle_time_ms => INT32                       (v1+)
 *
 * The answer to an unsupported ApiVersions version (librdkafka sends v3 first) is this response
 * with error_code 35 encoded at version 0.
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export type ApiVersionsRequest = Record<string, never>;

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  /** v1+; default 0. */
  throttleTimeMs?: number;
}

export const ApiVersionsApi: ApiCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  maxVersion: 2,

  encodeRequest(): void {},

  decodeRequest(): ApiVersionsRequest {
    return {};
  },

  encodeResponse(w: Writer, res: ApiVersionsResponse, version: number): void {
    w.int16(res.errorCode);
    w.array(res.apiKeys, (w, k) => w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
  },

  decodeResponse(r: Reader, version: number): ApiVersionsResponse {
    const errorCode = r.int16();
    const apiKeys = r.array((r) => ({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() }));
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    return { errorCode, apiKeys, throttleTimeMs };
  },
};
