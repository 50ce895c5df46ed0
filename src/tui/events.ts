import { describeBrokerEvent, describeClusterEvent, describeProcessEvent, type BrokerEvent, type ClusterEvent, type ProcessEvent } from '../common/cluster-events.js';
import { tuiEventDetailLines, tuiEventLogEntries } from '../common/limits.js';
import { parseLogLine, type Logger } from '../common/logger.js';

/**
 * The event log: typed events from their sources (the controller's, served by the coordinator's
 * WatchClusterEvents; the supervisor's process starts and exits; what the TUI itself did), drawn as
 * lines rendered from that data. A child's own output adds only its warnings, errors and stray text
 * (a crash's stack trace), by log level; nothing is learnt from a line's wording.
 *
 * Bursts are coalesced: the elections of one cause (a dead broker that led 334 partitions) become
 * one entry, "broker-2 process exited: 334 leaders moved", with each event's line kept as its detail;
 * so are a broker's ISR shrinks or expands. A paused broker's churn is then a few lines and does not
 * push its death out of a five-line pane.
 */
export type EventKind = 'register' | 'start' | 'death' | 'election' | 'isr-shrink' | 'isr-expand' | 'truncation' | 'action' | 'topic' | 'warn' | 'error' | 'info';

export interface EventDetail {
  atMs: number;
  text: string;
}

export interface LogEvent {
  id: number;
  /** When the first event of the entry happened. */
  atMs: number;
  /** Who said it: `zookeeper`, `broker-2`, `yak` (the supervisor), `tui`. */
  source: string;
  kind: EventKind;
  text: string;
  /** Events the entry stands for: 1, or more for a coalesced burst. */
  count: number;
  /** A burst's events, oldest first (the first tuiEventDetailLines of them); empty for a single event. */
  details: EventDetail[];
}

/** What an event adds to the log: its kind and line, and for events that come in bursts, how a burst reads. */
export interface EventLine {
  kind: EventKind;
  text: string;
  burst?: { key: string; summary: (count: number) => string };
}

/**
 * Events of one burst key at most this far apart join one entry. The controller emits a cause's
 * elections synchronously, but ISR expands follow each partition's catch-up and preferred-leader
 * moves come a second apart: a few seconds covers a broker's return.
 */
export const BURST_GAP_MS = 5000;

/**
 * A process starting, dying or acted on ends the bursts before it: the elections of the next kill of
 * the same broker are news, not more of the last one's.
 */
const ENDS_BURSTS: ReadonlySet<EventKind> = new Set(['register', 'start', 'death', 'action']);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const brokers = (ids: number[]) => ids.map((id) => `broker-${id}`).join(', ');

export function clusterEventLine(e: ClusterEvent): EventLine {
  const text = describeClusterEvent(e);
  switch (e.type) {
    case 'broker-registered':
      return { kind: 'register', text };
    case 'broker-dead':
      return { kind: 'death', text };
    case 'leader-changed':
      return { kind: 'election', text, burst: { key: `election\0${e.reason}`, summary: (n) => `${e.reason}: ${plural(n, 'leader')} moved` } };
    case 'isr-changed': {
      const left = e.from.filter((r) => !e.to.includes(r));
      const joined = e.to.filter((r) => !e.from.includes(r));
      if (left.length > 0) return { kind: 'isr-shrink', text, burst: { key: `isr-shrink\0${left}`, summary: (n) => `${brokers(left)} out of the ISR of ${plural(n, 'partition')}` } };
      return { kind: 'isr-expand', text, burst: { key: `isr-expand\0${joined}`, summary: (n) => (joined.length > 0 ? `${brokers(joined)} back in the ISR of ${plural(n, 'partition')}` : `ISR reordered on ${plural(n, 'partition')}`) } };
    }
    case 'topic-created':
    case 'topic-deleted':
    case 'partitions-added':
    case 'topic-configs-changed':
      return { kind: 'topic', text };
    case 'broker-configs-changed':
    case 'user-credentials-changed':
      return { kind: 'info', text };
  }
}

export function processEventLine(e: ProcessEvent): EventLine {
  return { kind: e.type === 'process-exited' ? 'death' : 'start', text: describeProcessEvent(e) };
}

