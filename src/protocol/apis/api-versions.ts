/**
 * ApiVersions (key 18), versions 0-4; flexible from v3 (Kafka's ApiVersionsRequest/Response.json).
 * The worked example of an API described by a schema (see `../schema.ts`).
 *
 * Its response header is v0 in every version (`framing.ts`), and the answer to a version YaK does
 * not serve is this response with error_code 35 (UNSUPPORTED_VERSION) and the supported ranges,
 * encoded at version 0, which any client can read.
 */
import { ErrorCode } from '../../common/errors.js';
import { ApiKey, type ApiCodec } from '../api.js';
import { schemaApi } from '../schema.js';

export interface ApiVersionsRequest {
  /** v3+ (KIP-511); '' when absent. */
  clientSoftwareName?: string;
  /** v3+; '' when absent. */
  clientSoftwareVersion?: string;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export interface SupportedFeature {
  name: string;
  minVersion: number;
  maxVersion: number;
}

export interface FinalizedFeature {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: ApiVersionRange[];
  /** v1+; default 0. */
  throttleTimeMs?: number;
  /** v3+, tag 0; default []. */
  supportedFeatures?: SupportedFeature[];
  /** v3+, tag 1; default -1 (unknown). */
  finalizedFeaturesEpoch?: number;
  /** v3+, tag 2; default []. */
  finalizedFeatures?: FinalizedFeature[];
  /** v3+, tag 3; default false. */
  zkMigrationReady?: boolean;
}

const schema = schemaApi<ApiVersionsRequest, ApiVersionsResponse>({
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  versions: '0-4',
  flexibleVersions: '3+',
  request: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+' },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+' },
  ],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'supportedFeatures',
      type: '[]struct',
      versions: '3+',
      tag: 0,
      taggedVersions: '3+',
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'minVersion', type: 'int16', versions: '3+' },
        { name: 'maxVersion', type: 'int16', versions: '3+' },
      ],
    },
    { name: 'finalizedFeaturesEpoch', type: 'int64', versions: '3+', tag: 1, taggedVersions: '3+', default: -1 },
    {
      name: 'finalizedFeatures',
      type: '[]struct',
      versions: '3+',
      tag: 2,
      taggedVersions: '3+',
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'minVersionLevel', type: 'int16', versions: '3+' },
      ],
    },
    { name: 'zkMigrationReady', type: 'bool', versions: '3+', tag: 3, taggedVersions: '3+', default: false },
  ],
});

/**
 * Decoding reads an UNSUPPORTED_VERSION answer in the v0 layout whatever version was asked, as the
 * broker writes it (KIP-511): a client asking a newer version than the broker's gets the ranges.
 */
export const ApiVersionsApi: ApiCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  ...schema,
  decodeResponse(r, version) {
    const unsupported = r.remaining >= 2 && r.buf.readInt16BE(r.offset) === ErrorCode.UNSUPPORTED_VERSION;
    return schema.decodeResponse(r, unsupported ? 0 : version);
  },
};
