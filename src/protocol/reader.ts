import { ProtocolError } from '../common/errors.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer;
/**
 * The class Node makes Buffers of (its FastBuffer), as Buffer[Symbol.species] names it for typed
 * array methods. Constructing one over the parent's memory is the view `subarray` returns, for a
 * third of its cost (~16 ns against ~47 here): Buffer#subarray normalises its arguments in
 * JavaScript first. A Reader makes one per record key and value, and checks the bounds itself; it
 * reads its buffer's ArrayBuffer once (`.buffer` is a call into the runtime each time).
 * Null (subarray is used) should a Node version not give a Buffer class there.
 */
const FastBuffer: ViewConstructor | null = (() => {
  const species = (Buffer as unknown as { [Symbol.species]?: unknown })[Symbol.species];
  if (typeof species !== 'function' || species === Buffer) return null;
  try {
    return new (species as ViewConstructor)(new ArrayBuffer(2), 1, 1) instanceof Buffer ? (species as ViewConstructor) : null;
  } catch {
    return null;
  }
})();

/**
 * Bounds-checked big-endian reader. Every read that would pass the end throws ProtocolError, so a
 * frame whose fields lie about their sizes is rejected instead of read past its end.
 */
export class Reader {
  private pos: number;
  /** `buf`'s memory and where it starts there, for views (`raw`); read on the first. */
  private memory: ArrayBufferLike | null = null;
  private memoryOffset = 0;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    private readonly end = buf.length,
  ) {
    this.pos = offset;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError(`truncated data: need ${n} bytes at offset ${this.pos}, have ${this.end - this.pos}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /**
   * int64 as a JS number. Real offsets, timestamps and ids stay far below 2^53; a value beyond it
   * would come out rounded, and a handler (or the coordinator a broker forwards it to) would act on
   * a number the peer never sent, so it is refused here. int64Big() reads the whole range.
   */
  int64(): number {
    this.need(8);
    // The high half within +-(2^21 - 1): the value is safe and exact from the two halves, without
    // the BigInt that readBigInt64BE makes (~70 ns). Otherwise the BigInt path decides.
    const high = this.buf.readInt32BE(this.pos);
    if (high < 0x20_0000 && high > -0x20_0000) {
      const v = high * 0x1_0000_0000 + this.buf.readUInt32BE(this.pos + 4);
      this.pos += 8;
      return v;
    }
    const v = this.buf.readBigInt64BE(this.pos);
    if (v > MAX_SAFE || v < -MAX_SAFE) throw new ProtocolError(`int64 ${v} at offset ${this.pos} is beyond +-2^53, which no offset, timestamp or id reaches`);
    this.pos += 8;
    return Number(v);
  }

  int64Big(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new ProtocolError('null where a string is required');
    return s;
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < -1) throw new ProtocolError(`invalid string length ${len}`);
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** NULLABLE_BYTES as a view into the frame (no copy). */
  bytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < -1) throw new ProtocolError(`invalid bytes length ${len}`);
    return this.raw(len);
  }

  raw(len: number): Buffer {
    this.need(len);
    let b: Buffer;
    if (FastBuffer) {
      if (this.memory === null) {
        this.memory = this.buf.buffer;
        this.memoryOffset = this.buf.byteOffset;
      }
      b = new FastBuffer(this.memory, this.memoryOffset + this.pos, len);
    } else b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  skip(len: number): void {
    this.need(len);
    this.pos += len;
  }

  /** ARRAY; a count larger than the bytes left is a lie and is rejected before allocating. */
  array<T>(readItem: (r: Reader) => T): T[] {
    const items = this.nullableArray(readItem);
    if (items === null) throw new ProtocolError('null where an array is required');
    return items;
  }

  nullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const count = this.int32();
    if (count === -1) return null;
    if (count < -1 || count > this.remaining) throw new ProtocolError(`invalid array length ${count}`);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }

  /** An unsigned varint of at most 32 bits (Kafka's readUnsignedVarint: lengths, counts, tags). */
  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      // The 5th byte holds bits 28-34: any above bit 31 would be shifted out, so the value read would be a lie.
      if (shift === 28 && b > 0x0f) throw new ProtocolError('varint above 2^32 - 1');
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
      shift += 7;
      if (shift > 28) throw new ProtocolError('varint too long');
    }
  }

  varint(): number {
    const v = this.uvarint();
    return (v >>> 1) ^ -(v & 1);
  }

  varlong(): number {
    // Fast path: up to 4 bytes (28 bits) fit a JS number exactly.
    const start = this.pos;
    let small = 0;
    for (let shift = 0; shift < 28 && this.pos < this.end; shift += 7) {
      const b = this.buf[this.pos++]!;
      small |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (small >>> 1) ^ -(small & 1);
    }
    this.pos = start;
    let value = 0n;
    let shift = 0n;
    for (;;) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new ProtocolError('varlong too long');
    }
    return Number((value >> 1n) ^ -(value & 1n));
  }

  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** UUID (16 bytes) in its usual text form, 8-4-4-4-12 lowercase hex. */
  uuid(): string {
    const h = this.raw(16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /**
   * The length of a flexible version's COMPACT_* value: unsigned varint N+1, 0 for null. A length
   * beyond the bytes left is a lie, refused here before anything is allocated for it.
   */
  compactLength(): number | null {
    const n = this.uvarint();
    if (n === 0) return null;
    if (n - 1 > this.remaining) throw new ProtocolError(`compact length ${n - 1} at offset ${this.pos} exceeds the ${this.remaining} bytes left`);
    return n - 1;
  }

  compactNullableString(): string | null {
    const len = this.compactLength();
    if (len === null) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) throw new ProtocolError('null where a compact string is required');
    return s;
  }

  /** COMPACT_NULLABLE_BYTES as a view into the frame (no copy). */
  compactBytes(): Buffer | null {
    const len = this.compactLength();
    return len === null ? null : this.raw(len);
  }

  /** COMPACT_ARRAY: count+1 as an unsigned varint; 0 is null. A count beyond the bytes left is refused. */
  compactNullableArray<T>(readItem: (r: Reader) => T): T[] | null {
    const count = this.compactLength();
    if (count === null) return null;
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }

  /**
   * Skips a flexible-version tagged-field section (request header v2, and every tag a schema does
   * not know). A count or size beyond the bytes left is refused.
   */
  skipTaggedFields(): void {
    const count = this.uvarint();
    if (count > this.remaining) throw new ProtocolError(`tagged field count ${count} exceeds the ${this.remaining} bytes left`);
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
