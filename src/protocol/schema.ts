/**
 * The protocol engine: each Kafka API is described once, as data, the way Kafka's own message
 * definitions (`clients/src/main/resources/common/message/*.json` in apache/kafka) describe it, and
 * every version's encoder and decoder is derived from that description (KIP-482 flexible versions
 * included). Closures are compiled once per (message, version), on first use, then reused.
 *
 * How an API file (`apis/<api>.ts`) describes itself:
 *
 *   export const FooApi = schemaApi<FooRequest, FooResponse>({
 *     apiKey: ApiKey.Foo, name: 'Foo',
 *     versions: '0-4',              // Kafka's validVersions
 *     flexibleVersions: '3+',       // Kafka's flexibleVersions ('none' if never)
 *     request: [
 *       { name: 'groupId', type: 'string', versions: '0+' },
 *       { name: 'topics', type: '[]struct', versions: '0+', nullableVersions: '1+', fields: [
 *         { name: 'name', type: 'string', versions: '0+' },
 *         { name: 'partitions', type: '[]int32', versions: '0+' },
 *       ] },
 *       { name: 'rackId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
 *     ],
 *     response: [
 *       { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
 *       { name: 'hints', type: '[]struct', versions: '3+', tag: 0, taggedVersions: '3+', fields: [...] },
 *     ],
 *   });
 *
 * - Field names are the TS property names (Kafka's names in camelCase); the file also declares the
 *   request and response interfaces, whose fields absent in some versions are optional.
 * - Types: int8 int16 int32 int64 uint16 uint32 float64 bool string bytes records uuid struct, and
 *   `[]<type>` for arrays. A struct or `[]struct` field lists its `fields`. `records` is bytes
 *   (a record batch set), also written from a BatchList (batch-list.ts: batches back to back, never
 *   joined); bytes and records decode as views of the frame, never copies.
 * - Version ranges as Kafka writes them: '0+', '3-5', '7', 'none'. `versions` says in which versions a
 *   field exists; `nullableVersions` where it may be null; `tag` + `taggedVersions` make it a tagged
 *   field (flexible versions only), written only when its value differs from its default.
 * - Defaults: a field absent from a version (or an absent tagged field) decodes as its `default`,
 *   else null if it is nullable in some version, else its type's zero (0, false, '', [], empty
 *   bytes, the all-zero UUID, a struct of defaults). Encoding takes an `undefined` property as
 *   its default, and skips fields the version lacks.
 * - In flexible versions strings, bytes and arrays are compact (unsigned varint length+1, 0 for
 *   null) and every struct ends with a tagged-field section; unknown tags are skipped. A tagged
 *   field whose bytes do not match its size, or any length beyond the bytes left, is a
 *   ProtocolError, and the connection that sent it is closed.
 * - Special cases a description cannot express (Metadata v0's empty array meaning "all topics")
 *   are wrapped around the derived codec in the API file.
 * - A decoded object carries every field of the description, defaults included, so a round-trip
 *   test expects them too (see test/protocol/apis/metadata.test.ts), and codec handlers keep
 *   their signature: `ApiCodec` is unchanged, the header versions follow `firstFlexibleVersion`.
 */
import { ProtocolError } from '../common/errors.js';
import type { ApiCodec } from './api.js';
import type { Records } from './batch-list.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export type PrimitiveType = 'int8' | 'int16' | 'int32' | 'int64' | 'uint16' | 'uint32' | 'float64' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid';
export type FieldType = PrimitiveType | 'struct' | `[]${PrimitiveType | 'struct'}`;

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly tag?: number;
  readonly taggedVersions?: string;
  readonly default?: unknown;
  readonly fields?: readonly FieldSpec[];
}

export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly versions: string;
  readonly flexibleVersions: string;
  readonly request: readonly FieldSpec[];
  readonly response: readonly FieldSpec[];
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** A parsed version range: `from` through `to` inclusive (`to` Infinity for 'N+'); null for 'none'. */
export interface VersionRange {
  from: number;
  to: number;
}

export function parseVersions(spec: string): VersionRange | null {
  if (spec === 'none') return null;
  const m = /^(\d+)(?:(\+)|-(\d+))?$/.exec(spec);
  if (!m) throw new Error(`bad version range ${JSON.stringify(spec)}`);
  const from = Number(m[1]);
  return { from, to: m[2] ? Infinity : m[3] !== undefined ? Number(m[3]) : from };
}

