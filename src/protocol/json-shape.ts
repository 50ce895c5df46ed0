import { ProtocolError } from '../common/errors.js';

/**
 * Shapes for the JSON bodies of YaK's control API (internal-api.ts). JSON.parse accepts any JSON;
 * a peer's `{"topics": 5}` must be refused as a malformed request at the door, not reach the
 * coordinator as a TypeError or an SQLite constraint failure. A Check returns the value typed (an
 * object keeps only its declared fields) or throws ProtocolError naming the field.
 */
export type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, what: string): never {
  throw new ProtocolError(`${path} must be ${what}`);
}

export const int32: Check<number> = (v, path) => (Number.isInteger(v) && (v as number) >= -0x80000000 && (v as number) <= 0x7fffffff ? (v as number) : fail(path, 'a 32-bit integer'));

/** Offsets, timestamps, epochs: any integer a JS number holds exactly. */
export const int64: Check<number> = (v, path) => (Number.isSafeInteger(v) ? (v as number) : fail(path, 'an integer'));

export const string: Check<string> = (v, path) => (typeof v === 'string' ? v : fail(path, 'a string'));

export const boolean: Check<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'true or false'));

/** Bytes travel as `{ "$base64": ... }` and are a Buffer once parsed. */
export const bytes: Check<Buffer> = (v, path) => (Buffer.isBuffer(v) ? v : fail(path, 'bytes'));

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, path) => (v === null ? null : check(v, path));
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, path) => (v === undefined ? undefined : check(v, path));
}

export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v, path) => (Array.isArray(v) ? v.map((item, i) => check(item, `${path}[${i}]`)) : fail(path, 'an array'));
}

export function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, path) => (values.includes(v as T) ? (v as T) : fail(path, `one of ${values.join(', ')}`));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);

/** Topic configs: names to string values. */
export const stringMap: Check<Record<string, string>> = (v, path) => {
  if (!isPlainObject(v)) fail(path, 'an object of strings');
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) out[k] = string(value, `${path}.${k}`);
  return out;
};

type Checked<S> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never };

export function object<S extends Record<string, Check<unknown>>>(fields: S): Check<Checked<S>> {
  return (v, path) => {
    if (!isPlainObject(v)) fail(path, 'an object');
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(fields)) {
      const value = check(v[k], `${path}.${k}`);
      if (value !== undefined) out[k] = value;
    }
    return out as Checked<S>;
  };
}
