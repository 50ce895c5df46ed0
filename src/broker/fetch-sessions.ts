import { randomInt } from 'node:crypto';
import { ErrorCode } from '../common/errors.js';
import { fetchSessionEvictionMs, maxFetchSessionCachePartitions, maxIncrementalFetchSessionCacheSlots } from '../common/limits.js';
import type { FetchPartition, FetchPartitionResponse, FetchRequest, ForgottenTopic } from '../protocol/apis/fetch.js';
import type { Records } from '../protocol/batch-list.js';
import { ZERO_UUID } from '../protocol/schema.js';
import type { FetchClock, QuietRead } from '../replication/follower-progress.js';

/**
 * Fetch sessions (KIP-227). A consumer fetching many partitions sends them all once (a full fetch,
 * epoch 0); the broker keeps them in a session and answers with its id. Each later request (an
 * incremental fetch, epoch 1, 2, ...) names only the partitions whose fetch position it moved, the ones
 * it adds and the ones it forgets, and the answer carries only the partitions with something new
 * (records, a moved high watermark or log start, an error, a diverging epoch). The Java client and
 * YaK's own consumer and followers use them (`protocol/fetch-session-handler.ts` is the client half).
 *
 * Kafka's rules (FetchManager / FetchSession), which clients rely on:
 * - epoch -1 (FINAL): no session; a session id given is closed. epoch 0 (INITIAL): a full fetch; a
 *   session id given is closed and a new session is opened if a slot is free (else session id 0).
 * - epoch > 0: the session must exist (FETCH_SESSION_ID_NOT_FOUND) and be at that epoch
 *   (INVALID_FETCH_SESSION_EPOCH); both answers have no partitions, and the client starts over with a
 *   full fetch. A session left with no partitions is closed.
 * - the partitions that got records move to the end of the session, so the next response's byte
 *   budget goes first to the others (no partition starves behind a busy one).
 * And one of YaK's own: the sessions together hold at most `maxFetchSessionCachePartitions`
 * partitions (Kafka bounds only the session count), so requests naming millions of partitions cannot
 * grow a broker without bound. A full fetch that does not fit gets no session; an incremental one
 * that would grow its session past it closes the session (FETCH_SESSION_ID_NOT_FOUND: the client
 * starts over with a full fetch, as on any lost session).
 */

/** Session id 0 means "no session" on the wire. */
const NO_SESSION = 0;
const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;

/** One partition of a session: where the client fetches from, and what it was last told. */
interface CachedPartition extends FetchTarget {
  /** Its last read, while the session leaves it out for it (Partition's QuietRead). */
  quiet: QuietRead | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

interface Session {
  id: number;
  /** The epoch the next incremental request must carry. */
  epoch: number;
  lastUsedMs: number;
  /** The partitions read at each fetch, in the order the response budget is spent. */
  partitions: Map<string, CachedPartition>;
  /** A follower's partitions left out while their last read stands (Partition.watchQuiet tells when it ends). */
  quiet: Map<string, CachedPartition>;
  /** Ticks at each incremental fetch: a follower's quiet partitions, left out, take their fetch times from it. */
  clock: FetchClock;
  /** Quiet partitions that ended since the current request opened, and its fetch's wake-up while it waits. */
  ended: CachedPartition[];
  wakeWaiting: (() => void) | null;
}

/**
 * A partition to read for this request, in the order the response budget is spent. `topic` is the
 * name ('' for a topic id this broker does not know), `topicId` the id (v13+ requests name topics by
 * id; the all-zero UUID before).
 */
export interface FetchTarget {
  topic: string;
  topicId: string;
  partition: FetchPartition;
}

/** A partition's answer as this broker writes it: its records one buffer or its stored batches as read (a BatchList). */
export type PartitionAnswer = FetchPartitionResponse<Records>;

export interface TopicPartitionResponse {
  topic: string;
  topicId: string;
  partition: PartitionAnswer;
}

/** What one Fetch request reads, and how its answers become the response. */
export interface FetchContext {
  /** A session error (the whole request refused, no partitions), or NONE. */
  errorCode: number;
  targets: FetchTarget[];
  /** The session's clock (incremental fetches only), for the reads to mark quiet partitions with. */
  clock: FetchClock | null;
  /**
   * While a fetch waits: `wake` is called when a partition the session left out as quiet got what
   * would wake a follower's fetch (an append there, a new role); returns how to stop. Absent without a session.
   */
  untilQuietEnds?: (wake: () => void) => () => void;
  /** The partitions left out as quiet whose quiet ended since this request opened: to read now, after `targets`. */
  takeEnded(): FetchTarget[];
  /**
   * The session id and partitions to send back, given what was read for `read` targets (default
   * `targets`; same order) and which of those reads were quiet (left out of the next fetches).
   */
  respond(read: readonly PartitionAnswer[], quiet?: readonly (QuietRead | null)[], readTargets?: readonly FetchTarget[]): { sessionId: number; partitions: TopicPartitionResponse[] };
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, Session>();

