import type { Logger } from '../common/logger.js';

/**
 * The event log: cluster events the TUI shows, taken from the lines every child prints (the same
 * lines `yak up --headless` logs) and from the supervisor's own logger. Routine lines (a broker
 * saying it leads a partition, heartbeat chatter) are dropped; what an operator cares about stays.
 */
export type EventKind =
  | 'register'
  | 'start'
  | 'death'
  | 'election'
  | 'isr-shrink'
  | 'isr-expand'
  | 'truncation'
  | 'action'
  | 'topic'
  | 'warn'
  | 'error'
  | 'info';

export interface LogEvent {
  id: number;
  atMs: number;
  /** Who said it: `zookeeper`, `broker-2`, `yak` (the supervisor), `tui`. */
  source: string;
  kind: EventKind;
  text: string;
}

/** `2025-01-01T10:00:00.000Z INFO [zookeeper] broker-2 dead (process exited)` (common/logger.ts). */
const LOG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (INFO|WARN|ERROR) \[([^\]]+)\] (.*)$/;

const RULES: { re: RegExp; kind: EventKind | ((m: RegExpExecArray) => EventKind) }[] = [
  { re: /^broker-\d+ registered at /, kind: 'register' },
  { re: /^broker-\d+ dead \(/, kind: 'death' },
  { re: /^(broker-\d+|zookeeper) exited \(/, kind: 'death' },
  { re: /^\S+-\d+ leader \S+ -> .*, epoch \d+/, kind: 'election' },
  {
    re: /^\S+-\d+ ISR \[([\d,]*)\] -> \[([\d,]*)\]/,
    kind: (m) => (count(m[2]!) < count(m[1]!) ? 'isr-shrink' : 'isr-expand'),
  },
  { re: /^truncating /, kind: 'truncation' },
  { re: /^topic \S+ (created|deleted)/, kind: 'topic' },
  { re: /^(killed|paused|resumed|restarted) (broker-\d+|zookeeper)/, kind: 'action' },
  { re: /^broker-\d+ serving Kafka on /, kind: 'start' },
  { re: /^coordinator listening on /, kind: 'start' },
  { re: /^(stopping cluster|cluster stopped)/, kind: 'action' },
];

function count(list: string): number {
  return list === '' ? 0 : list.split(',').length;
}

/** The event a child's line stands for, or null for routine lines. `source` is the child's name. */
export function classifyLine(source: string, line: string, nowMs = Date.now()): Omit<LogEvent, 'id'> | null {
  const m = LOG_LINE.exec(line);
  if (!m) {
    // Not a logger line: a crash's stack trace or a runtime warning. Rare, and worth seeing.
    const text = line.trim();
    return text ? { atMs: nowMs, source, kind: 'warn', text } : null;
  }
  const [, iso, level, who, text] = m as unknown as [string, string, string, string, string];
  const atMs = Date.parse(iso) || nowMs;
  for (const rule of RULES) {
    const r = rule.re.exec(text);
    if (r) return { atMs, source: who, kind: typeof rule.kind === 'function' ? rule.kind(r) : rule.kind, text };
  }
  if (level === 'ERROR') return { atMs, source: who, kind: 'error', text };
  if (level === 'WARN') return { atMs, source: who, kind: 'warn', text };
  return null;
}

/**
 * Where events go between the supervisor and the screen: keeps the last `capacity` events, so the
 * TUI shows what happened while the cluster was starting, and tells subscribers of new ones.
 */
export class EventBus {
  private readonly events: LogEvent[] = [];
  private readonly listeners = new Set<(e: LogEvent) => void>();
  private nextId = 1;

  constructor(private readonly capacity = 1000) {}

  /** Bumped on every event: a cheap "has anything changed" for renderers. */
  version = 0;

  push(e: Omit<LogEvent, 'id'>): void {
    const event = { ...e, id: this.nextId++ };
    // Lines from different processes arrive a little out of order: keep the log in time order.
    let at = this.events.length;
    while (at > 0 && this.events[at - 1]!.atMs > event.atMs) at--;
    this.events.splice(at, 0, event);
    this.version++;
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    for (const l of this.listeners) l(event);
  }

  /** A child's output line (the supervisor's `onChildLine`). */
  childLine(name: string, line: string): void {
    const e = classifyLine(name, line);
    if (e) this.push(e);
  }

  /** Something the TUI itself did (a kill from the keyboard, a topic created). */
  note(kind: EventKind, text: string, source = 'tui'): void {
    this.push({ atMs: Date.now(), source, kind, text });
  }

  recent(): LogEvent[] {
    return this.events.slice();
  }

  subscribe(listener: (e: LogEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A Logger for the supervisor: its messages become events instead of terminal lines. */
  logger(source: string): Logger {
    const at = (kind: EventKind, message: string) => {
      const e = classifyLine(source, `${new Date().toISOString()} ${kind === 'error' ? 'ERROR' : kind === 'warn' ? 'WARN' : 'INFO'} [${source}] ${message}`);
      this.push(e ?? { atMs: Date.now(), source, kind: kind === 'info' ? 'info' : kind, text: message });
    };
    return { info: (m) => at('info', m), warn: (m) => at('warn', m), error: (m) => at('error', m) };
  }
}