function inRange(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const r = parseVersions(spec);
  return r !== null && version >= r.from && version <= r.to;
}

type Obj = Record<string, unknown>;
interface Codec {
  write(w: Writer, v: unknown): void;
  read(r: Reader): unknown;
}

/** A field's value when the version lacks it (see the rules at the top). */
function defaultOf(f: FieldSpec): () => unknown {
  if (f.default !== undefined) {
    const d = f.default;
    return Array.isArray(d) ? () => [] : () => d;
  }
  if (f.nullableVersions !== undefined && f.nullableVersions !== 'none') return () => null;
  if (f.type.startsWith('[]')) return () => [];
  switch (f.type) {
    case 'bool':
      return () => false;
    case 'string':
      return () => '';
    case 'bytes':
    case 'records':
      return () => Buffer.alloc(0);
    case 'uuid':
      return () => ZERO_UUID;
    case 'struct': {
      const fields = f.fields ?? [];
      const defaults = fields.map((sub) => [sub.name, defaultOf(sub)] as const);
      // Built field by field: decoding fills every absent struct field with one (no entry arrays per call).
      return () => {
        const o: Obj = {};
        for (const [name, d] of defaults) o[name] = d();
        return o;
      };
    }
    default:
      return () => 0;
  }
}

/** Whether a tagged field's value is its default, so it is not written (as Kafka's generated code does). */
function isDefault(value: unknown, def: unknown): boolean {
  if (value === undefined || value === def) return true;
  if (value === null || def === null || typeof value !== 'object' || typeof def !== 'object') return false;
  if (Buffer.isBuffer(value) || Buffer.isBuffer(def)) return Buffer.isBuffer(value) && Buffer.isBuffer(def) && value.equals(def);
  if (Array.isArray(value) || Array.isArray(def)) return Array.isArray(value) && Array.isArray(def) && value.length === 0 && def.length === 0;
  const d = def as Obj;
  return Object.keys(d).every((k) => isDefault((value as Obj)[k], d[k]));
}

function primitive(type: PrimitiveType, nullable: boolean, flexible: boolean, path: string): Codec {
  const notNull = (v: unknown): unknown => {
    if (v === null && !nullable) throw new Error(`${path} is null in a version where it cannot be`);
    return v;
  };
  switch (type) {
    case 'int8':
      return { write: (w, v) => w.int8(v as number), read: (r) => r.int8() };
    case 'int16':
      return { write: (w, v) => w.int16(v as number), read: (r) => r.int16() };
    case 'int32':
      return { write: (w, v) => w.int32(v as number), read: (r) => r.int32() };
    case 'int64':
      return { write: (w, v) => w.int64(v as number), read: (r) => r.int64() };
    case 'uint16':
      return { write: (w, v) => w.uint16(v as number), read: (r) => r.uint16() };
    case 'uint32':
      return { write: (w, v) => w.uint32(v as number), read: (r) => r.uint32() };
    case 'float64':
      return { write: (w, v) => w.float64(v as number), read: (r) => r.float64() };
    case 'bool':
      return { write: (w, v) => w.boolean(v as boolean), read: (r) => r.boolean() };
    case 'uuid':
      return { write: (w, v) => w.uuid(v as string), read: (r) => r.uuid() };
    case 'string': {
      const read = flexible ? (r: Reader) => r.compactNullableString() : (r: Reader) => r.nullableString();
      return {
        write: flexible ? (w, v) => w.compactString(notNull(v) as string | null) : (w, v) => w.nullableString(notNull(v) as string | null),
        read: nullable ? read : (r) => nonNull(read(r), path),
      };
    }
    case 'bytes':
    case 'records': {
      const read = flexible ? (r: Reader) => r.compactBytes() : (r: Reader) => r.bytes();
      // Records may also be written from a BatchList (batch-list.ts), never joined; they decode as one buffer.
      const write: Codec['write'] =
        type === 'records'
          ? flexible
            ? (w, v) => w.compactRecords(notNull(v) as Records | null)
            : (w, v) => w.records(notNull(v) as Records | null)
          : flexible
            ? (w, v) => w.compactBytes(notNull(v) as Buffer | null)
            : (w, v) => w.bytes(notNull(v) as Buffer | null);
      return { write, read: nullable ? read : (r) => nonNull(read(r), path) };
    }
  }
}