/**
 * Where events go on their way to the screen: keeps the last `capacity` entries in time order (so
 * the TUI shows what happened while the cluster was starting), coalesces bursts, tells subscribers.
 */
export class EventBus {
  private readonly events: (LogEvent & { burstKey?: string; lastAtMs: number; summary?: (n: number) => string })[] = [];
  private readonly listeners = new Set<() => void>();
  private nextId = 1;

  constructor(
    private readonly capacity = tuiEventLogEntries,
    private readonly detailLines = tuiEventDetailLines,
  ) {}

  /** Bumped on every change: a cheap "has anything changed" for renderers. */
  version = 0;

  add(source: string, line: EventLine, atMs = Date.now()): void {
    if (line.burst && this.joinBurst(line.burst.key, line.text, atMs)) return this.changed();
    if (ENDS_BURSTS.has(line.kind)) for (const e of this.events) e.burstKey = undefined;
    const entry = { id: this.nextId++, atMs, lastAtMs: atMs, source, kind: line.kind, text: line.text, count: 1, details: [] as EventDetail[], burstKey: line.burst?.key, summary: line.burst?.summary };
    // Sources have their own clocks and latencies: keep the log in time order.
    let at = this.events.length;
    while (at > 0 && this.events[at - 1]!.atMs > atMs) at--;
    this.events.splice(at, 0, entry);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    this.changed();
  }

  /** A recent entry of the same burst takes the event; false when there is none. */
  private joinBurst(key: string, text: string, atMs: number): boolean {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.lastAtMs < atMs - BURST_GAP_MS) break;
      if (e.burstKey !== key) continue;
      if (e.count === 1) e.details.push({ atMs: e.atMs, text: e.text });
      e.count++;
      if (e.details.length < this.detailLines) e.details.push({ atMs, text });
      e.lastAtMs = Math.max(e.lastAtMs, atMs);
      e.text = e.summary!(e.count);
      return true;
    }
    return false;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  cluster(e: ClusterEvent, atMs: number): void {
    this.add('zookeeper', clusterEventLine(e), atMs);
  }

  /** The supervisor's `onEvent`: its own events, and those its brokers report. */
  supervised(e: ProcessEvent | BrokerEvent): void {
    if (e.type === 'log-truncated') this.add(`broker-${e.brokerId}`, { kind: 'truncation', text: describeBrokerEvent(e) });
    else this.add('yak', processEventLine(e));
  }

  /** A child's output line (the supervisor's `onChildLine`): its warnings and errors, and text that is not a log line. */
  childLine(name: string, line: string): void {
    const parsed = parseLogLine(line);
    if (!parsed) {
      // A crash's stack trace or a runtime warning. Rare, and worth seeing.
      const text = line.trim();
      if (text) this.add(name, { kind: 'warn', text });
      return;
    }
    if (parsed.level === 'INFO') return; // routine: the events that matter come typed
    this.add(parsed.source, { kind: parsed.level === 'ERROR' ? 'error' : 'warn', text: parsed.message }, parsed.atMs || Date.now());
  }

  /** Something the TUI itself did (a kill from the keyboard, a topic created). */
  note(kind: EventKind, text: string, source = 'tui'): void {
    this.add(source, { kind, text });
  }

  recent(): LogEvent[] {
    return this.events.map(({ burstKey: _key, lastAtMs: _last, summary: _summary, ...e }) => e);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A Logger for the supervisor: its messages become events instead of terminal lines. */
  logger(source: string): Logger {
    return { info: (m) => this.note('info', m, source), warn: (m) => this.note('warn', m, source), error: (m) => this.note('error', m, source) };
  }
}

/** The log with each burst unfolded into its events' lines: the event pane's detail view. */
export function unfoldBursts(events: LogEvent[]): LogEvent[] {
  return events.flatMap((e) => {
    if (e.count === 1) return [e];
    const lines = e.details.map((d, i) => ({ ...e, id: e.id * 1e6 + i, atMs: d.atMs, text: d.text, count: 1, details: [] }));
    const hidden = e.count - e.details.length;
    return hidden > 0 ? [...lines, { ...e, id: e.id * 1e6 + e.details.length, text: `… and ${hidden} more`, count: 1, details: [] }] : lines;
  });
}