  constructor(
    private readonly maxSlots = maxIncrementalFetchSessionCacheSlots,
    private readonly evictionMs = fetchSessionEvictionMs,
    private readonly now: () => number = Date.now,
    private readonly maxPartitions = maxFetchSessionCachePartitions,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /**
   * The context of one request: the session it opens, continues or closes, or the session error.
   * Without `leaveOutQuiet` (a leader that may no longer lead), every partition is read again.
   */
  open(req: Pick<FetchRequest, 'sessionId' | 'sessionEpoch' | 'topics' | 'forgottenTopicsData'>, leaveOutQuiet = true): FetchContext {
    const sessionId = req.sessionId ?? NO_SESSION;
    const epoch = req.sessionEpoch ?? FINAL_EPOCH;
    const targets = req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, topicId: t.topicId ?? ZERO_UUID, partition })));
    if (epoch === FINAL_EPOCH || epoch === INITIAL_EPOCH) {
      if (sessionId !== NO_SESSION) this.sessions.delete(sessionId);
      if (epoch === FINAL_EPOCH) return sessionless(targets);
      return {
        errorCode: ErrorCode.NONE,
        targets,
        clock: null,
        takeEnded: () => [],
        respond: (read) => {
          const session = this.create(targets, read);
          return { sessionId: session?.id ?? NO_SESSION, partitions: answers(targets, read) };
        },
      };
    }
    const session = this.sessions.get(sessionId);
    if (!session) return refused(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    if (session.epoch !== epoch) return refused(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    const added = update(session, targets, req.forgottenTopicsData ?? []);
    if (!leaveOutQuiet) for (const k of [...session.quiet.keys()]) unquiet(session, k);
    if (sizeOf(session) === 0) {
      this.sessions.delete(session.id);
      return sessionless([]);
    }
    // Only a session that grew can have taken the sessions past the bound (counting walks every session).
    if (added > 0 && this.cachedPartitions() > this.maxPartitions) {
      this.sessions.delete(session.id);
      return refused(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    }
    session.epoch = nextEpoch(session.epoch);
    this.touch(session);
    session.clock.lastFetchMs = session.lastUsedMs;
    session.ended = [];
    session.wakeWaiting = null;
    const cached = [...session.partitions.values()];
    return {
      errorCode: ErrorCode.NONE,
      targets: cached,
      clock: session.clock,
      untilQuietEnds: (wake) => {
        session.wakeWaiting = wake;
        return () => {
          if (session.wakeWaiting === wake) session.wakeWaiting = null;
        };
      },
      takeEnded: () => {
        const ended = session.ended;
        session.ended = [];
        return ended;
      },
      respond: (read, quiet, readTargets = cached) => {
        const partitions: TopicPartitionResponse[] = [];
        readTargets.forEach((t, i) => {
          const k = key(t);
          const c = session.partitions.get(k);
          const r = read[i]!;
          if (!c) return;
          const q = quiet?.[i] ?? null;
          if (changed(c, r)) {
            remember(c, r);
            partitions.push({ topic: c.topic, topicId: c.topicId, partition: r });
          }
          if (q) {
            // Left out of the next fetches until Partition.watchQuiet says otherwise (at once, if its state moved since the read).
            session.partitions.delete(k);
            session.quiet.set(k, c);
            c.quiet = q;
            watch(session, k, q);
          } else if (r.records && r.records.length > 0 && session.partitions.size > 1) {
            // The ones that got records go last next time (Kafka's IncrementalFetchContext does the same);
            // a session of one partition (a follower of one leader's partition, a consumer of one) has no order to change.
            session.partitions.delete(k);
            session.partitions.set(k, c);
          }
        });
        return { sessionId: session.id, partitions };
      },
    };
  }

  /**
   * A new session for a full fetch's partitions, if a slot and room for its partitions are free or
   * can be freed; else null (the client fetches without one).
   */
  private create(targets: FetchTarget[], read: readonly PartitionAnswer[]): Session | null {
    if (targets.length === 0 || targets.length > this.maxPartitions) return null;
    while (this.sessions.size >= this.maxSlots || this.cachedPartitions() + targets.length > this.maxPartitions) {
      if (!this.evictFor(targets.length)) return null;
    }
    let id: number;
    do id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id));
    const lastUsedMs = this.now();
    const session: Session = { id, epoch: nextEpoch(INITIAL_EPOCH), lastUsedMs, partitions: new Map(), quiet: new Map(), clock: { lastFetchMs: lastUsedMs }, ended: [], wakeWaiting: null };
    targets.forEach((t, i) => {
      const c: CachedPartition = { ...t, quiet: null, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 };
      remember(c, read[i]!);
      session.partitions.set(key(c), c);
    });
    this.sessions.set(id, session);
    return session;
  }

  /**
   * Frees a slot as Kafka's FetchSessionCache does: the least recently used session if it has been
   * idle for `evictionMs`, else the smallest session if the new one is larger (a consumer of many
   * partitions gains more from a session than one of few). False if neither applies.
   */
  private evictFor(newSize: number): boolean {
    const oldest = this.sessions.values().next().value as Session | undefined;
    if (oldest && this.now() - oldest.lastUsedMs >= this.evictionMs) return this.sessions.delete(oldest.id);
    let smallest: Session | undefined;
    for (const s of this.sessions.values()) if (!smallest || sizeOf(s) < sizeOf(smallest)) smallest = s;
    return smallest !== undefined && sizeOf(smallest) < newSize && this.sessions.delete(smallest.id);
  }

  private cachedPartitions(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += sizeOf(s);
    return n;
  }

  /** Keeps `sessions` in least-recently-used order (a Map iterates in insertion order). */
  private touch(session: Session): void {
    session.lastUsedMs = this.now();
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
  }
}

