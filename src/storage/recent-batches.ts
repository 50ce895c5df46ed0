import { recentBatchesSlabBytes } from '../common/limits.js';

/**
 * The batches most recently appended to the logs a broker leads, kept in memory so the fetches that
 * read the tail of a log (followers, and consumers keeping up) are answered without SQLite, as
 * Kafka's are from the page cache (a follower's appends are not cached: PartitionLog.appendAsFollower). One budget for the whole store (`maxBytes`): the oldest entries, of
 * whichever partition, go first, so a broker with many partitions holds no more than one with few.
 *
 * Each partition's entries are a contiguous run ending at its log end: appended in offset order,
 * evicted from the front, dropped whole (`PartitionTail.clear`) whenever the log changes other than
 * by an append (truncation, a rolled-back append, the cleaner rewriting batches), after which reads
 * fall back to SQLite until new appends fill the tail again.
 *
 * A batch in a large buffer (at least a quarter of `slabBytes`: glibc maps those apart, and unmaps
 * them when freed) is kept as it came when it, together with the batches appended with it from the
 * same buffer, is most of that buffer, counted at its share of that buffer's size. Any other is
 * copied: a small one into the store's current slab, shared by the batches appended after it, so the
 * request frames it came in (16 KiB under a bench) die young instead of staying 10-20 s in the malloc
 * heap, which keeps pages it once grew to (limits.ts, recentBatchesSlabBytes); a large one into a
 * buffer of its own. Cached batches never keep much more than themselves alive. Nothing writes into
 * those buffers after the append (the leader stamps offsets before it).
 *
 * Once a sweep leaves the store empty (appends stopped), what it dropped is garbage V8 would keep
 * until its next full collection, which an idle broker never reaches: the store asks for one
 * (`collectGarbage`: node's `gc`, which cluster processes expose).
 */
interface Entry {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
  /** What it holds in memory: its buffer's size (its share of it), or in a slab its own size. */
  size: number;
  /** False once its partition's tail was cleared (its bytes are no longer counted). */
  live: boolean;
}

export class RecentBatches {
  private bytes = 0;
  /** Every live or cleared entry not yet evicted, oldest first, with its tail and the sweep it came after. */
  private readonly order: { entry: Entry; tail: PartitionTail; sweep: number }[] = [];
  private sweeps = 0;
  /** Where small batches are copied (see above), and how much of it is taken. */
  private slab: Buffer | null = null;
  private slabUsed = 0;

  constructor(
    readonly maxBytes: number,
    readonly slabBytes = recentBatchesSlabBytes,
    private readonly collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc,
  ) {}

  /** A new partition's (empty) tail. */
  tail(): PartitionTail {
    return new PartitionTail(this);
  }

  /** Bytes the cached batches hold. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** @internal PartitionTail's bookkeeping. */
  added(tail: PartitionTail, entry: Entry): void {
    this.bytes += entry.size;
    this.order.push({ entry, tail, sweep: this.sweeps });
    while (this.bytes > this.maxBytes && this.order.length > 0) {
      const oldest = this.order.shift()!;
      if (oldest.entry.live) oldest.tail.evictOldest();
    }
  }

  /**
   * Drops what was appended before the previous sweep. Called every `recentBatchesMaxAgeMs` (LogStore),
   * so a batch stays cached that long at least and twice that at most: the followers and consumers
   * it is for read it within milliseconds, and a broker no longer written to gives its memory back.
   */
  sweep(): void {
    const held = this.order.length > 0;
    while (this.order.length > 0 && this.order[0]!.sweep < this.sweeps) {
      const oldest = this.order.shift()!;
      if (oldest.entry.live) oldest.tail.evictOldest();
    }
    this.sweeps++;
    if (held && this.order.length === 0) {
      this.slab = null;
      // After this call returns: nothing on its stack still points at what it dropped. At most once
      // a sweep interval (a full collection of a broker's heap takes some ms), only once writes stopped.
      const collect = this.collectGarbage;
      if (collect) setImmediate(collect).unref();
    }
  }

