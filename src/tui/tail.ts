import { Consumer, type StartPosition } from '../client/consumer.js';
import { sleep, type KafkaClient } from '../client/kafka-client.js';
import { printable } from './format.js';
import { leaderHighWatermarks } from './offsets.js';
import type { TailStart } from './ui-state.js';

export interface TailLine {
  id: number;
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  /** A marker line instead of a record: this many records were skipped to keep up. */
  skipped?: number;
}

export interface TailOptions {
  topic: string;
  start: TailStart;
  /** Records per partition shown before the live ones in `recent` mode, and after a skip. */
  recent?: number;
  /** A partition further behind its high watermark than this jumps ahead instead of reading everything. */
  skipAheadRecords?: number;
  /** The latest known high watermark of a partition (from the offsets poll). */
  highWatermark?: (partition: number) => number | undefined;
}

/**
 * A live tail of one topic for the consume pane: one group-less Consumer per partition (it
 * follows leader changes by itself), each started at its own offset. A person reads a few lines a
 * second, so the tail is cheap on purpose: small fetches, a pause between polls, and a jump to
 * near the end (with a marker line) when a partition runs far ahead, e.g. during `yak bench`.
 */
export class TopicTail {
  private stopped = false;
  private readonly consumers = new Set<Consumer>();
  private nextId = 1;

  constructor(
    private readonly client: KafkaClient,
    private readonly opts: TailOptions,
    private readonly onLines: (lines: TailLine[]) => void,
    private readonly onStatus: (status: string | null) => void,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.consumers) c.close();
  }

  private async run(): Promise<void> {
    const { topic } = this.opts;
    let partitions: { partition: number; leader: number }[] = [];
    while (!this.stopped) {
      try {
        await this.client.refreshMetadata([topic], false);
        partitions = this.client.partitions(topic) ?? [];
        if (partitions.length > 0) break;
        this.onStatus(`waiting for topic ${topic}`);
      } catch (err) {
        this.onStatus(`cannot read metadata: ${(err as Error).message}`);
      }
      await sleep(1000);
    }
    if (this.stopped) return;
    this.onStatus(null);
    await Promise.all(partitions.map(async (p) => this.partitionLoop(p.partition, await this.startPosition(p.partition, p.leader))));
  }

  private async startPosition(partition: number, leader: number): Promise<StartPosition> {
    if (this.opts.start === 'beginning') return 'earliest';
    if (this.opts.start === 'latest') return 'latest';
    try {
      const [hw] = await leaderHighWatermarks(this.client, leader, [{ topic: this.opts.topic, partition }], 3000);
      if (hw) return { offset: Math.max(0, hw.highWatermark - (this.opts.recent ?? 20)) };
    } catch {
      // the consumer finds its way from the log start
    }
    return 'earliest';
  }

  private async partitionLoop(partition: number, start: StartPosition): Promise<void> {
    const recent = this.opts.recent ?? 20;
    const skipAhead = this.opts.skipAheadRecords ?? 20_000;
    let position = start;
    while (!this.stopped) {
      const consumer = new Consumer(this.client, {
        topic: this.opts.topic,
        partitions: [partition],
        start: position,
        maxWaitMs: 500,
        partitionMaxBytes: 64 * 1024,
        maxBufferedRecords: 500,
      });
      this.consumers.add(consumer);
      try {
        await consumer.start();
        while (!this.stopped) {
          const records = await consumer.poll(500);
          if (records.length > 0) {
            this.onLines(
              records.slice(-200).map((r) => ({ id: this.nextId++, partition, offset: r.offset, key: r.key === null ? null : printable(r.key, 60), value: printable(r.value) })),
            );
          }
          const hw = this.opts.highWatermark?.(partition);
          const at = consumer.position(partition);
          if (hw !== undefined && at !== undefined && hw - at > skipAhead) {
            this.onLines([{ id: this.nextId++, partition, offset: at, key: null, value: '', skipped: hw - recent - at }]);
            position = { offset: hw - recent };
            break;
          }
          if (records.length > 0) await sleep(150);
        }
      } catch (err) {
        if (this.stopped) break;
        this.onStatus(`p${partition}: ${(err as Error).message}; retrying`);
        const at = consumer.position(partition);
        if (at !== undefined) position = { offset: at };
        await sleep(1000);
        this.onStatus(null);
      } finally {
        consumer.close();
        this.consumers.delete(consumer);
      }
    }
  }
}
