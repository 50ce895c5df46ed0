/**
 * Produce (key 0), versions 0-11; flexible from v9 (Kafka 3.9's ProduceRequest/Response.json). The
 * broker refuses v0-2 (message formats v0/v1) but ApiVersions still lists them: see
 * handlers/api-versions.ts.
 *
 * Produce Request => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING             (v3+)
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name [partition_data]
 *     partition_data => index records (RECORDS, nullable)
 *
 * Produce Response => [responses] throttle_time_ms node_endpoints
 *   responses => name [partition_responses]
 *     partition_responses => index error_code base_offset log_append_time_ms (v2+) log_start_offset (v5+)
 *                            [record_errors] (v8+) error_message (v8+, nullable)
 *       record_errors => batch_index batch_index_error_message (nullable)
 *       current_leader => leader_id leader_epoch   (tag 0, v10+; KIP-951 on NOT_LEADER_OR_FOLLOWER)
 *   throttle_time_ms => INT32                       (v1+)
 *   node_endpoints => [node_id host port rack]      (tag 0, v10+; KIP-951: the leaders named above)
 *
 * With acks = 0 the broker sends no response at all. Records stay a view of the request frame.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';
import { LEADER_ID_AND_EPOCH_FIELDS, NODE_ENDPOINT_FIELDS, type LeaderIdAndEpoch, type NodeEndpoint } from './fetch.js';

export interface ProducePartitionData {
  index: number;
  /** Raw record batches, passed through undecoded. */
  records: Buffer | null;
}

export interface ProduceTopicData {
  name: string;
  partitionData: ProducePartitionData[];
}

export interface ProduceRequest {
  /** v3+; default null. */
  transactionalId?: string | null;
  acks: number;
  timeoutMs: number;
  topicData: ProduceTopicData[];
}

export interface RecordError {
  batchIndex: number;
  batchIndexErrorMessage: string | null;
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  /** v2+; default -1 (create time used). */
  logAppendTimeMs?: number;
  /** v5+; default -1. */
  logStartOffset?: number;
  /** v8+; default []. */
  recordErrors?: RecordError[];
  /** v8+; default null. */
  errorMessage?: string | null;
  /** v10+, tagged (KIP-951); default { -1, -1 } (not sent). */
  currentLeader?: LeaderIdAndEpoch;
}

export interface ProduceTopicResponse {
  name: string;
  partitionResponses: ProducePartitionResponse[];
}

export interface ProduceResponse {
  responses: ProduceTopicResponse[];
  /** v1+; default 0. */
  throttleTimeMs?: number;
  /** v10+, tagged (KIP-951); default []. */
  nodeEndpoints?: NodeEndpoint[];
}

export const ProduceApi = schemaApi<ProduceRequest, ProduceResponse>({
  apiKey: ApiKey.Produce,
  name: 'Produce',
  versions: '0-11',
  flexibleVersions: '9+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
  response: [
    {
      name: 'responses',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            {
              name: 'recordErrors',
              type: '[]struct',
              versions: '8+',
              fields: [
                { name: 'batchIndex', type: 'int32', versions: '8+' },
                { name: 'batchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
              ],
            },
            { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
            { name: 'currentLeader', type: 'struct', versions: '10+', tag: 0, taggedVersions: '10+', fields: LEADER_ID_AND_EPOCH_FIELDS('10+') },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'nodeEndpoints', type: '[]struct', versions: '10+', tag: 0, taggedVersions: '10+', fields: NODE_ENDPOINT_FIELDS('10+') },
  ],
});
