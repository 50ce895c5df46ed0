import { UserError } from '../common/errors.js';
import type { Admin } from '../client/admin.js';

/**
 * Where `yak consume --offset` starts, as kcat's -o: beginning, end, an offset N, -N (N records
 * before the end), +N (N records after the beginning), or s@TIME / @TIME (the first record at or
 * after TIME). TIME is milliseconds since the epoch or an RFC 3339 date-time (2026-12-01T10:00:00Z).
 */
export type StartSpec =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'offset'; offset: number }
  | { kind: 'fromEnd'; count: number }
  | { kind: 'fromBeginning'; count: number }
  | { kind: 'time'; timestamp: number };

/** The start, and (kcat's e@TIME) the time whose first record each partition stops before, if any. */
export interface OffsetRange {
  start: StartSpec;
  stopAtTime: number | null;
}

/** RFC 3339 with a zone (Z or ±hh:mm); a date alone is midnight UTC. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/** A time as kcat and `--to-datetime` take it: milliseconds since the epoch, or an RFC 3339 date-time. */
export function parseTime(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = RFC3339.test(text) ? Date.parse(text.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms) || ms < 0) throw new UserError(`${flag}: "${text}" is not a time: give milliseconds since the epoch or an RFC 3339 date-time such as 2026-12-01T10:00:00Z`, 2);
  return ms;
}

function parseStart(text: string): StartSpec {
  if (text === 'beginning' || text === 'earliest') return { kind: 'beginning' };
  if (text === 'end' || text === 'latest') return { kind: 'end' };
  if (/^\d+$/.test(text)) return { kind: 'offset', offset: Number(text) };
  if (/^-\d+$/.test(text)) return { kind: 'fromEnd', count: Number(text.slice(1)) };
  if (/^\+\d+$/.test(text)) return { kind: 'fromBeginning', count: Number(text.slice(1)) };
  const at = /^s?@(.+)$/.exec(text);
  if (at) return { kind: 'time', timestamp: parseTime(at[1]!, `--offset ${text}`) };
  throw new UserError(`--offset must be beginning, end, N, -N (from the end), +N (from the beginning), s@TIME or e@TIME (TIME: ms or RFC 3339), got "${text}"`, 2);
}

/** The --offset flags (kcat takes -o twice: a start and an e@ stop) with --from-beginning. */
export function parseOffsets(flags: string | string[] | undefined, fromBeginning: boolean): OffsetRange {
  const given = flags === undefined ? [] : Array.isArray(flags) ? flags : [flags];
  if (flags !== undefined && given.length === 0) throw new UserError('--offset needs a value: beginning, end, N, -N, +N, s@TIME or e@TIME', 2);
  const stops = given.filter((f) => f.startsWith('e@'));
  const starts = given.filter((f) => !f.startsWith('e@'));
  if (stops.length > 1 || starts.length > 1) throw new UserError('--offset: give at most one start and one e@TIME stop', 2);
  if (starts.length > 0 && fromBeginning) throw new UserError(`--from-beginning and --offset ${starts[0]} both say where to start: give one`, 2);
  const start = starts.length > 0 ? parseStart(starts[0]!) : { kind: fromBeginning ? 'beginning' : 'end' } as StartSpec;
  const stopAtTime = stops.length > 0 ? parseTime(stops[0]!.slice(2), `--offset ${stops[0]}`) : null;
  return { start, stopAtTime };
}

/**
 * The first offset of each of the topic's partitions for a start spec, kept within its log: -10 on
 * a partition of 4 records starts at its beginning, +10 and an offset past its end at its end.
 * (With --partition, an offset outside the log is refused instead: consume.ts checks that.)
 */
export async function startOffsets(admin: Admin, topic: string, start: StartSpec): Promise<Map<number, number>> {
  const [earliest, latest] = [await admin.listOffsets(topic, 'earliest'), await admin.listOffsets(topic, 'latest')];
  const within = (p: number, o: number) => Math.min(Math.max(o, earliest.get(p)!), latest.get(p)!);
  switch (start.kind) {
    case 'beginning':
      return earliest;
    case 'end':
      return latest;
    case 'offset':
      return new Map([...earliest.keys()].map((p) => [p, within(p, start.offset)]));
    case 'fromEnd':
      return new Map([...latest].map(([p, o]) => [p, within(p, o - start.count)]));
    case 'fromBeginning':
      return new Map([...earliest].map(([p, o]) => [p, within(p, o + start.count)]));
    case 'time':
      return admin.listOffsets(topic, { timestamp: start.timestamp });
  }
}
