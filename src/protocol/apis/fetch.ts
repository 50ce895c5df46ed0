/**
 * Fetch (key 1), versions 0-16; flexible from v12 (Kafka 3.9's FetchRequest/Response.json). Versions
 * 0-3 are described but refused by the broker (message formats v0/v1: see handlers/api-versions.ts).
 *
 * Fetch Request (v16) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                        session_epoch [topics] [forgotten_topics_data] rack_id  TAG_BUFFER
 *   cluster_id => COMPACT_NULLABLE_STRING           (tag 0, v12+)
 *   replica_id => INT32                             (v0-14; from v15 in replica_state)
 *   replica_state => replica_id replica_epoch       (tag 1, v15+)
 *   max_wait_ms min_bytes => INT32
 *   max_bytes => INT32                              (v3+)
 *   isolation_level => INT8                         (v4+)
 *   session_id session_epoch => INT32               (v7+, KIP-227 fetch sessions)
 *   topics => topic | topic_id [partitions]         (topic v0-12, topic_id UUID v13+)
 *     partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset
 *                   partition_max_bytes
 *       current_leader_epoch => INT32               (v9+)
 *       last_fetched_epoch => INT32                 (v12+)
 *       log_start_offset => INT64                   (v5+)
 *   forgotten_topics_data => topic | topic_id [partitions: INT32]   (v7+)
 *   rack_id => STRING                               (v11+)
 *
 * Fetch Response (v16) => throttle_time_ms error_code session_id [responses] TAG_BUFFER
 *   throttle_time_ms => INT32 (v1+); error_code, session_id (v7+)
 *   responses => topic | topic_id [partitions]
 *     partitions => partition_index error_code high_watermark last_stable_offset (v4+)
 *                   log_start_offset (v5+) [aborted_transactions] (v4+, nullable)
 *                   preferred_read_replica (v11+) records
 *       diverging_epoch => epoch end_offset         (tag 0, v12+)
 *       current_leader => leader_id leader_epoch    (tag 1, v12+; KIP-951 on NOT_LEADER_OR_FOLLOWER)
 *       snapshot_id => end_offset epoch             (tag 2, v12+)
 *   node_endpoints => [node_id host port rack]      (tag 0, v16+; KIP-951: the leaders named above)
 *
 * Records stay a view of the frame on decode and are written as given (zero copy): a broker's answer
 * may carry a partition's stored batches as a BatchList (`FetchResponse<Records>`), written back to
 * back with one length, the bytes a client decodes the same as from one buffer.
 */
import { ApiKey } from '../api.js';
import type { Records } from '../batch-list.js';
import { schemaApi, type FieldSpec } from '../schema.js';

export interface FetchPartition {
  partition: number;
  /** v9+; default -1. */
  currentLeaderEpoch?: number;
  fetchOffset: number;
  /** v12+; default -1. */
  lastFetchedEpoch?: number;
  /** v5+; default -1. */
  logStartOffset?: number;
  partitionMaxBytes: number;
}

export interface FetchTopic {
  /** v0-12; '' from v13, where `topicId` names the topic. */
  topic: string;
  /** v13+ (a UUID); the all-zero UUID before. */
  topicId?: string;
  partitions: FetchPartition[];
}

export interface ForgottenTopic {
  /** v7-12. */
  topic: string;
  /** v13+. */
  topicId?: string;
  partitions: number[];
}

export interface ReplicaState {
  replicaId: number;
  replicaEpoch: number;
}

