/**
 * Fetch (key 1), versions 0-11.
 *
 * Fetch Request => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id session_epoch
 *                  [topics] [forgotten_topics_data] rack_id
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32                              (v3+)
 *   isolation_level => INT8                         (v4+)
 *   session_id => INT32                             (v7+)
 *   session_epoch => INT32                          (v7+)
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
 *       partition => INT32
 *       current_leader_epoch => INT32               (v9+)
 *       fetch_offset => INT64
 *       log_start_offset => INT64                   (v5+)
 *       partition_max_bytes => INT32
 *   forgotten_topics_data => topic [partitions]     (v7+)
 *     topic => STRING
 *     partitions => INT32
 *   rack_id => STRING                               (v11+)
 *
 * Fetch Response => throttle_time_ms error_code session_id [responses]
 *   throttle_time_ms => INT32                       (v1+)
 *   error_code => INT16                             (v7+)
 *   session_id => INT32                             (v7+)
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition_index error_code high_watermark last_stable_offset log_start_offset
 *                   [aborted_transactions] preferred_read_replica records
 *       partition_index => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64                 (v4+)
 *       log_start_offset => INT64                   (v5+)
 *       aborted_transactions => producer_id first_offset   (v4+, nullable)
 *         producer_id => INT64
 *         first_offset => INT64
 *       preferred_read_replica => INT32             (v11+)
 *       records => RECORDS (NULLABLE_BYTES)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface FetchPartition {
  partition: number;
  /** v9+; default -1. */
  currentLeaderEpoch?: number;
  fetchOffset: number;
  /** v5+; default -1. */
  logStartOffset?: number;
  partitionMaxBytes: number;
}

export interface FetchTopic {
  topic: string;
  partitions: FetchPartition[];
}

export interface ForgottenTopic {
  topic: string;
  partitions: number[];
}

export interface FetchRequest {
  replicaId: number;
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

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  /** v4+; default -1. */
  lastStableOffset?: number;
  /** v5+; default -1. */
  logStartOffset?: number;
  /** v4+, nullable; default []. */
  abortedTransactions?: AbortedTransaction[] | null;
  /** v11+; default -1 (no preferred replica). */
  preferredReadReplica?: number;
  /** Raw record batches, passed through undecoded. */
  records: Buffer | null;
}

export interface FetchTopicResponse {
  topic: string;
  partitions: FetchPartitionResponse[];
}

export interface FetchResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  /** v7+; default 0. */
  errorCode?: number;
  /** v7+; default 0. */
  sessionId?: number;
  responses: FetchTopicResponse[];
}

function writePartition(w: Writer, p: FetchPartition, version: number): void {
  w.int32(p.partition);
  if (version >= 9) w.int32(p.currentLeaderEpoch ?? -1);
  w.int64(p.fetchOffset);
  if (version >= 5) w.int64(p.logStartOffset ?? -1);
  w.int32(p.partitionMaxBytes);
}

function readPartition(r: Reader, version: number): FetchPartition {
  return {
    partition: r.int32(),
    currentLeaderEpoch: version >= 9 ? r.int32() : -1,
    fetchOffset: r.int64(),
    logStartOffset: version >= 5 ? r.int64() : -1,
    partitionMaxBytes: r.int32(),
  };
}

function writePartitionResponse(w: Writer, p: FetchPartitionResponse, version: number): void {
  w.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark);
  if (version >= 4) w.int64(p.lastStableOffset ?? -1);
  if (version >= 5) w.int64(p.logStartOffset ?? -1);
  if (version >= 4) {
    const aborted = p.abortedTransactions === undefined ? [] : p.abortedTransactions;
    w.nullableArray(aborted, (w, a) => w.int64(a.producerId).int64(a.firstOffset));
  }
  if (version >= 11) w.int32(p.preferredReadReplica ?? -1);
  w.bytes(p.records);
}

function readPartitionResponse(r: Reader, version: number): FetchPartitionResponse {
  return {
    partitionIndex: r.int32(),
    errorCode: r.int16(),
    highWatermark: r.int64(),
    lastStableOffset: version >= 4 ? r.int64() : -1,
    logStartOffset: version >= 5 ? r.int64() : -1,
    abortedTransactions:
      version >= 4 ? r.nullableArray((r) => ({ producerId: r.int64(), firstOffset: r.int64() })) : [],
    preferredReadReplica: version >= 11 ? r.int32() : -1,
    records: r.bytes(),
  };
}

export const FetchApi: ApiCodec<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  maxVersion: 11,

  encodeRequest(w: Writer, req: FetchRequest, version: number): void {
    w.int32(req.replicaId).int32(req.maxWaitMs).int32(req.minBytes);
    if (version >= 3) w.int32(req.maxBytes ?? 0x7fffffff);
    if (version >= 4) w.int8(req.isolationLevel ?? 0);
    if (version >= 7) w.int32(req.sessionId ?? 0).int32(req.sessionEpoch ?? -1);
    w.array(req.topics, (w, t) => {
      w.string(t.topic);
      w.array(t.partitions, (w, p) => writePartition(w, p, version));
    });
    if (version >= 7) {
      w.array(req.forgottenTopicsData ?? [], (w, t) => {
        w.string(t.topic);
        w.array(t.partitions, (w, p) => w.int32(p));
      });
    }
    if (version >= 11) w.string(req.rackId ?? '');
  },

  decodeRequest(r: Reader, version: number): FetchRequest {
    const replicaId = r.int32();
    const maxWaitMs = r.int32();
    const minBytes = r.int32();
    const maxBytes = version >= 3 ? r.int32() : 0x7fffffff;
    const isolationLevel = version >= 4 ? r.int8() : 0;
    const sessionId = version >= 7 ? r.int32() : 0;
    const sessionEpoch = version >= 7 ? r.int32() : -1;
    const topics = r.array((r) => ({
      topic: r.string(),
      partitions: r.array((r) => readPartition(r, version)),
    }));
    const forgottenTopicsData =
      version >= 7 ? r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) })) : [];
    const rackId = version >= 11 ? r.string() : '';
    return {
      replicaId,
      maxWaitMs,
      minBytes,
      maxBytes,
      isolationLevel,
      sessionId,
      sessionEpoch,
      topics,
      forgottenTopicsData,
      rackId,
    };
  },

  encodeResponse(w: Writer, res: FetchResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    if (version >= 7) w.int16(res.errorCode ?? 0).int32(res.sessionId ?? 0);
    w.array(res.responses, (w, t) => {
      w.string(t.topic);
      w.array(t.partitions, (w, p) => writePartitionResponse(w, p, version));
    });
  },

  decodeResponse(r: Reader, version: number): FetchResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const errorCode = version >= 7 ? r.int16() : 0;
    const sessionId = version >= 7 ? r.int32() : 0;
    const responses = r.array((r) => ({
      topic: r.string(),
      partitions: r.array((r) => readPartitionResponse(r, version)),
    }));
    return { throttleTimeMs, errorCode, sessionId, responses };
  },
};
