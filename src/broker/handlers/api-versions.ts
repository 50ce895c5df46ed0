import { ErrorCode } from '../../common/errors.js';
import type { ApiCodec } from '../../protocol/api.js';
import type { ApiVersionsResponse } from '../../protocol/apis/api-versions.js';

/** Every served API with min version 0, as Kafka advertises (librdkafka needs the old versions listed). */
export function handleApiVersions(served: readonly ApiCodec<unknown, unknown>[], errorCode: number = ErrorCode.NONE): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys: served.map((api) => ({ apiKey: api.apiKey, minVersion: 0, maxVersion: api.maxVersion })),
    throttleTimeMs: 0,
  };
}
