import { ErrorCode, KafkaError, OffsetOutOfRangeError } from '../../common/errors.js';
import { fetchMaxBytes } from '../../common/limits.js';
import type { FetchPartitionResponse, FetchRequest, FetchResponse, FetchTopic, ForgottenTopic, LeaderIdAndEpoch, NodeEndpoint } from '../../protocol/apis/fetch.js';
import { ApiKey } from '../../protocol/api.js';
import { BatchList, type Records } from '../../protocol/batch-list.js';
import { CompressionCodec } from '../../protocol/compression.js';
import { ATTR_COMPRESSION_MASK, BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD, OFF_ATTRIBUTES } from '../../protocol/record-batch-layout.js';
import { ZERO_UUID } from '../../protocol/schema.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { FetchResponseGrant } from '../fetch-response-budget.js';
import type { FetchContext, FetchTarget, TopicPartitionResponse } from '../fetch-sessions.js';
import type { RequestClient } from '../request-router.js';
import { oldestServedVersion } from './api-versions.js';
import { distinctBy } from './distinct.js';
import { currentLeaderHint, leaderEndpoints } from './leader-hints.js';
import { preferredReadReplica } from '../replica-selector.js';
import type { FetchClock, QuietRead } from '../../replication/follower-progress.js';
import type { Partition, ReadResult } from '../../replication/partition.js';

/** Fetch v13+ names topics by id (KIP-516); before, by name. */
const FIRST_TOPIC_ID_VERSION = 13;
/** Fetch v12+ carries the fetcher's last fetched epoch and answers a diverging epoch (KIP-595's truncation on fetch). */
const FIRST_DIVERGING_EPOCH_VERSION = 12;
/** Fetch v11+ carries the consumer's rack and the preferred read replica (KIP-392). */
const FIRST_FOLLOWER_FETCH_VERSION = 11;
/** Fetch v10+ may carry zstd batches (KIP-110), as Produce v7+ may write them. */
const FIRST_ZSTD_VERSION = 10;

/** Fetch's isolation_level (v4+) asking for committed transactions only: read up to the last stable offset. */
const READ_COMMITTED = 1;

/** Upper bound on how long a fetch may wait for data, whatever the client asks. */
const MAX_WAIT_CAP_MS = 30_000;
const EMPTY = Buffer.alloc(0);

/**
 * Fetch, for consumers (replicaId -1: up to the high watermark; read_committed, up to the last
 * stable offset, with the aborted transactions to drop) and followers (replicaId >= 0: up to
 * the log end, recording their progress). Whole stored batches from each fetch offset. With less
 * than minBytes available it waits (up to maxWaitMs) for new data, so idle fetchers do not spin. The
 * partitions read are the request's or, for an incremental fetch, its session's (fetch-sessions.ts).
 * A partition this broker does not lead is answered with its current leader (KIP-951). From v11 a
 * follower serves consumers too, up to its high watermark, and a leader with `--replica-selector
 * rack-aware` may send a consumer to a follower in its rack (KIP-392: preferred_read_replica, no records).
 * From v12 a fetcher (follower or consumer) whose last fetched epoch and offset are not on this log
 * gets a diverging epoch instead of records, and a follower's progress is not recorded from it.
 *
 * Before reading from storage it reserves the bytes it may read in the broker's fetch response
 * budget (fetch-response-budget.ts) and reads no more than it got; the reservation is held until the
 * response has been written to the socket. While it waits for data it holds nothing.
 * A consumer needs READ on each topic (TOPIC_AUTHORIZATION_FAILED for the partitions of the others).
 */