function nonNull<T>(v: T | null, path: string): T {
  if (v === null) throw new ProtocolError(`${path} is null where it cannot be`);
  return v;
}

function fieldCodec(f: FieldSpec, version: number, flexible: boolean, path: string): Codec {
  const nullable = inRange(f.nullableVersions, version);
  const isArray = f.type.startsWith('[]');
  const elementType = (isArray ? f.type.slice(2) : f.type) as PrimitiveType | 'struct';
  const element = elementType === 'struct' ? structCodec(f.fields ?? [], version, flexible, path) : primitive(elementType, false, flexible, path);
  if (!isArray) {
    if (elementType !== 'struct') return primitive(elementType, nullable, flexible, path);
    if (!nullable) return { write: (w, v) => element.write(w, notNullStruct(v, path)), read: element.read };
    // A nullable struct is prefixed by int8 -1 (null) or 1, as Kafka's generated code writes it.
    return {
      write: (w, v) => (v === null ? w.int8(-1) : (w.int8(1), element.write(w, v))),
      read: (r) => (r.int8() < 0 ? null : element.read(r)),
    };
  }
  const writeItem = (w: Writer, item: unknown) => element.write(w, item);
  const readItem = (r: Reader) => element.read(r);
  const check = (v: unknown): unknown[] | null => {
    if (v === null && !nullable) throw new Error(`${path} is null in a version where it cannot be`);
    return v as unknown[] | null;
  };
  if (flexible) {
    return {
      write: (w, v) => w.compactArray(check(v), writeItem),
      read: (r) => (nullable ? r.compactNullableArray(readItem) : nonNull(r.compactNullableArray(readItem), path)),
    };
  }
  return {
    write: (w, v) => w.nullableArray(check(v), writeItem),
    read: (r) => (nullable ? r.nullableArray(readItem) : r.array(readItem)),
  };
}

function notNullStruct(v: unknown, path: string): unknown {
  if (v === null) throw new Error(`${path} is null in a version where it cannot be`);
  return v;
}

interface TaggedStep {
  tag: number;
  /** The field's name, not read from its FieldSpec: the specs' objects come in many shapes (a load of `.name` across them deoptimized). */
  name: string;
  codec: Codec;
  def: () => unknown;
}

/**
 * A struct's tagged-field section. A field left out is its default: no default value is built to
 * compare it with (a struct's default is a fresh object, and most tagged fields of most messages are
 * left out). No closure per call: counted first, then written.
 */
function writeTagged(w: Writer, obj: Obj, tagged: readonly TaggedStep[]): void {
  let count = 0;
  for (const t of tagged) if (isPresent(obj, t)) count++;
  w.uvarint(count);
  if (count === 0) return;
  for (const t of tagged) {
    if (!isPresent(obj, t)) continue;
    const inner = new Writer(64);
    t.codec.write(inner, obj[t.name]);
    const bytes = inner.toBuffer();
    w.uvarint(t.tag).uvarint(bytes.length).raw(bytes);
  }
}

function isPresent(obj: Obj, t: TaggedStep): boolean {
  const v = obj[t.name];
  return v !== undefined && !isDefault(v, t.def());
}

