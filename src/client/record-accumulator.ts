import { producerSpareBatchBufferBytes } from '../common/limits.js';
import { RecordBatchBuilder } from '../protocol/record-batch-builder.js';
import { BATCH_HEADER_BYTES, type RecordHeader } from '../protocol/record-batch-layout.js';
import { StickyPartitioner, partitionForKey } from './partitioner.js';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0 (nobody told us) or when the record failed. */
  offset: number;
}

/**
 * Told once per record: its error (null when stored) and where it went, a failed record's too (offset
 * -1), as Kafka's Callback. A partition's records are answered in the order they were sent.
 */
export type SendCallback = (err: Error | null, meta: RecordMetadata) => void;

/** The callback of the batch's record number `i` (from 0). */
export function recordCallback(b: ProducerBatch, i: number): SendCallback | undefined {
  return b.callbacks ? b.callbacks[i] : b.sharedCallback;
}

/** A partition's key in the producer's maps (a batch carries its own: `ProducerBatch.key`). */
export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** One partition's batch, from its first record to its final answer (Kafka's ProducerBatch). */
export interface ProducerBatch {
  /** Creation order: within a partition, the order batches must be stored in. */
  id: number;
  topic: string;
  partition: number;
  /** `partitionKey(topic, partition)`, made once per partition (`RecordAccumulator.keyOf`). */
  key: string;
  /** Its records, written as they are sent; null once the batch is built. */
  builder: RecordBatchBuilder | null;
  /** The buffer of batch.size its records were written into, until given back for a later batch (`spare`). */
  buffer: Buffer | null;
  recordCount: number;
  /** Its partition's open batch: not yet closed and queued for the Sender. */
  open: boolean;
  /**
   * The callback of every record so far while they all share one (a bench, a copy loop: one function
   * for every record), so a batch keeps no array per record; `callbacks` takes over once one differs.
   */
  sharedCallback: SendCallback | undefined;
  /** Each record's callback, in order, once they are not all `sharedCallback`; null until then. */
  callbacks: (SendCallback | undefined)[] | null;
  /** What the records count against the producer's buffer (their estimated sizes). */
  bytes: number;
  createdMs: number;
  attempts: number;
  /** Built once, at first send: retries resend the same bytes and sequence numbers. */
  encoded: Buffer | null;
  /** Built with a producer id and sequence numbers (idempotent). */
  sequenced: boolean;
  /** Refused behind a batch refused for good: goes again with the current producer id and a new base sequence. */
  sequenceRefused: boolean;
  /** Why the last attempt failed, for the message if the batch is given up. */
  lastError?: Error;
}

export interface AccumulatorOptions {
  lingerMs: number;
  batchBytes: number;
  maxBufferedBytes: number;
}

/**
 * Where records wait to be sent, as Kafka's RecordAccumulator: one open batch per partition, closed
 * when full (batch.size) or when linger.ms expires, then queued per partition in creation order for
 * the Sender; a queued batch the Sender has not taken yet still takes records up to batch.size. Each record is written into its batch's buffer as it is appended, so nothing per record
 * is kept but its callback. Also counts the bytes and records not yet answered, for `capacity()`
 * (buffer.memory) and `whenIdle()` (flush).
 */
export class RecordAccumulator {
  private readonly open = new Map<string, ProducerBatch>();
  /**
   * The batch the last record went to (open, or queued and not yet taken by the Sender): the records
   * that follow on the same partition (sticky, or a keyed run) go to it without a look-up by key (a
   * string built per record), also while they fill a queued batch after linger.ms closed it.
   */
  private last: ProducerBatch | null = null;
  /** Buffers of batch.size (header included) that finished batches gave back, for the next ones. */
  private readonly spareBuffers: Buffer[] = [];
  /** Closed batches waiting to be sent, per partition in order (retries go back to the front). */
  readonly ready = new Map<string, ProducerBatch[]>();
  private readonly sticky = new StickyPartitioner();
  private nextBatchId = 0;
  /**
   * Each partition's key, made once: a record whose partition differs from the last one's (keyed
   * records spread over partitions) looked its batch up by a key string built per record.
   */
  private readonly keys = new Map<string, string[]>();
  /** Closes the open batches when linger.ms is up; with linger 0, at the end of this event-loop turn (see `append`). */
  private lingerTimer: { cancel: () => void } | null = null;
  private bufferedBytes = 0;
  private outstanding = 0;
  private idleWaiters: (() => void)[] = [];
  private capacityWaiters: (() => void)[] = [];

