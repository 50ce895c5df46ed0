import { apiByKey } from '../../src/protocol/apis/index.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';
import type { FuzzRng } from './mutators.js';

/**
 * Grammar-aware mutation: the frame is decoded (a Kafka request with its API's codec, a control
 * request as JSON), one field is changed to a value a handler may not expect, and the request is
 * encoded again. Byte mutations mostly stop at the decoders; these reach the handlers' semantics
 * (negative partitions, absurd timeouts, empty names, a thousand copies of one partition).
 *
 * Values never name the workload's topic or a real broker id (1-3), so a mutation does not turn
 * into a legitimate admin action against the cluster under test.
 */
const NUMBERS = [0, -1, -2, 0x7fffffff, -0x80000000, 0x7fff, -0x8000, 255, 7777, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER, 1e6];
/** For fields narrower than the number picked (the encoder refuses it): int16- and int8-safe values. */
const SMALL_NUMBERS = [0, -1, -2, 0x7f, -0x80, 0x7fff, -0x8000, 99];
const JSON_ONLY_NUMBERS = [1.5, -0.0, 1e300];
const STRINGS = ['', ' ', 'x'.repeat(300), 'é\u0000\uffff', '..', '/', 'seed-absent', '-1', 'fuzz-absent', '__consumer_offsets'];

type Node = unknown;
interface Slot {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/** Every field and array element of a decoded request, so one can be picked uniformly. */
function slots(node: Node, out: Slot[] = []): Slot[] {
  if (Array.isArray(node)) {
    node.forEach((v, i) => {
      out.push({ parent: node, key: i });
      slots(v, out);
    });
  } else if (node !== null && typeof node === 'object' && !Buffer.isBuffer(node)) {
    for (const [k, v] of Object.entries(node)) {
      out.push({ parent: node as Record<string, unknown>, key: k });
      slots(v, out);
    }
  }
  return out;
}

/** structuredClone, but Buffers stay Buffers (the encoders need them). */
function clone<T>(v: T): T {
  if (Buffer.isBuffer(v)) return Buffer.from(v) as T;
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

function get(s: Slot): unknown {
  return (s.parent as Record<string | number, unknown>)[s.key];
}
function set(s: Slot, v: unknown): void {
  (s.parent as Record<string | number, unknown>)[s.key] = v;
}

function mutateSlot(rng: FuzzRng, s: Slot, json: boolean, narrow: boolean): void {
  const v = get(s);
  if (Array.isArray(v)) {
    const r = rng.next();
    if (r < 0.3) v.length = 0;
    else if (r < 0.6 && v.length > 0) v.push(...Array.from({ length: 1 + rng.int(rng.next() < 0.2 ? 2000 : 20) }, () => clone(v[0])));
    else if (v.length > 1) v.reverse();
    else set(s, json ? rng.pick([null, {}, 7]) : []);
    return;
  }
  if (typeof v === 'number') return set(s, narrow ? rng.pick(SMALL_NUMBERS) : rng.pick(json ? [...NUMBERS, ...JSON_ONLY_NUMBERS] : NUMBERS));
  if (typeof v === 'string') return set(s, rng.pick(STRINGS));
  if (typeof v === 'boolean') return set(s, !v);
  if (Buffer.isBuffer(v)) return set(s, rng.next() < 0.5 ? Buffer.alloc(0) : rng.bytes(rng.int(200)));
  if (v === null) return set(s, json ? rng.pick([0, '', [], {}]) : rng.pick(STRINGS));
  // An object: drop one of its fields (JSON) or replace it with null (Kafka nullable structs).
  if (json && v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length > 0) delete (v as Record<string, unknown>)[rng.pick(keys)];
  }
}

/** One structured mutation of `frame`, or null when it cannot be decoded (then a byte mutator is used). */
export function structuredMutation(rng: FuzzRng, frame: Buffer): Buffer | null {
  if (frame.length < 12) return null;
  const header = { apiKey: frame.readInt16BE(4), apiVersion: frame.readInt16BE(6), correlationId: frame.readInt32BE(8), clientId: null as string | null };
  const r = new Reader(frame, 12);
  try {
    header.clientId = r.nullableString();
  } catch {
    return null;
  }
  const body = frame.subarray(r.offset);
  if (header.apiKey >= 1000) {
    let tree: unknown;
    try {
      tree = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
    const all = slots(tree);
    if (all.length === 0) return null;
    for (let n = 1 + rng.int(2); n > 0; n--) mutateSlot(rng, rng.pick(all), true, false);
    const w = startRequestFrame(header);
    w.raw(Buffer.from(JSON.stringify(tree)));
    return finishFrame(w);
  }
  const api = apiByKey(header.apiKey);
  if (!api) return null;
  let req: unknown;
  try {
    req = api.decodeRequest(r, header.apiVersion);
  } catch {
    return null;
  }
  const all = slots(req);
  if (all.length === 0) return null;
  const target = rng.pick(all);
  const original = clone(get(target));
  for (const narrow of [false, true]) {
    mutateSlot(rng, target, false, narrow);
    try {
      const w = startRequestFrame(header);
      api.encodeRequest(w, req, header.apiVersion);
      return finishFrame(w);
    } catch {
      set(target, clone(original)); // the field is narrower than the value: try a small one
    }
  }
  return null;
}