  /** @internal A copy of a small batch, in the current slab (a new one when it does not fit). */
  copyToSlab(bytes: Buffer): Buffer {
    if (!this.slab || this.slabUsed + bytes.length > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.slabUsed = 0;
    }
    const out = this.slab.subarray(this.slabUsed, this.slabUsed + bytes.length);
    bytes.copy(out);
    this.slabUsed += bytes.length;
    return out;
  }

  /** @internal */
  removed(entry: Entry): void {
    entry.live = false;
    this.bytes -= entry.size;
  }
}

/** One partition's cached tail. */
export class PartitionTail {
  private entries: Entry[] = [];

  constructor(private readonly cache: RecentBatches) {}

  /**
   * Caches an appended batch; `baseOffset` must follow the previous one (the caller appends at the log
   * end). `appendedFromItsBuffer`: the bytes of the batches appended with it (itself included) that
   * lie in the same buffer (`bytesPerBuffer`).
   */
  append(baseOffset: number, lastOffset: number, bytes: Buffer, appendedFromItsBuffer = bytes.length): void {
    const whole = bytes.buffer.byteLength;
    const large = this.cache.slabBytes / 4;
    const asItCame = whole >= large && whole <= 2 * appendedFromItsBuffer;
    const inSlab = !asItCame && bytes.length < large;
    const kept = asItCame ? bytes : inSlab ? this.cache.copyToSlab(bytes) : copy(bytes);
    const size = asItCame ? Math.ceil((whole * bytes.length) / appendedFromItsBuffer) : inSlab ? bytes.length : kept.buffer.byteLength;
    if (size > this.cache.maxBytes) return this.clear();
    const entry = { baseOffset, lastOffset, bytes: kept, size, live: true };
    this.entries.push(entry);
    this.cache.added(this, entry);
  }

  /** Forgets every cached batch of this partition (the log changed other than by an append). */
  clear(): void {
    // Every follower append calls it: an empty tail stays as it is.
    if (this.entries.length === 0) return;
    for (const e of this.entries) this.cache.removed(e);
    this.entries = [];
  }

  /** @internal RecentBatches evicting this tail's oldest entry. */
  evictOldest(): void {
    const e = this.entries.shift();
    if (e) this.cache.removed(e);
  }

  /**
   * PartitionLog.read from memory: null unless the tail covers `fetchOffset` (it holds the batch
   * with that offset or the first one after it, up to the log end), else the same batches SQLite
   * would return.
   */
  read(fetchOffset: number, upToOffset: number, maxBytes: number): Buffer[] | null {
    const entries = this.entries;
    if (entries.length === 0 || fetchOffset < entries[0]!.baseOffset) return null;
    // The first entry ending at or after fetchOffset (binary search: the tail is in offset order).
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (entries[mid]!.lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    const out: Buffer[] = [];
    let size = 0;
    for (let i = lo; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.lastOffset >= upToOffset || (out.length > 0 && size + e.bytes.length > maxBytes)) break;
      out.push(e.bytes);
      size += e.bytes.length;
      if (size >= maxBytes) break;
    }
    return out;
  }
}

/** For each buffer some appended batches lie in, the bytes of those batches (what `PartitionTail.append` weighs each against). */
export type AppendedPerBuffer = ReadonlyMap<ArrayBufferLike, number>;

export function bytesPerBuffer(batches: Iterable<{ bytes: Buffer }>): AppendedPerBuffer {
  const sums = new Map<ArrayBufferLike, number>();
  for (const { bytes } of batches) sums.set(bytes.buffer, (sums.get(bytes.buffer) ?? 0) + bytes.length);
  return sums;
}

/** A copy in a buffer of its own (a large batch's). */
function copy(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(out);
  return out;
}