  constructor(
    private readonly opts: AccumulatorOptions,
    /** A topic's partition count, as metadata says now (the sticky partitioner's next choice). */
    private readonly partitionCount: (topic: string) => number,
    /** Told when batches were closed and queued, with their partitions' keys: the Sender sends them. */
    private readonly onReady: (partitionKeys: readonly string[]) => void,
  ) {}

  /** The partition a record without one goes to: its key's (murmur2), else the topic's sticky partition. */
  partitionFor(topic: string, key: Buffer | null | undefined, partitionCount: number): number {
    return key ? partitionForKey(key, partitionCount) : this.sticky.next(topic, partitionCount);
  }

  /** `partitionKey(topic, partition)`, the same string every time. */
  keyOf(topic: string, partition: number): string {
    let keys = this.keys.get(topic);
    if (!keys) this.keys.set(topic, (keys = []));
    return (keys[partition] ??= partitionKey(topic, partition));
  }

  append(topic: string, partition: number, partitionCount: number, key: Buffer | null, value: Buffer | null, timestamp: number, headers: readonly RecordHeader[] | undefined, callback?: SendCallback): void {
    const headerBytes = headers ? headers.reduce((n, h) => n + 10 + Buffer.byteLength(h.key) + (h.value?.length ?? 0), 0) : 0;
    const size = 24 + (key?.length ?? 0) + (value?.length ?? 0) + headerBytes;
    const last = this.last;
    // Kafka's accumulator: a queued batch takes more records until the Sender takes it (a partition
    // with its in-flight window full gets bigger batches, not a queue of small ones that never drains).
    let batch = last !== null && last.partition === partition && last.topic === topic && mayTakeRecords(last) ? last : this.openOrUnsentTail(this.keyOf(topic, partition));
    // A record that does not fit closes the open batch and starts its own (Kafka's accumulator), so
    // one oversized record fails alone instead of taking its neighbours with it.
    if (batch && batch.bytes + size > this.opts.batchBytes) {
      if (batch.open) this.close(batch, partitionCount);
      batch = undefined;
    }
    if (!batch) {
      // A buffer of its own (allocUnsafeSlow: not a slice of Node's shared pool), so `built` can tell whether the batch's bytes are still in it.
      const buffer = size <= this.opts.batchBytes ? (this.spareBuffers.pop() ?? Buffer.allocUnsafeSlow(BATCH_HEADER_BYTES + this.opts.batchBytes)) : null;
      const builder = new RecordBatchBuilder(buffer ?? BATCH_HEADER_BYTES + size);
      batch = { id: this.nextBatchId++, topic, partition, key: this.keyOf(topic, partition), builder, buffer, recordCount: 0, open: true, sharedCallback: callback, callbacks: null, bytes: 0, createdMs: Date.now(), attempts: 0, encoded: null, sequenced: false, sequenceRefused: false };
      this.open.set(batch.key, batch);
    }
    this.last = batch;
    batch.builder!.append(key, value, timestamp, headers);
    if (batch.callbacks) batch.callbacks.push(callback);
    else if (callback !== batch.sharedCallback) (batch.callbacks = new Array<SendCallback | undefined>(batch.recordCount).fill(batch.sharedCallback)).push(callback);
    batch.recordCount++;
    batch.bytes += size;
    this.bufferedBytes += size;
    this.outstanding++;
    if (batch.bytes >= this.opts.batchBytes) {
      if (batch.open) this.close(batch, partitionCount);
    } else if (!this.lingerTimer && this.open.size > 0) {
      this.lingerTimer = lingerFor(this.opts.lingerMs, () => this.closeAll());
    }
  }

