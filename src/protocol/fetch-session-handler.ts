import { ErrorCode } from '../common/errors.js';
import { pushToList } from '../common/list-map.js';
import type { FetchPartition, FetchRequest, FetchResponse } from './apis/fetch.js';

/** Session id 0: no session. Epoch 0: a full fetch (opens a session); -1 closes one. */
const NO_SESSION = 0;
const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;

/** The partitions one fetch wants, by topic (names: the fetches using this are v7-v12). */
export type WantedPartitions = { topic: string; partitions: FetchPartition[] }[];

/** The session fields of a Fetch request and the partitions it names. */
export type SessionFields = Pick<FetchRequest, 'sessionId' | 'sessionEpoch' | 'topics' | 'forgottenTopicsData'>;

/**
 * The client half of a fetch session (KIP-227; Kafka's FetchSessionHandler), for one fetcher talking
 * to one broker with one fetch in flight. The first request is a full fetch (epoch 0, every partition);
 * once the broker answers a session id, each request names only the partitions added or whose fetch
 * fields changed since the last answered request, plus the ones no longer wanted (forgotten), and
 * the answer carries only partitions with something new. A session error (unknown id, wrong epoch)
 * or a failed request makes the next one a full fetch again, which also closes the broker's old
 * session. A broker that opens no session (its cache is full) gets full fetches every time.
 */
export class FetchSessionHandler {
  private sessionId = NO_SESSION;
  private epoch = INITIAL_EPOCH;
  /** What the broker's session holds: each partition's fetch fields as last sent and answered. */
  private session = new Map<string, { topic: string; partition: FetchPartition }>();
  /** The session as it will be once the request in flight is answered. */
  private pending: Map<string, { topic: string; partition: FetchPartition }> | null = null;

  /** The session fields and partitions of the next request, for the partitions `wanted` now. */
  build(wanted: WantedPartitions): SessionFields {
    const next = new Map<string, { topic: string; partition: FetchPartition }>();
    for (const t of wanted) for (const p of t.partitions) next.set(key(t.topic, p.partition), { topic: t.topic, partition: p });
    this.pending = next;
    if (this.epoch === INITIAL_EPOCH) return { sessionId: this.sessionId, sessionEpoch: INITIAL_EPOCH, topics: wanted, forgottenTopicsData: [] };
    const sent = new Map<string, FetchPartition[]>();
    for (const [k, e] of next) {
      const had = this.session.get(k);
      if (!had || !sameFetch(had.partition, e.partition)) pushToList(sent, e.topic, e.partition);
    }
    const forgotten = new Map<string, number[]>();
    for (const [k, e] of this.session) if (!next.has(k)) pushToList(forgotten, e.topic, e.partition.partition);
    return {
      sessionId: this.sessionId,
      sessionEpoch: this.epoch,
      topics: [...sent].map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: [...forgotten].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }

  /** Takes the answer to the last built request: the session goes on, opens, or starts over. */
  handleResponse(res: Pick<FetchResponse, 'errorCode' | 'sessionId'>): void {
    const pending = this.pending;
    this.pending = null;
    const errorCode = res.errorCode ?? ErrorCode.NONE;
    if (errorCode !== ErrorCode.NONE || !pending) {
      // An unknown session is gone already; any other error closes it with the next (full) fetch.
      if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND) this.sessionId = NO_SESSION;
      this.startOver();
      return;
    }
    this.session = pending;
    this.sessionId = res.sessionId ?? NO_SESSION;
    // No session id: the broker keeps none for us (its cache is full, or we forgot every partition); fetch in full again.
    if (this.sessionId === NO_SESSION) this.startOver();
    else this.epoch = this.epoch >= 0x7fffffff ? 1 : this.epoch + 1;
  }

  /**
   * The session fields of the request that closes the broker's session (epoch -1, no partitions: a
   * sessionless fetch of nothing), as Kafka's consumer sends on close; null when there is no session.
   * The handler then holds none: a later fetch would open a new one.
   */
  buildClose(): SessionFields | null {
    if (this.sessionId === NO_SESSION) return null;
    const fields = { sessionId: this.sessionId, sessionEpoch: FINAL_EPOCH, topics: [], forgottenTopicsData: [] };
    this.sessionId = NO_SESSION;
    this.pending = null;
    this.startOver();
    return fields;
  }

  /** The request failed (connection lost, timeout): whether the broker applied it is unknown, so fetch in full next. */
  handleError(): void {
    this.pending = null;
    this.startOver();
  }

  private startOver(): void {
    this.epoch = INITIAL_EPOCH;
    this.session = new Map();
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function sameFetch(a: FetchPartition, b: FetchPartition): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    (a.currentLeaderEpoch ?? -1) === (b.currentLeaderEpoch ?? -1) &&
    (a.lastFetchedEpoch ?? -1) === (b.lastFetchedEpoch ?? -1) &&
    (a.logStartOffset ?? -1) === (b.logStartOffset ?? -1) &&
    a.partitionMaxBytes === b.partitionMaxBytes
  );
}
