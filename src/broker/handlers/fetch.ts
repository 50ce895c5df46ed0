import { ErrorCode, KafkaError, OffsetOutOfRangeError } from '../../common/errors.js';
import { fetchMaxBytes } from '../../common/limits.js';
import type { FetchPartitionResponse, FetchRequest, FetchResponse, FetchTopic } from '../../protocol/apis/fetch.js';
import { ApiKey } from '../../protocol/api.js';
import type { BrokerContext } from '../context.js';
import { oldestServedVersion } from './api-versions.js';
import { distinctBy } from './distinct.js';

/** Upper bound on how long a fetch may wait for data, whatever the client asks. */
const MAX_WAIT_CAP_MS = 30_000;
const EMPTY = Buffer.alloc(0);

/**
 * Fetch, for consumers (replicaId -1: up to the high watermark) and followers (replicaId >= 0: up to
 * the log end, recording their progress). Whole stored batches from each fetch offset. With less
 * than minBytes available it waits (up to maxWaitMs) for new data, so idle fetchers do not spin.
 */
export async function handleFetch(ctx: BrokerContext, request: FetchRequest, version: number): Promise<FetchResponse> {
  const req = { ...request, topics: distinctTopics(request.topics) };
  if (version < oldestServedVersion(ApiKey.Fetch)) return refuseAll(req, ErrorCode.UNSUPPORTED_VERSION);
  let res = readAll(ctx, req);
  const waitMs = Math.min(Math.max(req.maxWaitMs, 0), MAX_WAIT_CAP_MS);
  if (res.bytes < Math.max(req.minBytes, 1) && waitMs > 0 && !res.hadError) {
    const partitions = req.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition })));
    await ctx.replicas.waitForData(partitions, req.replicaId >= 0 ? 'append' : 'highWatermark', waitMs);
    res = readAll(ctx, req);
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: res.responses };
}

function refuseAll(req: FetchRequest, errorCode: number): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    sessionId: 0,
    responses: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => errorPartition(p.partition, errorCode)) })),
  };
}

function errorPartition(partitionIndex: number, errorCode: number, range: OffsetOutOfRangeError | null = null): FetchPartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: range?.highWatermark ?? -1,
    lastStableOffset: range?.highWatermark ?? -1,
    logStartOffset: range?.logStartOffset ?? -1,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

function readAll(ctx: BrokerContext, req: FetchRequest): { responses: FetchResponse['responses']; bytes: number; hadError: boolean } {
  let budget = Math.min(req.maxBytes ?? fetchMaxBytes, fetchMaxBytes);
  let bytes = 0;
  let hadError = false;
  const responses = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): FetchPartitionResponse => {
      try {
        const exists = ctx.cache.partition(t.topic, p.partition) !== undefined;
        const partition = ctx.replicas.leaderPartition(t.topic, p.partition, exists, p.currentLeaderEpoch ?? -1);
        // Each partition gets what is left of the budget; the first with data at least one batch
        // however large (KIP-74: PartitionLog.read always returns one), later ones nothing once it is spent.
        const maxBytes = Math.min(p.partitionMaxBytes, bytes > 0 ? budget : Math.max(budget, 1));
        const read =
          req.replicaId >= 0
            ? ctx.replicas.readForFollower(partition, req.replicaId, p.fetchOffset, maxBytes)
            : ctx.replicas.read(partition, p.fetchOffset, maxBytes);
        // PartitionLog.read returns at least one batch; only the first partition with data may go over the budget with it.
        const batches = bytes > 0 ? withinBudget(read.batches, budget) : read.batches;
        // Empty, never null: librdkafka rejects a MessageSetSize of -1.
        const records = batches.length > 0 ? Buffer.concat(batches) : EMPTY;
        bytes += records.length;
        budget -= records.length;
        return {
          partitionIndex: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: read.highWatermark,
          lastStableOffset: read.highWatermark,
          logStartOffset: read.logStartOffset,
          abortedTransactions: [],
          preferredReadReplica: -1,
          records,
        };
      } catch (err) {
        hadError = true;
        // Out of range: where the log is, so a follower left behind the leader's log start goes on from there.
        const range = err instanceof OffsetOutOfRangeError ? err : null;
        return errorPartition(p.partition, err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR, range);
      }
    }),
  }));
  return { responses, bytes, hadError };
}

/** The leading batches whose bytes add up to at most `budget`. */
function withinBudget(batches: Buffer[], budget: number): Buffer[] {
  let used = 0;
  const kept = batches.findIndex((b) => (used += b.length) > budget);
  return kept < 0 ? batches : batches.slice(0, kept);
}

/** Each topic once (its partitions merged) and each partition once: see distinct.ts. */
function distinctTopics(topics: FetchTopic[]): FetchTopic[] {
  const byName = new Map<string, FetchTopic['partitions']>();
  for (const t of topics) byName.set(t.topic, [...(byName.get(t.topic) ?? []), ...t.partitions]);
  return [...byName].map(([topic, partitions]) => ({ topic, partitions: distinctBy(partitions, (p) => String(p.partition)) }));
}