  /** The partition's open batch, else its last queued batch if the Sender has not built it yet (it may take more records). */
  private openOrUnsentTail(k: string): ProducerBatch | undefined {
    const open = this.open.get(k);
    if (open) return open;
    const q = this.ready.get(k);
    const tail = q?.[q.length - 1];
    return tail && mayTakeRecords(tail) ? tail : undefined;
  }

  /** Closes every open batch (linger expired, or a flush) and tells the Sender. */
  closeAll(): void {
    this.lingerTimer?.cancel();
    this.lingerTimer = null;
    const closed = [...this.open.keys()];
    for (const b of this.open.values()) {
      b.open = false;
      this.sticky.batchClosed(b.topic, b.partition, this.partitionCount(b.topic));
      this.enqueue(b);
    }
    this.open.clear();
    this.onReady(closed);
  }

  /** Queues a batch for sending; one sent again goes back in creation order, ahead of the ones that came after it. */
  enqueue(b: ProducerBatch): void {
    const k = b.key;
    let q = this.ready.get(k);
    if (!q) this.ready.set(k, (q = []));
    let i = q.length;
    while (i > 0 && q[i - 1]!.id > b.id) i--;
    q.splice(i, 0, b);
  }

  /** Takes every queued batch out (to fail them). */
  takeAllReady(): ProducerBatch[] {
    const all: ProducerBatch[] = [];
    for (const q of this.ready.values()) all.push(...q.splice(0));
    return all;
  }

  /** A batch was built into bytes of its own (copied to its size, or compressed): its buffer is free for a later batch. */
  built(b: ProducerBatch): void {
    if (b.buffer && b.encoded && b.encoded.buffer !== b.buffer.buffer) this.spare(b);
  }

  /** A batch has its final answer: its bytes and records no longer count. */
  release(b: ProducerBatch): void {
    // Failed unsent (taken out of the queue), it must take no more records: its buffer goes to the spares.
    b.builder = null;
    this.spare(b);
    this.outstanding -= b.recordCount;
    this.bufferedBytes -= b.bytes;
    if (this.bufferedBytes < this.opts.maxBufferedBytes) for (const w of this.capacityWaiters.splice(0)) w();
    if (this.outstanding === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when buffered bytes are below the limit. */
  capacity(): Promise<void> {
    if (this.bufferedBytes < this.opts.maxBufferedBytes) return Promise.resolve();
    return new Promise((r) => this.capacityWaiters.push(r));
  }

  /** Resolves when every record appended has its answer. */
  whenIdle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise<void>((r) => this.idleWaiters.push(r));
  }

  /** Keeps a batch's buffer (nothing reads it any more) for a later batch, up to producerSpareBatchBufferBytes. */
  private spare(b: ProducerBatch): void {
    const buffer = b.buffer;
    if (!buffer) return;
    b.buffer = null;
    if ((this.spareBuffers.length + 1) * buffer.length <= producerSpareBatchBufferBytes) this.spareBuffers.push(buffer);
  }

  private close(batch: ProducerBatch, partitionCount: number): void {
    this.open.delete(batch.key);
    batch.open = false;
    this.sticky.batchClosed(batch.topic, batch.partition, partitionCount);
    this.enqueue(batch);
    this.onReady([batch.key]);
  }
}

/** Whether a batch may take more records: open, or queued and neither built nor answered yet (`release` drops its builder). */
function mayTakeRecords(b: ProducerBatch): boolean {
  return b.builder !== null && b.attempts === 0;
}

/**
 * Runs `close` once linger.ms is up. linger 0 (Kafka's "send at once") closes at the end of this
 * event-loop turn (setImmediate), so the records sent in one synchronous burst share a batch and
 * none waits for a timer: Node's setTimeout(0) waits at least 1 ms.
 */
function lingerFor(lingerMs: number, close: () => void): { cancel: () => void } {
  if (lingerMs <= 0) {
    const immediate = setImmediate(close);
    return { cancel: () => clearImmediate(immediate) };
  }
  const timer = setTimeout(close, lingerMs);
  return { cancel: () => clearTimeout(timer) };
}
