/**
 * DescribeConfigs (key 32), versions 0-2 (v2 is the same on the wire as v1).
 *
 * DescribeConfigs Request => [resources] include_synonyms
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8                         (2 topic, 4 broker)
 *     resource_name => STRING
 *     configuration_keys => STRING                  (nullable: null asks for every config)
 *   include_synonyms => BOOLEAN                     (v1+)
 *
 * DescribeConfigs Response => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 *     configs => name value read_only is_default config_source is_sensitive [synonyms]
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       is_default => BOOLEAN                       (v0 only)
 *       config_source => INT8                       (v1+; 1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default)
 *       is_sensitive => BOOLEAN
 *       synonyms => name value source               (v1+)
 *         name => STRING
 *         value => NULLABLE_STRING
 *         source => INT8
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export const ConfigResourceType = { Topic: 2, Broker: 4 } as const;
/** Kafka's ConfigSource: where a described value comes from. */
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

function writeConfig(w: Writer, c: DescribedConfig, version: number): void {
  w.string(c.name).nullableString(c.value).boolean(c.readOnly);
  if (version === 0) w.boolean(c.configSource === ConfigSource.Default);
  else w.int8(c.configSource);
  w.boolean(c.isSensitive);
  if (version >= 1) w.array(c.synonyms ?? [], (w, s) => w.string(s.name).nullableString(s.value).int8(s.source));
}

function readConfig(r: Reader, version: number): DescribedConfig {
  const name = r.string();
  const value = r.nullableString();
  const readOnly = r.boolean();
  const configSource = version === 0 ? (r.boolean() ? ConfigSource.Default : ConfigSource.TopicConfig) : r.int8();
  const isSensitive = r.boolean();
  const synonyms = version >= 1 ? r.array((r) => ({ name: r.string(), value: r.nullableString(), source: r.int8() })) : [];
  return { name, value, readOnly, configSource, isSensitive, synonyms };
}

export const DescribeConfigsApi: ApiCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  maxVersion: 2,

  encodeRequest(w: Writer, req: DescribeConfigsRequest, version: number): void {
    w.array(req.resources, (w, res) => {
      w.int8(res.resourceType).string(res.resourceName);
      w.nullableArray(res.configurationKeys, (w, k) => w.string(k));
    });
    if (version >= 1) w.boolean(req.includeSynonyms ?? false);
  },

  decodeRequest(r: Reader, version: number): DescribeConfigsRequest {
    const resources = r.array((r) => ({
      resourceType: r.int8(),
      resourceName: r.string(),
      configurationKeys: r.nullableArray((r) => r.string()),
    }));
    const includeSynonyms = version >= 1 ? r.boolean() : false;
    return { resources, includeSynonyms };
  },

  encodeResponse(w: Writer, res: DescribeConfigsResponse, version: number): void {
    w.int32(res.throttleTimeMs);
    w.array(res.results, (w, x) => {
      w.int16(x.errorCode).nullableString(x.errorMessage).int8(x.resourceType).string(x.resourceName);
      w.array(x.configs, (w, c) => writeConfig(w, c, version));
    });
  },

  decodeResponse(r: Reader, version: number): DescribeConfigsResponse {
    const throttleTimeMs = r.int32();
    const results = r.array((r) => ({
      errorCode: r.int16(),
      errorMessage: r.nullableString(),
      resourceType: r.int8(),
      resourceName: r.string(),
      configs: r.array((r) => readConfig(r, version)),
    }));
    return { throttleTimeMs, results };
  },
};
