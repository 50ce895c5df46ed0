/**
 * AlterConfigs (key 33), versions 0-1 (v1 is the same on the wire). What kafkajs's
 * admin.alterConfigs sends: each resource's configs replace all it had (Kafka's legacy semantics).
 *
 * AlterConfigs Request => [resources] validate_only
 *   resources => resource_type resource_name [configs]
 *     resource_type => INT8                         (2 topic, 4 broker)
 *     resource_name => STRING
 *     configs => name value
 *       name => STRING
 *       value => NULLABLE_STRING
 *   validate_only => BOOLEAN
 *
 * AlterConfigs Response => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => error_code error_message resource_type resource_name
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

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

/** The answer of AlterConfigs, and of IncrementalAlterConfigs v0, which is the same on the wire. */
export interface AlterConfigsResponse {
  throttleTimeMs: number;
  responses: AlterConfigsResourceResult[];
}

export function encodeAlterConfigsResponse(w: Writer, res: AlterConfigsResponse): void {
  w.int32(res.throttleTimeMs);
  w.array(res.responses, (w, x) => w.int16(x.errorCode).nullableString(x.errorMessage).int8(x.resourceType).string(x.resourceName));
}

export function decodeAlterConfigsResponse(r: Reader): AlterConfigsResponse {
  const throttleTimeMs = r.int32();
  const responses = r.array((r) => ({ errorCode: r.int16(), errorMessage: r.nullableString(), resourceType: r.int8(), resourceName: r.string() }));
  return { throttleTimeMs, responses };
}

export const AlterConfigsApi: ApiCodec<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  maxVersion: 1,

  encodeRequest(w: Writer, req: AlterConfigsRequest): void {
    w.array(req.resources, (w, res) => {
      w.int8(res.resourceType).string(res.resourceName);
      w.array(res.configs, (w, c) => w.string(c.name).nullableString(c.value));
    });
    w.boolean(req.validateOnly);
  },

  decodeRequest(r: Reader): AlterConfigsRequest {
    const resources = r.array((r) => ({
      resourceType: r.int8(),
      resourceName: r.string(),
      configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
    }));
    return { resources, validateOnly: r.boolean() };
  },

  encodeResponse: (w: Writer, res: AlterConfigsResponse) => encodeAlterConfigsResponse(w, res),
  decodeResponse: (r: Reader) => decodeAlterConfigsResponse(r),
};