export interface FetchRequest {
  /** v12+, tagged; default null. */
  clusterId?: string | null;
  /** On the wire v0-14, in `replicaState` from v15: the codec keeps this field right in every version. */
  replicaId: number;
  /** v15+, tagged; default { -1, -1 }. */
  replicaState?: ReplicaState;
  maxWaitMs: number;
  minBytes: number;
  /** v3+; default 0x7fffffff. */
  maxBytes?: number;
  /** v4+; default 0 (READ_UNCOMMITTED). */
  isolationLevel?: number;
  /** v7+; default 0 (no session). */
  sessionId?: number;
  /** v7+; default -1 (full fetch, no session). */
  sessionEpoch?: number;
  topics: FetchTopic[];
  /** v7+; default []. */
  forgottenTopicsData?: ForgottenTopic[];
  /** v11+; default "". */
  rackId?: string;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface DivergingEpoch {
  epoch: number;
  endOffset: number;
}

export interface LeaderIdAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface SnapshotId {
  endOffset: number;
  epoch: number;
}

export interface NodeEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** `R`: Buffer as decoded; a broker answers `Records` (a Buffer or a BatchList). */
export interface FetchPartitionResponse<R extends Records = Buffer> {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  /** v4+; default -1. */
  lastStableOffset?: number;
  /** v5+; default -1. */
  logStartOffset?: number;
  /** v12+, tagged; default { -1, -1 } (not sent). */
  divergingEpoch?: DivergingEpoch;
  /** v12+, tagged (KIP-951); default { -1, -1 } (not sent). */
  currentLeader?: LeaderIdAndEpoch;
  /** v12+, tagged; default { -1, -1 } (not sent). */
  snapshotId?: SnapshotId;
  /** v4+, nullable; default null. */
  abortedTransactions?: AbortedTransaction[] | null;
  /** v11+; default -1 (no preferred replica). */
  preferredReadReplica?: number;
  /** Raw record batches, passed through undecoded. */
  records: R | null;
}

export interface FetchTopicResponse<R extends Records = Buffer> {
  /** v0-12. */
  topic: string;
  /** v13+. */
  topicId?: string;
  partitions: FetchPartitionResponse<R>[];
}

export interface FetchResponse<R extends Records = Buffer> {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  /** v7+; default 0. */
  errorCode?: number;
  /** v7+; default 0. */
  sessionId?: number;
  responses: FetchTopicResponse<R>[];
  /** v16+, tagged (KIP-951); default []. */
  nodeEndpoints?: NodeEndpoint[];
}

/** Kafka's NodeEndpoint (Fetch v16+, Produce v10+): the address of each leader a KIP-951 hint names. */
export const NODE_ENDPOINT_FIELDS = (versions: string): FieldSpec[] => [
  { name: 'nodeId', type: 'int32', versions },
  { name: 'host', type: 'string', versions },
  { name: 'port', type: 'int32', versions },
  { name: 'rack', type: 'string', versions, nullableVersions: versions, default: null },
];

/** Kafka's LeaderIdAndEpoch (Fetch v12+, Produce v10+): the current leader, on NOT_LEADER_OR_FOLLOWER. */
export const LEADER_ID_AND_EPOCH_FIELDS = (versions: string): FieldSpec[] => [
  { name: 'leaderId', type: 'int32', versions, default: -1 },
  { name: 'leaderEpoch', type: 'int32', versions, default: -1 },
];

const FetchSchema = schemaApi<FetchRequest, FetchResponse>({
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  versions: '0-16',
  flexibleVersions: '12+',
  request: [
    { name: 'clusterId', type: 'string', versions: '12+', nullableVersions: '12+', default: null, tag: 0, taggedVersions: '12+' },
    { name: 'replicaId', type: 'int32', versions: '0-14', default: -1 },
    {
      name: 'replicaState',
      type: 'struct',
      versions: '15+',
      tag: 1,
      taggedVersions: '15+',
      fields: [
        { name: 'replicaId', type: 'int32', versions: '15+', default: -1 },
        { name: 'replicaEpoch', type: 'int64', versions: '15+', default: -1 },
      ],
    },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff },
    { name: 'isolationLevel', type: 'int8', versions: '4+' },
    { name: 'sessionId', type: 'int32', versions: '7+' },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
            { name: 'fetchOffset', type: 'int64', versions: '0+' },
            { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'forgottenTopicsData',
      type: '[]struct',
      versions: '7+',
      fields: [
        { name: 'topic', type: 'string', versions: '7-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        { name: 'partitions', type: '[]int32', versions: '7+' },
      ],
    },
    { name: 'rackId', type: 'string', versions: '11+', default: '' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '7+' },
    { name: 'sessionId', type: 'int32', versions: '7+' },
    {
      name: 'responses',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0-12' },
        { name: 'topicId', type: 'uuid', versions: '13+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1 },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1 },
            {
              name: 'divergingEpoch',
              type: 'struct',
              versions: '12+',
              tag: 0,
              taggedVersions: '12+',
              fields: [
                { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'endOffset', type: 'int64', versions: '12+', default: -1 },
              ],
            },
            { name: 'currentLeader', type: 'struct', versions: '12+', tag: 1, taggedVersions: '12+', fields: LEADER_ID_AND_EPOCH_FIELDS('12+') },
            {
              name: 'snapshotId',
              type: 'struct',
              versions: '12+',
              tag: 2,
              taggedVersions: '12+',
              fields: [
                { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
                { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
              ],
            },
            {
              name: 'abortedTransactions',
              type: '[]struct',
              versions: '4+',
              nullableVersions: '4+',
              fields: [
                { name: 'producerId', type: 'int64', versions: '4+' },
                { name: 'firstOffset', type: 'int64', versions: '4+' },
              ],
            },
            { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'nodeEndpoints', type: '[]struct', versions: '16+', tag: 0, taggedVersions: '16+', fields: NODE_ENDPOINT_FIELDS('16+') },
  ],
});

/**
 * From v15 the follower's id travels in the tagged replica_state; callers see `replicaId` in every
 * version. Typed as decoded (Buffers); a broker's `FetchResponse<Records>` encodes the same way
 * (the records codec writes a BatchList as it writes a Buffer), through the untyped request router.
 */
export const FetchApi: typeof FetchSchema = {
  ...FetchSchema,
  encodeRequest(w, req, version) {
    FetchSchema.encodeRequest(w, version >= 15 ? { ...req, replicaState: req.replicaState ?? { replicaId: req.replicaId, replicaEpoch: -1 } } : req, version);
  },
  decodeRequest(r, version) {
    const req = FetchSchema.decodeRequest(r, version);
    return version >= 15 ? { ...req, replicaId: req.replicaState!.replicaId } : req;
  },
};
