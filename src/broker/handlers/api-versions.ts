import { ErrorCode } from '../../common/errors.js';
import { ApiKey, type ApiCodec } from '../../protocol/api.js';
import type { ApiVersionsResponse } from '../../protocol/apis/api-versions.js';

/**
 * The oldest version served of the APIs whose older versions Kafka 4.0 removed (KIP-896): Produce
 * v0-2 and Fetch v0-3 carry message formats v0/v1, which YaK never stores, so a Fetch v0-3 client
 * would be handed v2 batches it cannot read (kafka-go 0.2 retries them forever). The handlers answer
 * an older version UNSUPPORTED_VERSION for every partition, which such clients report by name.
 */
export const OLDEST_SERVED_VERSION: ReadonlyMap<number, number> = new Map([
  [ApiKey.Produce, 3],
  [ApiKey.Fetch, 4],
]);

export function oldestServedVersion(apiKey: number): number {
  return OLDEST_SERVED_VERSION.get(apiKey) ?? 0;
}

/**
 * Every served API from its oldest served version, except Produce, listed from v0 as Kafka 4.0 still
 * lists it: librdkafka enables compression only if Produce v0 is listed (KAFKA-18659), and picks the
 * highest version both sides speak, so it never sends the v0-2 that are refused.
 */
export function handleApiVersions(served: readonly ApiCodec<unknown, unknown>[], errorCode: number = ErrorCode.NONE): ApiVersionsResponse {
  return {
    errorCode,
    apiKeys: served.map((api) => ({ apiKey: api.apiKey, minVersion: api.apiKey === ApiKey.Produce ? 0 : oldestServedVersion(api.apiKey), maxVersion: api.maxVersion })),
    throttleTimeMs: 0,
  };
}
