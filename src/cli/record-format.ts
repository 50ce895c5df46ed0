import { UserError } from '../common/errors.js';
import type { ConsumedRecord } from '../client/consumer.js';

/**
 * How `yak consume` prints a record and how `yak produce --json` reads one. Keys, values and header
 * values are bytes: in JSON they are UTF-8 text (`utf8`, the default; bytes that are not UTF-8 are
 * replaced by U+FFFD) or base64 (`base64`, which round-trips any bytes). null stays null.
 */
export type BytesEncoding = 'utf8' | 'base64';
export const BYTES_ENCODINGS = ['utf8', 'base64'] as const;

/** `yak consume --json` / `yak produce --json`: one record as one JSON object. */
export interface JsonRecord {
  topic?: string;
  partition?: number;
  offset?: number;
  timestamp?: number;
  key?: string | null;
  value?: string | null;
  /** In order, repeats kept (Kafka allows a header name twice). */
  headers?: { key: string; value: string | null }[];
}

const text = (b: Buffer | null, encoding: BytesEncoding) => (b === null ? null : b.toString(encoding));

export function recordAsJson(r: ConsumedRecord, encoding: BytesEncoding): JsonRecord {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: text(r.key, encoding),
    value: text(r.value, encoding),
    headers: r.headers.map((h) => ({ key: h.key, value: text(h.value, encoding) })),
  };
}

/** Headers as kcat's %h prints them: name=value, comma-separated (a null value as NULL). */
export function headersText(headers: ConsumedRecord['headers']): string {
  return headers.map((h) => `${h.key}=${h.value?.toString('utf8') ?? 'NULL'}`).join(',');
}

/**
 * kcat's -f tokens (`%t %p %o %k %K %s %S %T %h %%`; `%v` is the value as well, as `%s` is) and
 * escapes (`\n \r \t \\`). A null key or value prints as nothing, its length as -1, as in kcat.
 */
const FORMAT_TOKENS: Record<string, (r: ConsumedRecord) => string> = {
  t: (r) => r.topic,
  p: (r) => String(r.partition),
  o: (r) => String(r.offset),
  k: (r) => r.key?.toString('utf8') ?? '',
  K: (r) => String(r.key?.length ?? -1),
  s: (r) => r.value?.toString('utf8') ?? '',
  v: (r) => r.value?.toString('utf8') ?? '',
  S: (r) => String(r.value?.length ?? -1),
  T: (r) => String(r.timestamp),
  h: (r) => headersText(r.headers),
};
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' };

/** A --format string as a function of a record; an unknown token is a usage error, found before anything connects. */
export function compileFormat(format: string): (r: ConsumedRecord) => string {
  const parts: (string | ((r: ConsumedRecord) => string))[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
      literal += ESCAPES[next];
      i++;
    } else if (c === '%') {
      if (next === '%') literal += '%';
      else if (next !== undefined && FORMAT_TOKENS[next]) {
        parts.push(literal, FORMAT_TOKENS[next]);
        literal = '';
      } else throw new UserError(`--format: unknown token %${next ?? ''} (known: ${Object.keys(FORMAT_TOKENS).map((t) => `%${t}`).join(' ')} %%)`, 2);
      i++;
    } else literal += c;
  }
  parts.push(literal);
  return (r) => parts.map((p) => (typeof p === 'string' ? p : p(r))).join('');
}

export interface PrintOptions {
  format?: string;
  json: boolean;
  'json-encoding': BytesEncoding;
  'print-key': boolean;
  'key-separator'?: string;
  'print-headers': boolean;
  'print-timestamp': boolean;
}

/**
 * The text `yak consume` prints for a record, newline included: --format (exactly as given, as in
 * kcat), --json, or the value, after the timestamp, headers and key when asked for, tab-separated
 * as kafka-console-consumer prints them (headers: NO_HEADERS when there are none).
 */
export function recordPrinter(opts: PrintOptions): (r: ConsumedRecord) => string {
  if (opts.format !== undefined) {
    if (opts.json) throw new UserError('--format and --json both say how to print: give one', 2);
    return compileFormat(opts.format);
  }
  if (opts.json) return (r) => JSON.stringify(recordAsJson(r, opts['json-encoding'])) + '\n';
  const separator = opts['key-separator'] ?? (opts['print-key'] ? '\t' : undefined);
  return (r) => {
    const value = r.value?.toString('utf8') ?? 'null';
    const fields = [
      ...(opts['print-timestamp'] ? [String(r.timestamp)] : []),
      ...(opts['print-headers'] ? [r.headers.length > 0 ? headersText(r.headers) : 'NO_HEADERS'] : []),
    ];
    const keyed = separator === undefined ? value : `${r.key?.toString('utf8') ?? 'null'}${separator}${value}`;
    return [...fields, keyed].join('\t') + '\n';
  };
}
