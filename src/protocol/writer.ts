import { frameViewMinBytes } from '../common/limits.js';
import type { Records } from './batch-list.js';

/**
 * Growable big-endian writer for the Kafka wire types. One Writer builds one frame or one record
 * batch; `toBuffer()` returns a view of the bytes written, so nothing is copied twice.
 *
 * A buffer of `frameViewMinBytes` or more given to `raw` (bytes, records) is not copied: the bytes
 * written so far become a chunk, the buffer the next one, and writing goes on in what is left of
 * the current buffer. `toChunks()` hands the chunks out as they are (a server writes them in one
 * writev: a fetched batch goes from storage to the socket without a copy); `toBuffer()` joins them
 * once. The caller must not change such a buffer until the chunks have been written or joined.
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** The bytes before `buf`, in order: this writer's own earlier segments and buffers taken by reference. */
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.chunkBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // Doubling, except for a write larger than that (a record batch into a produce frame): then what
    // it needs plus the room the buffer had again, not the next power of two, which could be nearly
    // twice the frame.
    const doubled = Math.max(this.buf.length * 2, 256);
    const size = this.pos + n > doubled ? this.pos + n + this.buf.length : doubled;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  boolean(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: number | bigint): this {
    this.ensure(8);
    // A safe integer as two 32-bit halves: BigInt(v) and writeBigInt64BE took ~110 ns, and a
    // Produce or Fetch answer writes several int64s per partition. Anything else: the BigInt path
    // (which throws on a fraction or NaN, as before).
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      const high = Math.floor(v / 0x1_0000_0000);
      this.buf.writeInt32BE(high, this.pos);
      this.buf.writeUInt32BE(v - high * 0x1_0000_0000, this.pos + 4);
    } else this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  /** Kafka STRING: int16 length, UTF-8 bytes. */
  string(v: string): this {
    const len = Buffer.byteLength(v);
    this.int16(len);
    this.ensure(len);
    this.buf.write(v, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  /** Kafka NULLABLE_STRING: length -1 for null. */
  nullableString(v: string | null | undefined): this {
    if (v === null || v === undefined) return this.int16(-1);
    return this.string(v);
  }

  /** Kafka BYTES / NULLABLE_BYTES: int32 length (-1 for null), raw bytes. */
  bytes(v: Buffer | null | undefined): this {
    if (v === null || v === undefined) return this.int32(-1);
    this.int32(v.length);
    return this.raw(v);
  }

  /** Kafka RECORDS (nullable BYTES) from one buffer or a list of batches: the length is their total, the batches follow back to back. */
  records(v: Records | null | undefined): this {
    if (v === null || v === undefined) return this.int32(-1);
    this.int32(v.length);
    return this.rawRecords(v);
  }

  /** Kafka COMPACT_(NULLABLE_)RECORDS: as `records`, with compactBytes' length. */
  compactRecords(v: Records | null | undefined): this {
    if (v === null || v === undefined) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.rawRecords(v);
  }

  /** Each batch of a list as `raw` writes it: the large ones by reference, never joined. */
  private rawRecords(v: Records): this {
    if (Buffer.isBuffer(v)) return this.raw(v);
    for (const b of v.batches) this.raw(b);
    return this;
  }

  raw(v: Buffer): this {
    if (v.length >= frameViewMinBytes) {
      if (this.pos > 0) this.chunks.push(this.buf.subarray(0, this.pos));
      this.chunks.push(v);
      this.chunkBytes += this.pos + v.length;
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      return this;
    }
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
    return this;
  }

  /** Kafka ARRAY: int32 count then the items. */
  array<T>(items: readonly T[], writeItem: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** Kafka nullable ARRAY: count -1 for null. */
  nullableArray<T>(items: readonly T[] | null | undefined, writeItem: (w: this, item: T) => void): this {
    if (items === null || items === undefined) return this.int32(-1);
    return this.array(items, writeItem);
  }

  /** Unsigned LEB128 varint (used by flexible versions and inside records). */
  uvarint(v: number): this {
    this.ensure(5);
    let value = v >>> 0;
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.pos++] = value;
    return this;
  }

  /** Zigzag varint (32-bit), as record fields use. */
  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag varlong (64-bit): timestamps deltas can exceed 32 bits. */
  varlong(v: number | bigint): this {
    // Values within int32 zigzag the same in 32 and 64 bits: skip BigInt on the common path.
    if (typeof v === 'number' && v >= -0x80000000 && v < 0x80000000) return this.varint(v);
    let value = BigInt(v);
    value = (value << 1n) ^ (value >> 63n);
    value = BigInt.asUintN(64, value);
    this.ensure(10);
    while (value >= 0x80n) {
      this.buf[this.pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.buf[this.pos++] = Number(value);
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** UUID from its text form (hex digits, dashes anywhere): 16 bytes. */
  uuid(v: string): this {
    const bytes = Buffer.from(v.replace(/-/g, ''), 'hex');
    if (bytes.length !== 16) throw new Error(`not a UUID: ${JSON.stringify(v)}`);
    return this.raw(bytes);
  }

  /** Kafka COMPACT_(NULLABLE_)STRING: unsigned varint length+1 (0 for null), UTF-8 bytes. */
  compactString(v: string | null | undefined): this {
    if (v === null || v === undefined) return this.uvarint(0);
    const len = Buffer.byteLength(v);
    this.uvarint(len + 1);
    this.ensure(len);
    this.buf.write(v, this.pos, len, 'utf8');
    this.pos += len;
    return this;
  }

  /** Kafka COMPACT_(NULLABLE_)BYTES: unsigned varint length+1 (0 for null), raw bytes. */
  compactBytes(v: Buffer | null | undefined): this {
    if (v === null || v === undefined) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.raw(v);
  }

  /** Kafka COMPACT_(NULLABLE_)ARRAY: unsigned varint count+1 (0 for null), then the items. */
  compactArray<T>(items: readonly T[] | null | undefined, writeItem: (w: this, item: T) => void): this {
    if (items === null || items === undefined) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) writeItem(this, item);
    return this;
  }

  /** Reserves 4 bytes for an int32 written later with `patchInt32` (sizes known only at the end). */
  reserveInt32(): number {
    this.ensure(4);
    const at = this.length;
    this.pos += 4;
    return at;
  }

  patchInt32(at: number, v: number): this {
    const [segment, offset] = this.locate(at);
    segment.writeInt32BE(v, offset);
    return this;
  }

  patchUInt32(at: number, v: number): this {
    const [segment, offset] = this.locate(at);
    segment.writeUInt32BE(v >>> 0, offset);
    return this;
  }

  /** The segment holding byte `at` (reserved bytes are never split: `ensure` keeps them in one) and where in it. */
  private locate(at: number): [Buffer, number] {
    if (at >= this.chunkBytes) return [this.buf, at - this.chunkBytes];
    let start = 0;
    for (const c of this.chunks) {
      if (at < start + c.length) return [c, at - start];
      start += c.length;
    }
    throw new RangeError(`offset ${at} is outside the ${this.length} bytes written`);
  }

  /** The bytes written, in one buffer (joined once if some were taken by reference). */
  toBuffer(): Buffer {
    const tail = this.buf.subarray(0, this.pos);
    return this.chunks.length === 0 ? tail : Buffer.concat([...this.chunks, tail], this.length);
  }

  /** The bytes written as chunks, in order, without copying (one chunk unless `raw` took a buffer by reference). */
  toChunks(): Buffer[] {
    return this.pos > 0 || this.chunks.length === 0 ? [...this.chunks, this.buf.subarray(0, this.pos)] : [...this.chunks];
  }
}
