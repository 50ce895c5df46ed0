/**
 * AlterConfigs (key 33), versions 0-2; flexible from v2 (Kafka's AlterConfigsRequest/Response.json;
 * v1 is v0 on the wire). What kafkajs's admin.alterConfigs sends: each resource's configs replace
 * all it had (Kafka's legacy semantics). Resource types: 2 topic, 4 broker.
 */
import { ApiKey } from '../api.js';
import type { FieldSpec } from '../schema.js';
import { schemaApi } from '../schema.js';

export interface AlterConfigsRequest {
  resources: { resourceType: number; resourceName: string; configs: { name: string; value: string | null }[] }[];
  validateOnly: boolean;
}

export interface AlterConfigsResourceResult {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

/** The answer of AlterConfigs, and of IncrementalAlterConfigs, whose fields are the same. */
export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResult[];
}

/** AlterConfigs' and IncrementalAlterConfigs' response fields (each API says its own versions). */
export const ALTER_CONFIGS_RESPONSE_FIELDS: readonly FieldSpec[] = [
  { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
  {
    name: 'responses',
    type: '[]struct',
    versions: '0+',
    fields: [
      { name: 'errorCode', type: 'int16', versions: '0+' },
      { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      { name: 'resourceType', type: 'int8', versions: '0+' },
      { name: 'resourceName', type: 'string', versions: '0+' },
    ],
  },
];

export const AlterConfigsApi = schemaApi<AlterConfigsRequest, AlterConfigsResponse>({
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  versions: '0-2',
  flexibleVersions: '2+',
  request: [
    {
      name: 'resources',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: ALTER_CONFIGS_RESPONSE_FIELDS,
});
