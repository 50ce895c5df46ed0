import { ErrorCode } from '../common/errors.js';
import type { FetchPartition, FetchRequest, FetchResponse } from './apis/fetch.js';

/** Session id 0: no session. Epoch 0: a full fetch (opens a session); -1 closes one. */
const NO_SESSION = 0;
const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;

/** The partitions one fetch wants, by topic (names: the fetches using this are v7-v12). */
export type WantedPartitions = { topic: string; partitions: FetchPartition[] }[];

/** The partitions one fetch forgets, by topic. */
type WantedForgotten = { topic: string; partitions: number[] }[];

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
  /** What the broker's session holds: each topic's partitions with their fetch fields as last sent and answered. */
  private session = new Map<string, Map<number, FetchPartition>>();
  private sessionSize = 0;
  /**
   * What the request in flight changes in the session once it is answered: the whole of it (a full
   * fetch), or the partitions it names and forgets. Kept as changes so that a follower's request
   * costs no copy of a session holding every partition it follows, idle ones included.
   */
  private pending: { full: WantedPartitions } | { sent: WantedPartitions; forgotten: WantedForgotten } | null = null;

  /** Whether the next request must be a full fetch (no session yet, or it started over): then `build` needs every partition. */
  get needsFullFetch(): boolean {
    return this.epoch === INITIAL_EPOCH;
  }

  /**
   * The session fields and partitions of the next request, for the partitions `wanted` now. With
   * `onlyMoved` (never for a full fetch), `wanted` names only the partitions whose fetch fields may
   * have moved since the last request and the others stay as they are, none forgotten: a follower
   * knows which of its logs moved, and its session holds every partition it follows from the leader.
   */
  build(wanted: WantedPartitions, onlyMoved = false): SessionFields {
    if (this.epoch === INITIAL_EPOCH) {
      if (onlyMoved) throw new Error('a full fetch needs every partition');
      this.pending = { full: wanted };
      return { sessionId: this.sessionId, sessionEpoch: INITIAL_EPOCH, topics: wanted, forgottenTopicsData: [] };
    }
    const sent: WantedPartitions = [];
    let kept = 0;
    for (const t of wanted) {
      const had = this.session.get(t.topic);
      let named: FetchPartition[] | null = null;
      for (const p of t.partitions) {
        const h = had?.get(p.partition);
        if (h) kept++;
        if (h && (h === p || sameFetch(h, p))) continue;
        if (!named) sent.push({ topic: t.topic, partitions: (named = []) });
        named.push(p);
      }
    }
    // Every partition of the session still wanted (the usual case): nothing to forget, no set built.
    const forgotten: WantedForgotten = [];
    if (!onlyMoved && kept < this.sessionSize) {
      const still = new Map<string, Set<number>>();
      for (const t of wanted) {
        let parts = still.get(t.topic);
        if (!parts) still.set(t.topic, (parts = new Set()));
        for (const p of t.partitions) parts.add(p.partition);
      }
      for (const [topic, parts] of this.session) {
        const gone = [...parts.keys()].filter((i) => !still.get(topic)?.has(i));
        if (gone.length > 0) forgotten.push({ topic, partitions: gone });
      }
    }
    this.pending = { sent, forgotten };
    return { sessionId: this.sessionId, sessionEpoch: this.epoch, topics: sent, forgottenTopicsData: forgotten };
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
    if ('full' in pending) {
      this.startOver();
      this.apply(pending.full, []);
    } else {
      this.apply(pending.sent, pending.forgotten);
    }
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

  private apply(sent: WantedPartitions, forgotten: WantedForgotten): void {
    for (const t of sent) {
      let parts = this.session.get(t.topic);
      if (!parts) this.session.set(t.topic, (parts = new Map()));
      for (const p of t.partitions) {
        if (!parts.has(p.partition)) this.sessionSize++;
        parts.set(p.partition, p);
      }
    }
    for (const f of forgotten) {
      const parts = this.session.get(f.topic);
      for (const i of f.partitions) if (parts?.delete(i)) this.sessionSize--;
      if (parts?.size === 0) this.session.delete(f.topic);
    }
  }

  private startOver(): void {
    this.epoch = INITIAL_EPOCH;
    this.session = new Map();
    this.sessionSize = 0;
  }
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
