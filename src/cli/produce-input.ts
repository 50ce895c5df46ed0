import { UserError } from '../common/errors.js';
import type { ProducerRecord } from '../client/producer.js';
import type { RecordHeader } from '../protocol/record-batch.js';
import type { BytesEncoding, JsonRecord } from './record-format.js';

/** One input line as a record (its partition left out when it names none); a UserError says what is wrong with the line. */
export type LineReader = (line: string, lineNo: number) => ProducerRecord;

/** `-H name=value` flags (kcat's -H) as headers, in order; a flag without `=` is a usage error. */
export function parseHeaderFlags(flags: readonly string[]): RecordHeader[] {
  return flags.map((flag) => {
    const at = flag.indexOf('=');
    if (at <= 0) throw new UserError(`--header wants name=value, got "${flag}"`, 2);
    return { key: flag.slice(0, at), value: Buffer.from(flag.slice(at + 1)) };
  });
}

/** A text line as a record: the whole line the value, or key and value split at the key separator (kcat's -K). */
export function textLineReader(opts: { key?: Buffer; keySeparator?: string; headers: RecordHeader[]; partition?: number }): LineReader {
  const { key, keySeparator, headers, partition } = opts;
  return (line, lineNo) => {
    if (keySeparator === undefined) return { key: key ?? null, value: Buffer.from(line), headers, partition };
    const at = line.indexOf(keySeparator);
    if (at < 0) throw new UserError(`line ${lineNo} has no key separator "${keySeparator}"`);
    return { key: Buffer.from(line.slice(0, at)), value: Buffer.from(line.slice(at + keySeparator.length)), headers, partition };
  };
}

const JSON_FIELDS = new Set(['key', 'value', 'headers', 'partition', 'timestamp', 'topic', 'offset']);

/**
 * A `--json` line as a record: `{"key", "value", "headers", "partition", "timestamp"}`, as `yak
 * consume --json` prints them (its topic and offset are ignored, so its output can be fed back).
 * `value` must be there (null: a tombstone); `headers` is `[{"key", "value"}]` or `{"name": "value"}`;
 * the bytes are UTF-8 text or base64 (`encoding`). -k, -H and -p give what a line leaves out
 * (-H headers come first).
 */
export function jsonLineReader(opts: { encoding: BytesEncoding; key?: Buffer; headers: RecordHeader[]; partition?: number }): LineReader {
  return (line, lineNo) => {
    const bad = (why: string) => new UserError(`line ${lineNo}: ${why}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw bad(`not JSON (${(err as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('want a JSON object such as {"key":"k","value":"v","headers":{"h":"1"}}');
    const r = parsed as JsonRecord & Record<string, unknown>;
    const unknown = Object.keys(r).filter((k) => !JSON_FIELDS.has(k));
    if (unknown.length > 0) throw bad(`unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')} (known: key, value, headers, partition, timestamp)`);
    if (!('value' in r)) throw bad('no "value" (null for a tombstone)');
    const bytes = (v: unknown, what: string): Buffer | null => {
      if (v === null) return null;
      if (typeof v !== 'string') throw bad(`${what} must be a string or null`);
      return Buffer.from(v, opts.encoding);
    };
    const whole = (v: unknown, what: string): number | undefined => {
      if (v === undefined) return undefined;
      if (!Number.isInteger(v) || (v as number) < 0) throw bad(`${what} must be a whole number (0 or more)`);
      return v as number;
    };
    let headers: RecordHeader[] = [];
    if (Array.isArray(r.headers)) {
      headers = r.headers.map((h: unknown, i) => {
        if (typeof h !== 'object' || h === null || typeof (h as { key?: unknown }).key !== 'string') throw bad(`headers[${i}] must be {"key": "...", "value": ...}`);
        return { key: (h as { key: string }).key, value: bytes((h as { value?: unknown }).value ?? null, `headers[${i}].value`) };
      });
    } else if (typeof r.headers === 'object' && r.headers !== null) {
      headers = Object.entries(r.headers).map(([k, v]) => ({ key: k, value: bytes(v, `header "${k}"`) }));
    } else if (r.headers !== undefined) throw bad('headers must be [{"key", "value"}] or {"name": "value"}');
    return {
      key: 'key' in r ? bytes(r.key, 'key') : (opts.key ?? null),
      value: bytes(r.value, 'value'),
      headers: [...opts.headers, ...headers],
      partition: whole(r.partition, 'partition') ?? opts.partition,
      timestamp: whole(r.timestamp, 'timestamp'),
    };
  };
}