export async function handleFetch(ctx: BrokerContext, request: FetchRequest, version: number, client: RequestClient): Promise<FetchResponse<Records>> {
  const byId = version >= FIRST_TOPIC_ID_VERSION;
  const req = { ...request, topics: distinctTopics(request.topics.map((t) => named(ctx, t, byId))), forgottenTopicsData: (request.forgottenTopicsData ?? []).map((t) => named(ctx, t, byId)) };
  if (version < oldestServedVersion(ApiKey.Fetch)) return refuseAll(req, ErrorCode.UNSUPPORTED_VERSION);
  // Kafka's KafkaApis: followers need CLUSTER_ACTION on the cluster, consumers READ on each topic.
  if (req.replicaId >= 0 && !ctx.security.authorizeCluster(client, AclOperation.CLUSTER_ACTION)) return refuseAll(req, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  const readable = new Map<string, boolean>();
  const mayRead = (topic: string) => {
    let ok = readable.get(topic);
    if (ok === undefined) readable.set(topic, (ok = req.replicaId >= 0 || ctx.security.authorize(client, AclOperation.READ, ResourceType.TOPIC, topic)));
    return ok;
  };
  // A follower's caught-up partitions are left out of its session's reads (Partition's QuietRead), but not by a leader that may no longer lead.
  const session = ctx.fetchSessions.open(req, req.replicaId >= 0 && ctx.replicas.mayLeaveOutQuiet);
  if (session.errorCode !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: session.errorCode, sessionId: 0, responses: [] };
  const waitMs = Math.min(Math.max(req.maxWaitMs, 0), MAX_WAIT_CAP_MS);
  // At least 1: maxBytes 0 still gets its first batch (KIP-74), as before the budget.
  const wantedBytes = Math.max(1, Math.min(req.maxBytes ?? fetchMaxBytes, fetchMaxBytes));
  // Each grant is released once the answer is written, or at once if the connection already ended.
  const reserve = async (maxWaitMs: number) => {
    const grant = await ctx.fetchResponses.reserve(client.connectionId, req.replicaId >= 0, wantedBytes, maxWaitMs);
    client.onResponseSent(() => grant.release());
    return grant;
  };
  const grant = await reserve(waitMs);
  const reader: Reader = { ctx, req, version, mayRead, clock: session.clock };
  const res = readAll(reader, session.targets, grant.bytes);
  grant.charge(res.bytes);
  // Less than minBytes although the grant allowed more: wait for data (holding no bytes meanwhile).
  const read =
    res.bytes < Math.max(req.minBytes, 1) && res.bytes < grant.bytes && waitMs > 0 && !res.answerNow
      ? await waitAndReadAgain(reader, session, { res, targets: session.targets }, grant, waitMs, reserve)
      : { res, targets: session.targets };
  const { sessionId, partitions } = session.respond(read.res.partitions, read.res.quiet, read.targets);
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId, responses: byTopic(partitions), nodeEndpoints: endpointsOf(ctx, partitions) };
}

/** What a fetch answers: its reads and the targets they were of (the session's, then the quiet ones that ended while it waited). */
interface FetchReads {
  res: PartitionReads;
  targets: readonly FetchTarget[];
}

/**
 * The waiting half of a fetch, a function of its own: it runs only when the first read found too
 * little, and kept inside handleFetch each new object shape it met deoptimized the whole handler
 * (the costliest function of a broker to optimize again).
 */
async function waitAndReadAgain(reader: Reader, session: FetchContext, first: FetchReads, firstGrant: FetchResponseGrant, waitMs: number, reserve: (maxWaitMs: number) => Promise<FetchResponseGrant>): Promise<FetchReads> {
  const { ctx, req } = reader;
  let { res, targets } = first;
  firstGrant.release();
  const woke = await ctx.replicas.waitForData(res.replicas, req.replicaId >= 0 ? 'append' : 'highWatermark', waitMs, session.untilQuietEnds);
  const grant = await reserve(0);
  if (woke === null || res.bytes > 0) {
    // Timed out, or the first read's records (fewer than minBytes) were released with its grant:
    // everything is read again, within the new grant.
    res = readAll(reader, targets, grant.bytes);
  } else if (woke.size > 0) {
    // The first read sent nothing: only the partitions that woke the wait are read again (in
    // session order, so the first with data may exceed the limits, as in a full read); the others
    // keep what it answered a moment ago.
    const indexes = [...woke].sort((a, b) => a - b);
    const again = readAll(reader, indexes.map((i) => targets[i]!), grant.bytes);
    indexes.forEach((i, n) => {
      res.partitions[i] = again.partitions[n]!;
      res.quiet[i] = again.quiet[n]!;
    });
    res = { partitions: res.partitions, quiet: res.quiet, replicas: res.replicas, bytes: again.bytes, answerNow: again.answerNow };
  }
  // Partitions left out as quiet that got data (or whose state moved) meanwhile: read after the others.
  const ended = session.takeEnded();
  if (ended.length > 0) {
    const more = readAll(reader, ended, grant.bytes, res.bytes);
    targets = [...targets, ...ended];
    res = { partitions: [...res.partitions, ...more.partitions], quiet: [...res.quiet, ...more.quiet], replicas: [...res.replicas, ...more.replicas], bytes: more.bytes, answerNow: res.answerNow || more.answerNow };
  }
  grant.charge(res.bytes);
  return { res, targets };
}

/** The answer's node_endpoints (KIP-951): the leaders its partitions' hints name; most answers have none, and build no list of them. */
function endpointsOf(ctx: BrokerContext, partitions: readonly TopicPartitionResponse[]): NodeEndpoint[] {
  let hints: LeaderIdAndEpoch[] | null = null;
  for (const p of partitions) {
    const hint = p.partition.currentLeader;
    if (hint) (hints ??= []).push(hint);
  }
  return hints ? leaderEndpoints(ctx, hints) : [];
}

