/**
 * ListOffsets (key 2), versions 0-9; flexible from v6 (Kafka 3.9's ListOffsetsRequest/Response.json).
 *
 * ListOffsets Request => replica_id isolation_level [topics] timeout_ms
 *   replica_id => INT32
 *   isolation_level => INT8                         (v2+)
 *   topics => name [partitions]
 *     partitions => partition_index current_leader_epoch timestamp max_num_offsets
 *       current_leader_epoch => INT32               (v4+)
 *       timestamp => INT64     (-1 latest, -2 earliest, -3 max timestamp v7+, -4 earliest local v8+,
 *                               -5 latest tiered v9+)
 *       max_num_offsets => INT32                    (v0 only)
 *
 * ListOffsets Response => throttle_time_ms [topics]
 *   throttle_time_ms => INT32                       (v2+)
 *   topics => name [partitions]
 *     partitions => partition_index error_code [old_style_offsets] timestamp offset leader_epoch
 *       old_style_offsets => INT64                  (v0 only)
 *       timestamp offset => INT64                   (v1+)
 *       leader_epoch => INT32                       (v4+)
 *
 * v3 only marks KIP-219 throttling and v5 that the client accepts OFFSET_NOT_AVAILABLE (KIP-207).
 * `offset` and `oldStyleOffsets` are kept consistent for every version, so callers need not care
 * which one the wire carries: v0 encodes oldStyleOffsets (derived from offset when absent) and
 * decodes offset = oldStyleOffsets[0] ?? -1; v1+ decodes oldStyleOffsets = offset >= 0 ? [offset] : [].
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface ListOffsetsPartition {
  partitionIndex: number;
  /** v4+; default -1 (no check). */
  currentLeaderEpoch?: number;
  timestamp: number;
  /** v0 only; default 1. */
  maxNumOffsets?: number;
}

export interface ListOffsetsTopic {
  name: string;
  partitions: ListOffsetsPartition[];
}

export interface ListOffsetsRequest {
  replicaId: number;
  /** v2+; default 0 (READ_UNCOMMITTED). */
  isolationLevel?: number;
  topics: ListOffsetsTopic[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  /** v0 only on the wire; derived from `offset` when absent. */
  oldStyleOffsets?: number[];
  /** v1+ on the wire; default -1. */
  timestamp?: number;
  /** v1+ on the wire (v0: first of oldStyleOffsets); default -1. */
  offset?: number;
  /** v4+; default -1 (unknown). */
  leaderEpoch?: number;
}

export interface ListOffsetsTopicResponse {
  name: string;
  partitions: ListOffsetsPartitionResponse[];
}

export interface ListOffsetsResponse {
  /** v2+; default 0. */
  throttleTimeMs?: number;
  topics: ListOffsetsTopicResponse[];
}

const offsetsOf = (offset: number): number[] => (offset >= 0 ? [offset] : []);

const ListOffsetsSchema = schemaApi<ListOffsetsRequest, ListOffsetsResponse>({
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  versions: '0-9',
  flexibleVersions: '6+',
  request: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
            { name: 'timestamp', type: 'int64', versions: '0+' },
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'oldStyleOffsets', type: '[]int64', versions: '0' },
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1 },
            { name: 'offset', type: 'int64', versions: '1+', default: -1 },
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
});

/** Keeps `offset` and v0's `oldStyleOffsets` consistent (see the top of the file). */
const mapPartitions = (res: ListOffsetsResponse, f: (p: ListOffsetsPartitionResponse) => ListOffsetsPartitionResponse): ListOffsetsResponse => ({
  ...res,
  topics: res.topics.map((t) => ({ ...t, partitions: t.partitions.map(f) })),
});

export const ListOffsetsApi: typeof ListOffsetsSchema = {
  ...ListOffsetsSchema,
  encodeResponse(w, res, version) {
    const v0 = (p: ListOffsetsPartitionResponse) => ({ ...p, oldStyleOffsets: p.oldStyleOffsets ?? offsetsOf(p.offset ?? -1) });
    ListOffsetsSchema.encodeResponse(w, version === 0 ? mapPartitions(res, v0) : res, version);
  },
  decodeResponse(r, version) {
    const res = ListOffsetsSchema.decodeResponse(r, version);
    return mapPartitions(res, (p) => (version === 0 ? { ...p, offset: p.oldStyleOffsets![0] ?? -1 } : { ...p, oldStyleOffsets: offsetsOf(p.offset ?? -1) }));
  },
};
