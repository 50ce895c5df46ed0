/** How often the clock looks at itself; a tick this much later than due counts as a stall. */
const TICK_MS = 100;
const STALL_THRESHOLD_MS = 200;
/** Stalls older than this no longer matter to any session. */
const KEEP_MS = 10 * 60_000;

/**
 * Time this process could not run: stopped (SIGSTOP), or its event loop blocked. No heartbeat can
 * have been heard then, so a session must not expire for it: when the coordinator resumes, its due
 * timers fire before the heartbeats waiting in its sockets are read, and every broker and group
 * member would look silent. Sessions subtract the stalls since they last heard from their owner.
 */
export class StallClock {
  private lastMs = Date.now();
  private readonly stalls: { endMs: number; ms: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.observe(), TICK_MS);
    this.timer.unref();
  }

  /** How long this process stood still after `sinceMs` (checked on demand too: a due timer may run before the tick). */
  stalledSince(sinceMs: number): number {
    this.observe();
    let total = 0;
    for (const s of this.stalls) if (s.endMs > sinceMs) total += Math.min(s.ms, s.endMs - sinceMs);
    return total;
  }

  private observe(): void {
    const now = Date.now();
    const late = now - this.lastMs - TICK_MS;
    this.lastMs = now;
    if (late > STALL_THRESHOLD_MS) this.stalls.push({ endMs: now, ms: late });
    while (this.stalls.length > 0 && this.stalls[0]!.endMs < now - KEEP_MS) this.stalls.shift();
  }

  close(): void {
    clearInterval(this.timer);
  }
}
