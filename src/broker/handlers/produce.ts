import { ErrorCode, KafkaError, ProtocolError } from '../../common/errors.js';
import { ApiKey } from '../../protocol/api.js';
import { CompressionCodec } from '../../protocol/compression.js';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from '../../protocol/apis/produce.js';
import { isControl, isTransactional } from '../../protocol/control-batch.js';
import { applyTimestampPolicy, splitAndValidateBatches } from '../../protocol/record-batch.js';
import { INTERNAL_WRITER_CLIENT_ID, isInternalTopic } from '../../common/topic-name.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { LeaderWrite } from '../replica-manager.js';
import type { RequestClient } from '../request-router.js';
import { oldestServedVersion } from './api-versions.js';
import { currentLeaderHint, leaderEndpoints } from './leader-hints.js';

/** A valid partition of the request: where its answer goes, beside the write handed to ReplicaManager. */
interface Target {
  topic: string;
  index: number;
  /** The time the leader stamped on a LogAppendTime topic's batches, else -1 (the response's log_append_time_ms). */
  logAppendTimeMs: number;
}

interface Validated extends LeaderWrite {
  logAppendTimeMs: number;
}

/**
 * Produce: validate every partition's batches as a Kafka leader would (framing, size, then the
 * topic's timestamp rules, which may rewrite a batch's maxTimestamp), then hand the valid ones to
 * ReplicaManager.appendRecords (one transaction; the leader's rules, min.insync.replicas among them,
 * are Partition's) and answer: acks=1 at once, acks=all when the high watermark covers each batch,
 * acks=0 never (the router drops it).
 */
