/**
 * DescribeConfigs (key 32), versions 0-4; flexible from v4 (Kafka's DescribeConfigsRequest/Response.json).
 * v1 adds include_synonyms, each config's source (v0 has only is_default) and its synonyms; v3
 * include_documentation and each config's type and documentation.
 */
import { ApiKey, type ApiCodec } from '../api.js';
import { schemaApi } from '../schema.js';

export const ConfigResourceType = { Topic: 2, Broker: 4 } as const;
/** Kafka's ConfigSource: where a described value comes from. */
/** Kafka's ConfigType (v3+). */
export const ConfigType = { Unknown: 0, Boolean: 1, String: 2, Int: 3, Short: 4, Long: 5, Double: 6, List: 7, Class: 8, Password: 9 } as const;

export const ConfigSource = { TopicConfig: 1, DynamicBrokerConfig: 2, DynamicDefaultBrokerConfig: 3, StaticBrokerConfig: 4, Default: 5 } as const;

export interface DescribeConfigsResource {
  resourceType: number;
  resourceName: string;
  configurationKeys: string[] | null;
}

export interface DescribeConfigsRequest {
  resources: DescribeConfigsResource[];
  /** v1+; default false. */
  includeSynonyms?: boolean;
  /** v3+; default false. */
  includeDocumentation?: boolean;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v1+ on the wire (v0 carries is_default: source 5, decoded back as 5 or 1). */
  configSource: number;
  isSensitive: boolean;
  /** v1+; default []. */
  synonyms?: { name: string; value: string | null; source: number }[];
  /** v3+: Kafka's ConfigType (ConfigType below); default 0, unknown. */
  configType?: number;
  /** v3+; default null. */
  documentation?: string | null;
}

export interface DescribeConfigsResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
  configs: DescribedConfig[];
}

export interface DescribeConfigsResponse {
  throttleTimeMs: number;
  results: DescribeConfigsResult[];
}

/** A config as the wire carries it: v0 says only whether it is a default. */
type WireConfig = DescribedConfig & { isDefault?: boolean };
type WireResponse = Omit<DescribeConfigsResponse, 'results'> & { results: (Omit<DescribeConfigsResult, 'configs'> & { configs: WireConfig[] })[] };

const derived = schemaApi<DescribeConfigsRequest, WireResponse>({
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  versions: '0-4',
  flexibleVersions: '4+',
  request: [
    {
      name: 'resources',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'configurationKeys', type: '[]string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false },
    { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
            { name: 'readOnly', type: 'bool', versions: '0+' },
            { name: 'isDefault', type: 'bool', versions: '0' },
            { name: 'configSource', type: 'int8', versions: '1+', default: -1 },
            { name: 'isSensitive', type: 'bool', versions: '0+' },
            {
              name: 'synonyms',
              type: '[]struct',
              versions: '1+',
              fields: [
                { name: 'name', type: 'string', versions: '1+' },
                { name: 'value', type: 'string', versions: '1+', nullableVersions: '0+' },
                { name: 'source', type: 'int8', versions: '1+' },
              ],
            },
            { name: 'configType', type: 'int8', versions: '3+', default: 0 },
            { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
});

/** v0's is_default stands for the source: DEFAULT_CONFIG when true; a topic's own value otherwise. */
const toWire = (res: DescribeConfigsResponse, version: number): WireResponse =>
  version > 0 ? res : { ...res, results: res.results.map((r) => ({ ...r, configs: r.configs.map((c) => ({ ...c, isDefault: c.configSource === ConfigSource.Default })) })) };

const fromWire = (res: WireResponse, version: number): DescribeConfigsResponse => ({
  ...res,
  results: res.results.map((r) => ({
    ...r,
    configs: r.configs.map(({ isDefault, ...c }) => (version > 0 ? c : { ...c, configSource: isDefault ? ConfigSource.Default : ConfigSource.TopicConfig })),
  })),
});

export const DescribeConfigsApi: ApiCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: derived.apiKey,
  name: derived.name,
  maxVersion: derived.maxVersion,
  firstFlexibleVersion: derived.firstFlexibleVersion,
  encodeRequest: derived.encodeRequest,
  decodeRequest: derived.decodeRequest,
  encodeResponse: (w, res, version) => derived.encodeResponse(w, toWire(res, version), version),
  decodeResponse: (r, version) => fromWire(derived.decodeResponse(r, version), version),
};
