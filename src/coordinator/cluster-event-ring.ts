import crypto from 'node:crypto';
import type { ClusterEvent, StampedClusterEvent } from '../common/cluster-events.js';
import { clusterEventRingEvents, clusterEventsPerAnswer } from '../common/limits.js';
import type { WatchClusterEventsResponse } from '../protocol/internal-api.js';

/**
 * The controller's recent events, numbered, for WatchClusterEvents (the TUI's event log): the
 * newest `capacity` are kept, older ones are dropped and counted as missed by a watcher that asks for
 * them. Numbers restart with the process, so each ring has an id: a watcher that sees a new id
 * starts over.
 */
export class ClusterEventRing {
  readonly ringId = crypto.randomUUID();
  private readonly events: StampedClusterEvent[] = [];
  private nextSeq = 1;
  private waiters: { since: number; max: number; resolve: (r: WatchClusterEventsResponse) => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    private readonly capacity = clusterEventRingEvents,
    private readonly now: () => number = Date.now,
  ) {}

  push(event: ClusterEvent): void {
    this.events.push({ seq: this.nextSeq++, atMs: this.now(), event });
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    // A burst (an election per partition) is pushed synchronously: answer the waiters once, after it.
    if (this.waiters.length > 0) queueMicrotask(() => this.wake());
  }

  /** The events after `sinceSeq` (at most `max`), at once; `missed` counts those already dropped. */
  since(sinceSeq: number, max = clusterEventsPerAnswer): WatchClusterEventsResponse {
    const first = this.events[0]?.seq ?? this.nextSeq;
    const from = Math.max(sinceSeq + 1, first);
    const events = this.events.slice(from - first, from - first + Math.max(1, max));
    return { ringId: this.ringId, events, nextSeq: this.nextSeq, missed: Math.max(0, first - (sinceSeq + 1)) };
  }

  /**
   * Long poll: answers as soon as there is an event after `sinceSeq`, else after `maxWaitMs` with none.
   * `sinceSeq` counts in the ring `ringId`: one of an earlier coordinator process means from the start.
   */
  watch(ringId: string | undefined, sinceSeq: number, maxWaitMs: number, max = clusterEventsPerAnswer): Promise<WatchClusterEventsResponse> | WatchClusterEventsResponse {
    if (ringId !== undefined && ringId !== this.ringId) sinceSeq = 0;
    if (sinceSeq < this.nextSeq - 1 || maxWaitMs <= 0) return this.since(sinceSeq, max);
    return new Promise((resolve) => {
      const waiter = {
        since: sinceSeq,
        max,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(this.since(sinceSeq, max));
        }, Math.min(maxWaitMs, 60_000)),
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.since < this.nextSeq - 1);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve(this.since(w.since, w.max));
    }
  }

  close(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(this.since(w.since, w.max));
    }
    this.waiters = [];
  }
}