/** The encoder and decoder of one struct (or message body) at one version. */
function structCodec(fields: readonly FieldSpec[], version: number, flexible: boolean, path: string): Codec {
  const regular: { name: string; codec: Codec; def: () => unknown }[] = [];
  const absent: { name: string; def: () => unknown }[] = [];
  const tagged: TaggedStep[] = [];
  for (const f of fields) {
    const def = defaultOf(f);
    const fieldPath = `${path}.${f.name}`;
    if (flexible && inRange(f.taggedVersions, version)) {
      if (f.tag === undefined) throw new Error(`${fieldPath} has taggedVersions but no tag`);
      tagged.push({ tag: f.tag, name: f.name, codec: fieldCodec(f, version, flexible, fieldPath), def });
      absent.push({ name: f.name, def });
    } else if (inRange(f.versions, version) && f.taggedVersions === undefined) {
      regular.push({ name: f.name, codec: fieldCodec(f, version, flexible, fieldPath), def });
    } else {
      absent.push({ name: f.name, def });
    }
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(tagged.map((t) => [t.tag, t]));

  // Decided here, once per (struct, version): every struct's `write` shares one feedback vector (one
  // function literal), so a `tagged.length` or `tagged.filter` read per call saw each struct's array
  // map and deoptimized it (`--trace-deopt`: wrong map).
  const hasTagged = tagged.length > 0;
  const write = (w: Writer, value: unknown): void => {
    const obj = value as Obj;
    for (const { name, codec, def } of regular) {
      const v = obj[name];
      codec.write(w, v === undefined ? def() : v);
    }
    if (!flexible) return;
    if (hasTagged) writeTagged(w, obj, tagged);
    else w.uvarint(0);
  };

  const read = (r: Reader): unknown => {
    const obj: Obj = {};
    for (const { name, def } of absent) obj[name] = def();
    for (const { name, codec } of regular) obj[name] = codec.read(r);
    if (!flexible) return obj;
    const count = r.uvarint();
    if (count > r.remaining) throw new ProtocolError(`${path}: tagged field count ${count} exceeds the ${r.remaining} bytes left`);
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint();
      const size = r.uvarint();
      const bytes = r.raw(size);
      const t = byTag.get(tag);
      if (!t) continue; // a tag this version does not know: skipped, as KIP-482 requires
      const inner = new Reader(bytes);
      obj[t.name] = t.codec.read(inner);
      if (inner.remaining !== 0) throw new ProtocolError(`${path}: tagged field ${tag} is ${size} bytes but its value took ${size - inner.remaining}`);
    }
    return obj;
  };

  return { write, read };
}

/** One message (request or response body) of an API, compiled lazily per version. */
export class MessageSchema<T> {
  private readonly compiled = new Map<number, Codec>();
  private readonly range: VersionRange;
  private readonly flexible: VersionRange | null;

  constructor(
    readonly name: string,
    readonly fields: readonly FieldSpec[],
    versions: string,
    flexibleVersions: string,
  ) {
    this.range = parseVersions(versions)!;
    this.flexible = parseVersions(flexibleVersions);
  }

  isFlexible(version: number): boolean {
    return this.flexible !== null && version >= this.flexible.from && version <= this.flexible.to;
  }

  encode(w: Writer, value: T, version: number): void {
    this.codec(version).write(w, value);
  }

  decode(r: Reader, version: number): T {
    return this.codec(version).read(r) as T;
  }

  private codec(version: number): Codec {
    let c = this.compiled.get(version);
    if (!c) {
      if (version < this.range.from || version > this.range.to) throw new Error(`${this.name} has no version ${version}`);
      c = structCodec(this.fields, version, this.isFlexible(version), this.name);
      this.compiled.set(version, c);
    }
    return c;
  }
}

/** An ApiCodec derived from an API's description (see the top of this file). */
export interface SchemaApi<Req, Res> extends ApiCodec<Req, Res> {
  readonly spec: ApiSpec;
  readonly request: MessageSchema<Req>;
  readonly response: MessageSchema<Res>;
}

export function schemaApi<Req, Res>(spec: ApiSpec): SchemaApi<Req, Res> {
  const range = parseVersions(spec.versions);
  if (!range || range.to === Infinity) throw new Error(`${spec.name}: versions must be a closed range, not ${spec.versions}`);
  const flexible = parseVersions(spec.flexibleVersions);
  const request = new MessageSchema<Req>(`${spec.name}Request`, spec.request, spec.versions, spec.flexibleVersions);
  const response = new MessageSchema<Res>(`${spec.name}Response`, spec.response, spec.versions, spec.flexibleVersions);
  return {
    apiKey: spec.apiKey,
    name: spec.name,
    maxVersion: range.to,
    ...(flexible ? { firstFlexibleVersion: flexible.from } : {}),
    spec,
    request,
    response,
    encodeRequest: (w, req, version) => request.encode(w, req, version),
    decodeRequest: (r, version) => request.decode(r, version),
    encodeResponse: (w, res, version) => response.encode(w, res, version),
    decodeResponse: (r, version) => response.decode(r, version),
  };
}
