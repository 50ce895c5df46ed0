/** One deadline: cancelled (`cancel`) before it is due, or called at `deadline` by the timer. */
interface Wait {
  deadline: number;
  /** Null once cancelled: a wait due in the same firing as one whose timeout cancels it is not called. */
  onTimeout: (() => void) | null;
  prev: Wait | null;
  next: Wait | null;
  list: WaitList;
}

/** The waits of one timeout, in arrival order, which is deadline order. */
interface WaitList {
  head: Wait | null;
  tail: Wait | null;
}

/**
 * Many deadlines on one Node timer, for timeouts that almost always end early (Kafka's purgatories
 * have one timing wheel for all, its NetworkClient checks request timeouts in poll): a timer per
 * deadline cost about as much as the rest of what it guards. The broker's waiting fetches use it
 * (a wait and its wake-up 0.9 µs with a timer each, 0.5 µs here, measured in-process, bundled), and
 * the client's requests (their timeouts, per connection; their leader checks, per KafkaClient).
 *
 * Waits are kept per timeout in arrival order (so in deadline order), removed in O(1) when
 * cancelled. The timer is armed at the earliest deadline and left armed when that wait ends early:
 * when it fires, it times out what is due and re-arms at the earliest deadline left, if any. Not
 * unref'd, as a timer per wait was not: what it guards is still due; `clear` stops it.
 */
export class DeadlineTimer {
  private readonly lists = new Map<number, WaitList>();
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `onTimeout` after `timeoutMs` unless the returned cancel is called first. */
  add(timeoutMs: number, onTimeout: () => void): () => void {
    let list = this.lists.get(timeoutMs);
    if (!list) this.lists.set(timeoutMs, (list = { head: null, tail: null }));
    const w: Wait = { deadline: this.now() + timeoutMs, onTimeout, prev: list.tail, next: null, list };
    if (list.tail) list.tail.next = w;
    else list.head = w;
    list.tail = w;
    if (w.deadline < this.armedAt) this.arm(w.deadline);
    return () => cancel(w);
  }

  /** Waits not yet cancelled nor timed out (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const list of this.lists.values()) for (let w = list.head; w; w = w.next) n++;
    return n;
  }

  /** Cancels every wait and stops the timer (its owner is closing: nothing it guards is due any more). */
  clear(): void {
    for (const list of this.lists.values()) while (list.head) cancel(list.head);
    this.lists.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Infinity;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now()));
  }

  private fire(): void {
    this.timer = null;
    this.armedAt = Infinity;
    const now = this.now();
    const due: Wait[] = [];
    let next = Infinity;
    for (const [timeoutMs, list] of this.lists) {
      while (list.head && list.head.deadline <= now) {
        due.push(list.head);
        unlink(list.head);
      }
      if (list.head) next = Math.min(next, list.head.deadline);
      else this.lists.delete(timeoutMs);
    }
    if (next < Infinity) this.arm(next);
    if (due.length > 1) due.sort((a, b) => a.deadline - b.deadline);
    for (const w of due) w.onTimeout?.();
  }
}

function cancel(w: Wait): void {
  w.onTimeout = null;
  unlink(w);
}

/** Takes a wait out of its list; a second call does nothing. */
function unlink(w: Wait): void {
  const list = w.list;
  if (w.prev) w.prev.next = w.next;
  else if (list.head === w) list.head = w.next;
  else return;
  if (w.next) w.next.prev = w.prev;
  else list.tail = w.prev;
  w.prev = null;
  w.next = null;
}