/**
 * A request topic with both its name and id: from v13 the id is on the wire and the name is looked
 * up ('' for an id this broker does not know: its partitions are UNKNOWN_TOPIC_ID); before, the id
 * stays the all-zero UUID, so that sessions and answers key on what the client sent.
 */
function named<T extends FetchTopic | ForgottenTopic>(ctx: BrokerContext, t: T, byId: boolean): T {
  return byId ? { ...t, topic: ctx.cache.topicById(t.topicId ?? ZERO_UUID)?.name ?? '' } : { ...t, topicId: ZERO_UUID };
}

function refuseAll(req: FetchRequest, errorCode: number): FetchResponse<Records> {
  return {
    throttleTimeMs: 0,
    errorCode,
    sessionId: 0,
    responses: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => errorPartition(p.partition, errorCode)) })),
  };
}

function errorPartition(partitionIndex: number, errorCode: number, range: OffsetOutOfRangeError | null = null): FetchPartitionResponse<Records> {
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

/** What one request's reads share. */
interface Reader {
  ctx: BrokerContext;
  req: FetchRequest;
  version: number;
  mayRead: (topic: string) => boolean;
  /** The follower's session clock, for its reads to mark quiet partitions (null: no session, none is). */
  clock: FetchClock | null;
}

/** The answer read for each target, which reads were quiet, the replicas read (for a wait), and the record bytes read (with `usedBytes`). */
interface PartitionReads {
  partitions: FetchPartitionResponse<Records>[];
  quiet: (QuietRead | null)[];
  /** The replica each target was read from, or undefined after an error (then nothing waits: errors are answered at once). */
  replicas: (Partition | undefined)[];
  bytes: number;
  answerNow: boolean;
}

/**
 * Reads the targets in order, within `grantedBytes` (the request's maxBytes, capped at
 * fetch.max.bytes, trimmed to what the response budget granted) and each partition's
 * partitionMaxBytes, as Kafka does (KIP-74): only the first batch of the first partition with data
 * may exceed them, so a consumer is never stuck behind a batch larger than its limits; after it, a
 * partition gets the whole batches that fit both its own limit and what is left. Granted nothing, it
 * reads no records (the partitions' offsets and errors are still answered). An error or a preferred
 * read replica is answered at once, without waiting for data (as Kafka does). `usedBytes`: what
 * the reads before these took of the same grant.
 */
function readAll(reader: Reader, targets: readonly FetchTarget[], grantedBytes: number, usedBytes = 0): PartitionReads {
  const { ctx, req, version, mayRead } = reader;
  let budget = grantedBytes - usedBytes;
  let bytes = usedBytes;
  let answerNow = false;
  const followerFetch = version >= FIRST_FOLLOWER_FETCH_VERSION;
  const quiet: (QuietRead | null)[] = new Array<QuietRead | null>(targets.length).fill(null);
  const replicas: (Partition | undefined)[] = new Array<Partition | undefined>(targets.length).fill(undefined);
  const partitions = targets.map(({ topic, topicId, partition: p }, i): FetchPartitionResponse<Records> => {
    try {
      if (topic === '' && topicId !== ZERO_UUID) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_ID, `no topic has id ${topicId}`);
      if (!mayRead(topic)) throw new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      const exists = ctx.cache.partition(topic, p.partition) !== undefined;
      const epoch = p.currentLeaderEpoch ?? -1;
      const partition = req.replicaId >= 0 ? ctx.replicas.leaderPartition(topic, p.partition, exists, epoch) : ctx.replicas.consumerPartition(topic, p.partition, exists, epoch, followerFetch);
      replicas[i] = partition;
      const preferred = followerFetch && req.replicaId < 0 && partition.isLeader ? preferredReadReplica(ctx, partition, req.rackId ?? '', p.fetchOffset) : -1;
      if (preferred >= 0) {
        answerNow = true;
        const log = partition.log;
        return { partitionIndex: p.partition, errorCode: ErrorCode.NONE, highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset, abortedTransactions: [], preferredReadReplica: preferred, records: EMPTY };
      }
      // KIP-595: a fetcher whose log holds a tail this one does not gets where it diverges, not records (it truncates and fetches again).
      const diverging = version >= FIRST_DIVERGING_EPOCH_VERSION ? partition.divergingEpoch(p.lastFetchedEpoch ?? -1, p.fetchOffset) : null;
      if (diverging) {
        answerNow = true;
        const log = partition.log;
        return { partitionIndex: p.partition, errorCode: ErrorCode.NONE, highWatermark: log.highWatermark, lastStableOffset: log.highWatermark, logStartOffset: log.logStartOffset, divergingEpoch: diverging, abortedTransactions: [], preferredReadReplica: -1, records: EMPTY };
      }
      const limit = Math.min(p.partitionMaxBytes, budget);
      // PartitionLog.read returns at least one batch when asked for any bytes: ask only while the first batch may exceed the limit, or something fits.
      const oneBatchAllowed = bytes === 0 && grantedBytes > 0;
      const maxBytes = oneBatchAllowed ? Math.max(limit, 1) : limit;
      let read: ReadResult;
      if (req.replicaId >= 0) {
        const r = ctx.replicas.readForFollower(partition, req.replicaId, p.fetchOffset, maxBytes, reader.clock);
        read = r.read;
        quiet[i] = r.quiet;
      } else {
        read = ctx.replicas.read(partition, p.fetchOffset, maxBytes, req.isolationLevel === READ_COMMITTED);
      }
      const batches = oneBatchAllowed ? read.batches : withinBudget(read.batches, limit);
      // A fetcher older than zstd could not decompress it: the partition is refused, not sent bytes it cannot read.
      // (Kafka refuses a topic whose compression.type is zstd; this also covers zstd batches kept as the producer wrote them.)
      if (version < FIRST_ZSTD_VERSION && batches.some(isZstd)) throw new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `Fetch v${version} cannot carry the zstd batches at ${topic}-${p.partition} offset ${p.fetchOffset}: zstd needs Fetch v10`);
      // Empty, never null: librdkafka rejects a MessageSetSize of -1. The batches go out as SQLite returned them, never joined
      // (a joined copy of a 1 MiB read was 14% of a leader's time in `yak bench consume`): the frame's writev sends them.
      const records = batches.length === 0 ? EMPTY : batches.length === 1 ? batches[0]! : new BatchList(batches);
      bytes += records.length;
      budget -= records.length;
      return {
        partitionIndex: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: read.highWatermark,
        lastStableOffset: read.lastStableOffset,
        logStartOffset: read.logStartOffset,
        abortedTransactions: read.abortedTransactions,
        preferredReadReplica: -1,
        records,
      };
    } catch (err) {
      answerNow = true;
      // Out of range: where the log is, so a follower left behind the leader's log start goes on from there.
      const range = err instanceof OffsetOutOfRangeError ? err : null;
      const code = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
      const currentLeader = currentLeaderHint(ctx, topic, p.partition, code);
      return { ...errorPartition(p.partition, code, range), ...(currentLeader ? { currentLeader } : {}) };
    }
  });
  return { partitions, quiet, replicas, bytes, answerNow };
}