export async function handleProduce(ctx: BrokerContext, req: ProduceRequest, version: number, client: RequestClient): Promise<ProduceResponse> {
  if (version < oldestServedVersion(ApiKey.Produce)) {
    // acks=0 gets no answer, so closing the connection is the only way to say no (Kafka 4.0 closes it for any acks).
    if (req.acks === 0) throw new ProtocolError(`Produce v${version} (message format v0/v1) is not supported since Kafka 4.0; upgrade the client`);
    return refuseAll(req, ErrorCode.UNSUPPORTED_VERSION);
  }
  // Kafka's KafkaApis: a transactional producer needs WRITE on its transactional id, every partition WRITE on its topic.
  if (req.transactionalId && !ctx.security.authorize(client, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) {
    return refuseAll(req, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  const results = new Map<string, ProducePartitionResponse>();
  const resultKey = (topic: string, index: number) => `${topic}\u0000${index}`;
  // Only a failed partition can name its leader, so the answers are searched for hints only when one
  // failed: read from every answer (absent on a success), it deoptimized handleProduce on every broker.
  let failed = false;
  const fail = (topic: string, index: number, err: unknown) => {
    failed = true;
    results.set(resultKey(topic, index), errorResult(ctx, topic, index, err));
  };
  // The writes are plain { partition, batches }, as a follower's and a marker's are (one shape in
  // ReplicaManager's append path); where each one's answer goes is beside them, in `targets`.
  const writes: LeaderWrite[] = [];
  const targets: Target[] = [];

  for (const t of req.topicData) {
    for (const p of t.partitionData) {
      try {
        const v = validate(ctx, req, version, client, t.name, p.index, p.records);
        writes.push({ partition: v.partition, batches: v.batches });
        targets.push({ topic: t.name, index: p.index, logAppendTimeMs: v.logAppendTimeMs });
      } catch (err) {
        fail(t.name, p.index, err);
      }
    }
  }

  if (writes.length > 0) {
    try {
      const written = await ctx.replicas.appendRecords(writes, req.acks, req.timeoutMs);
      for (let i = 0; i < targets.length; i++) {
        const w = targets[i]!;
        const r = written[i]!;
        if ('error' in r) fail(w.topic, w.index, r.error);
        else results.set(resultKey(w.topic, w.index), { index: w.index, errorCode: ErrorCode.NONE, baseOffset: r.baseOffset, logAppendTimeMs: w.logAppendTimeMs, logStartOffset: r.logStartOffset });
      }
    } catch (err) {
      for (const w of targets) fail(w.topic, w.index, err);
    }
  }

  const responses = req.topicData.map((t) => ({
    name: t.name,
    partitionResponses: t.partitionData.map((p) => results.get(resultKey(t.name, p.index))!),
  }));
  const hints = failed ? responses.flatMap((t) => t.partitionResponses.map((p) => p.currentLeader)) : [];
  return { throttleTimeMs: 0, responses, nodeEndpoints: leaderEndpoints(ctx, hints) };
}

/** Produce v7+ may carry zstd batches (KIP-110): an older client cannot have agreed on a codec its version predates. */
const FIRST_ZSTD_VERSION = 7;

function validate(ctx: BrokerContext, req: ProduceRequest, version: number, client: RequestClient, topic: string, index: number, records: Buffer | null): Validated {
  if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) throw new KafkaError(ErrorCode.INVALID_REQUIRED_ACKS);
  if (!ctx.security.authorize(client, AclOperation.WRITE, ResourceType.TOPIC, topic)) throw new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `${client.principal} may not write to ${topic}`);
  // Kafka's ReplicaManager rule: only the coordinator writes its internal topics (readers rely on their format).
  if (isInternalTopic(topic) && client.clientId !== INTERNAL_WRITER_CLIENT_ID) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic}`);
  const exists = ctx.cache.partition(topic, index) !== undefined;
  const partition = ctx.replicas.leaderPartition(topic, index, exists);
  if (!records || records.length === 0) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'no records');
  const batches = splitAndValidateBatches(records);
  // Kafka's ProduceRequest.validateRecords: the partition is refused, the others of the request are not.
  if (version < FIRST_ZSTD_VERSION && batches.some((b) => (b.header.attributes & 0x07) === CompressionCodec.zstd)) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Produce requests with version ${version} are not allowed to use ZStandard compression`);
  }
  // The topic's max.message.bytes, else the broker's message.max.bytes.
  const max = Number(ctx.cache.topic(topic)?.configs['max.message.bytes'] ?? ctx.config.maxMessageBytes);
  for (const b of batches) {
    if (b.bytes.length > max) throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${b.bytes.length} bytes exceeds max.message.bytes ${max}`);
    // Markers are the leader's to write, when the coordinator says (WriteTxnMarkers); Kafka's rule too.
    if (isControl(b.header)) throw new KafkaError(ErrorCode.INVALID_RECORD, 'a produce request may not carry control batches');
    // Kafka's KafkaApis rule: transactional records come with the transactional id they are written for.
    if (isTransactional(b.header) && !req.transactionalId) throw new KafkaError(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'a transactional batch needs the request\'s transactional id');
  }
  // Kafka's LogValidator: the cleaner keeps the latest record per key, so a record without one has no place in a compacted log.
  if (partition.compaction.compact && batches.some((b) => b.hasKeylessRecord)) throw new KafkaError(ErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in topic partition ${topic}-${index}.`);
  const logAppendTimeMs = applyTimestampPolicy(batches, partition.timestamps, Date.now());
  return { partition, batches, logAppendTimeMs };
}

function refuseAll(req: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    throttleTimeMs: 0,
    responses: req.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 })) })),
  };
}

/** A partition's failure: its code, the reason (v8+ error_message) and, when it is led elsewhere, who leads it (KIP-951, v10+). */
function errorResult(ctx: BrokerContext, topic: string, index: number, err: unknown): ProducePartitionResponse {
  const code = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
  const currentLeader = currentLeaderHint(ctx, topic, index, code);
  const errorMessage = err instanceof KafkaError ? (err.detail ?? null) : null;
  return { index, errorCode: code, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, errorMessage, ...(currentLeader ? { currentLeader } : {}) };
}