function sessionless(targets: FetchTarget[]): FetchContext {
  return {
    errorCode: ErrorCode.NONE,
    targets,
    clock: null,
    takeEnded: () => [],
    respond: (read) => ({ sessionId: NO_SESSION, partitions: answers(targets, read) }),
  };
}

/** A full or sessionless fetch's answer: every partition (none is left out without a session). */
function answers(targets: FetchTarget[], read: readonly PartitionAnswer[]): TopicPartitionResponse[] {
  return targets.map((t, i) => ({ topic: t.topic, topicId: t.topicId, partition: read[i]! }));
}

function refused(errorCode: number): FetchContext {
  return { errorCode, targets: [], clock: null, takeEnded: () => [], respond: () => ({ sessionId: NO_SESSION, partitions: [] }) };
}

/**
 * An incremental request's changes: new positions for named partitions (adding the new ones at the
 * end), forgotten ones removed. Returns how many it added.
 */
function update(session: Session, targets: FetchTarget[], forgotten: ForgottenTopic[]): number {
  let added = 0;
  for (const t of targets) {
    const k = key(t);
    if (session.quiet.has(k)) unquiet(session, k);
    const c = session.partitions.get(k);
    if (c) {
      c.partition = t.partition;
    } else {
      session.partitions.set(k, { ...t, quiet: null, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 });
      added++;
    }
  }
  for (const f of forgotten) {
    for (const partition of f.partitions) {
      const k = key({ topic: f.topic, topicId: f.topicId ?? ZERO_UUID, partition: { partition } });
      session.partitions.delete(k);
      session.quiet.delete(k);
    }
  }
  return added;
}

/** Whether an incremental response must carry this partition (Kafka's CachedPartition.maybeUpdateResponseData). */
function changed(c: CachedPartition, r: PartitionAnswer): boolean {
  return (
    r.errorCode !== ErrorCode.NONE ||
    (r.records !== null && r.records.length > 0) ||
    r.highWatermark !== c.highWatermark ||
    (r.lastStableOffset ?? -1) !== c.lastStableOffset ||
    (r.logStartOffset ?? -1) !== c.logStartOffset ||
    (r.preferredReadReplica ?? -1) !== -1 ||
    // A diverging epoch (KIP-595) is how a follower learns to truncate: never left out.
    (r.divergingEpoch?.epoch ?? -1) >= 0
  );
}

function remember(c: CachedPartition, r: PartitionAnswer): void {
  // After an error, as in Kafka: the partition is answered again once it is readable, even if its high watermark did not move.
  c.highWatermark = r.errorCode === ErrorCode.NONE ? r.highWatermark : -1;
  c.lastStableOffset = r.lastStableOffset ?? -1;
  c.logStartOffset = r.logStartOffset ?? -1;
}

/**
 * A quiet partition goes back to the ones read at each fetch (its quiet read `q` ended, or any if
 * none is named); a fetch of the session waiting for data reads it too once it ends, at once if
 * `wake` (Partition.watchQuiet says which changes would wake a follower's fetch).
 */
function unquiet(session: Session, k: string, q?: QuietRead, wake = false): void {
  const c = session.quiet.get(k);
  if (!c || (q && c.quiet !== q)) return;
  session.quiet.delete(k);
  c.quiet = null;
  session.partitions.set(k, c);
  session.ended.push(c);
  if (wake) session.wakeWaiting?.();
}

/**
 * Has the partition tell the session when its quiet read ends. A function of its own, so that the
 * watcher closes over these three alone: made inside `respond`, it kept that request's answers, and
 * the records in them, alive for as long as the partition stayed quiet.
 */
function watch(session: Session, k: string, q: QuietRead): void {
  q.partition.watchQuiet(q, (wake) => unquiet(session, k, q, wake));
}

function sizeOf(s: Session): number {
  return s.partitions.size + s.quiet.size;
}

/** Epochs count 1, 2, ... and wrap to 1 (0 and -1 mean full and final fetches). */
function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}

/** A session's partitions by topic id and name (one of them unset, or both the same topic) and index. */
function key(t: { topic: string; topicId: string; partition: { partition: number } }): string {
  return `${t.topicId}\u0000${t.topic}\u0000${t.partition.partition}`;
}
