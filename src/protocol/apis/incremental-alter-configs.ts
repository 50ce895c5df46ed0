/**
 * IncrementalAlterConfigs (key 44), versions 0-1; flexible from v1 (Kafka's
 * IncrementalAlterConfigsRequest/Response.json). Each config is set, deleted (back to its default),
 * or has a list value appended to or subtracted from (KIP-339). The response's fields are
 * AlterConfigs' (alter-configs.ts).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';
import { ALTER_CONFIGS_RESPONSE_FIELDS, type AlterConfigsResponse } from './alter-configs.js';

export const ConfigOperation = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const;

export interface IncrementalAlterConfigsRequest {
  resources: { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }[];
  validateOnly: boolean;
}

export const IncrementalAlterConfigsApi = schemaApi<IncrementalAlterConfigsRequest, AlterConfigsResponse>({
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  versions: '0-1',
  flexibleVersions: '1+',
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
            { name: 'configOperation', type: 'int8', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: ALTER_CONFIGS_RESPONSE_FIELDS,
});
