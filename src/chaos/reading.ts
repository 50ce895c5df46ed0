import { Admin } from '../client/admin.js';
import { Consumer, type IsolationLevel } from '../client/consumer.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import type { ReadRecord } from './checker.js';
import { fullyInSync, type CoordinatorView } from './coordinator-view.js';
import { sleep } from './nemesis.js';

/** How long the cluster may take to get its full ISRs back (and its end offsets to cover what was acknowledged) after the faults. */
export const SETTLE_BOUND_MS = 30_000;
/** How long the final read of a topic may take. */
export const FINAL_READ_BOUND_MS = 60_000;

/** A consumer from the earliest offset that reads along during the run (at `isolation`) and keeps what it saw. */
export class LiveReader {
  private consumer: Consumer;
  private readonly seen: ReadRecord[] = [];
  private stopped = false;
  error: string | null = null;

  constructor(client: KafkaClient, topic: string, isolation: IsolationLevel = 'read_uncommitted') {
    this.consumer = new Consumer(client, { topic, start: 'earliest', isolation });
  }

  async start(): Promise<void> {
    await this.consumer.start();
    void (async () => {
      while (!this.stopped) {
        try {
          for (const r of await this.consumer.poll(500)) this.seen.push({ partition: r.partition, offset: r.offset, value: r.value?.toString('utf8') ?? null });
        } catch (err) {
          this.error = (err as Error).message;
          return;
        }
      }
    })();
  }

  /** Stops reading; returns what was seen once its consumer closed its fetch sessions. */
  async close(): Promise<ReadRecord[]> {
    this.stopped = true;
    await this.consumer.close();
    return this.seen;
  }
}

/**
 * Waits (bounded) until every partition has its full ISR and its end offset (high watermark) covers
 * every acknowledged record; returns the end offsets to read up to.
 */
export async function settle(view: CoordinatorView, client: KafkaClient, topic: string, partitions: number, needEnd: number[], signal: AbortSignal): Promise<{ offsets: number[]; inSync: boolean }> {
  const deadline = performance.now() + SETTLE_BOUND_MS;
  let inSync = false;
  while (!signal.aborted) {
    const s = await view.query();
    inSync = s !== null && fullyInSync(s);
    if (inSync || performance.now() > deadline) break;
    await sleep(200, signal);
  }
  let offsets: number[] = [];
  while (!signal.aborted) {
    offsets = await endOffsets(client, topic, partitions, deadline + FINAL_READ_BOUND_MS);
    if (offsets.every((o, p) => o >= needEnd[p]!) || performance.now() > deadline) break;
    await sleep(500, signal);
  }
  return { offsets, inSync };
}

/** ListOffsets latest of every partition (the high watermark; read_committed: the last stable offset), from its leader, with retries. */
export async function endOffsets(client: KafkaClient, topic: string, partitions: number, deadlineMs: number, isolation: IsolationLevel = 'read_uncommitted'): Promise<number[]> {
  const admin = new Admin(client);
  for (;;) {
    try {
      const latest = await admin.listOffsets(topic, 'latest', { timeoutMs: 5000, isolation });
      return Array.from({ length: partitions }, (_, p) => {
        const end = latest.get(p);
        if (end === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `no end offset for ${topic}-${p}`);
        return end;
      });
    } catch (err) {
      if (performance.now() > deadlineMs) throw new Error(`cannot get the end offsets of ${topic}: ${(err as Error).message}`);
      await sleep(200);
    }
  }
}

/** The final read: every partition from its start to `ends` with a fresh consumer at `isolation` (bounded in time). */
export async function readAll(client: KafkaClient, topic: string, ends: number[], signal: AbortSignal, isolation: IsolationLevel = 'read_uncommitted'): Promise<{ records: ReadRecord[]; incomplete: string | null }> {
  const consumer = new Consumer(client, { topic, start: 'earliest', isolation });
  const records: ReadRecord[] = [];
  const take = (rs: Awaited<ReturnType<Consumer['poll']>>) => {
    for (const r of rs) records.push({ partition: r.partition, offset: r.offset, value: r.value?.toString('utf8') ?? null });
  };
  const deadline = performance.now() + FINAL_READ_BOUND_MS;
  try {
    await consumer.start();
    const behind = () => ends.map((end, p) => ({ p, at: consumer.position(p) ?? 0, end })).filter((x) => x.at < x.end);
    while (behind().length > 0 && !signal.aborted) {
      if (performance.now() > deadline) {
        const b = behind().map((x) => `${topic}-${x.p} at ${x.at} of ${x.end}`).join(', ');
        take(await consumer.poll(0));
        return { records, incomplete: `the final read did not reach the end in ${FINAL_READ_BOUND_MS / 1000} s (${b})` };
      }
      take(await consumer.poll(500));
    }
    take(await consumer.poll(0));
    return { records, incomplete: null };
  } finally {
    await consumer.close();
  }
}
