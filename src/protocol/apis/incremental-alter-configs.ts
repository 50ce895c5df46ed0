/**
 * IncrementalAlterConfigs (key 44), version 0 (v1 is flexible). Each config is set, deleted (back to
 * its default), or has a list value appended to or subtracted from (KIP-339).
 *
 * IncrementalAlterConfigs Request => [resources] validate_only
 *   resources => resource_type resource_name [configs]
 *     resource_type => INT8                         (2 topic, 4 broker)
 *     resource_name => STRING
 *     configs => name config_operation value
 *       name => STRING
 *       config_operation => INT8                    (0 set, 1 delete, 2 append, 3 subtract)
 *       value => NULLABLE_STRING
 *   validate_only => BOOLEAN
 *
 * IncrementalAlterConfigs Response: as AlterConfigs' (alter-configs.ts).
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { decodeAlterConfigsResponse, encodeAlterConfigsResponse, type AlterConfigsResponse } from './alter-configs.js';

export const ConfigOperation = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const;

export interface IncrementalAlterConfigsRequest {
  resources: { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }[];
  validateOnly: boolean;
}

export const IncrementalAlterConfigsApi: ApiCodec<IncrementalAlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  maxVersion: 0,

  encodeRequest(w: Writer, req: IncrementalAlterConfigsRequest): void {
    w.array(req.resources, (w, res) => {
      w.int8(res.resourceType).string(res.resourceName);
      w.array(res.configs, (w, c) => w.string(c.name).int8(c.configOperation).nullableString(c.value));
    });
    w.boolean(req.validateOnly);
  },

  decodeRequest(r: Reader): IncrementalAlterConfigsRequest {
    const resources = r.array((r) => ({
      resourceType: r.int8(),
      resourceName: r.string(),
      configs: r.array((r) => ({ name: r.string(), configOperation: r.int8(), value: r.nullableString() })),
    }));
    return { resources, validateOnly: r.boolean() };
  },

  encodeResponse: (w: Writer, res: AlterConfigsResponse) => encodeAlterConfigsResponse(w, res),
  decodeResponse: (r: Reader) => decodeAlterConfigsResponse(r),
};