/** Consecutive partitions of one topic under one topic entry, in order (as Kafka's FetchResponse.of builds it). */
function byTopic(partitions: TopicPartitionResponse[]): FetchResponse<Records>['responses'] {
  const responses: FetchResponse<Records>['responses'] = [];
  for (const { topic, topicId, partition } of partitions) {
    const last = responses[responses.length - 1];
    if (last && last.topic === topic && last.topicId === topicId) last.partitions.push(partition);
    else responses.push({ topic, topicId, partitions: [partition] });
  }
  return responses;
}

/** Whether a stored batch (or a run of them) holds zstd-compressed records. */
function isZstd(bytes: Buffer): boolean {
  for (let at = 0; at + BATCH_HEADER_BYTES <= bytes.length; at += BATCH_LOG_OVERHEAD + bytes.readInt32BE(at + 8)) {
    if ((bytes.readInt16BE(at + OFF_ATTRIBUTES) & ATTR_COMPRESSION_MASK) === CompressionCodec.zstd) return true;
  }
  return false;
}

/** The leading batches whose bytes add up to at most `budget`. */
function withinBudget(batches: Buffer[], budget: number): Buffer[] {
  let used = 0;
  const kept = batches.findIndex((b) => (used += b.length) > budget);
  return kept < 0 ? batches : batches.slice(0, kept);
}

/** Each topic once (its partitions merged) and each partition once: see distinct.ts. */
function distinctTopics(topics: FetchTopic[]): FetchTopic[] {
  // A follower's or consumer's usual fetch, one topic and a partition of it: kept as it came (no copies).
  if (topics.length === 1 && topics[0]!.partitions.length === 1) return topics;
  const merged = new Map<string, FetchTopic>();
  for (const t of topics) {
    const k = `${t.topicId}\u0000${t.topic}`;
    const seen = merged.get(k);
    merged.set(k, seen ? { ...seen, partitions: [...seen.partitions, ...t.partitions] } : t);
  }
  return [...merged.values()].map((t) => ({ ...t, partitions: distinctBy(t.partitions, (p) => String(p.partition)) }));
}
