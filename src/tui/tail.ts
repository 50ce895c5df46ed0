import { Consumer } from '../client/consumer.js';
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
 * A live tail of one topic for the consume pane: one group-less Consumer for all its partitions (it
 * fetches from each leader with one request for the partitions there, and follows leader changes by
 * itself), each partition started at its own offset. A 1000-partition topic then costs a fetch per
 * leader, not one per partition. A person reads a few lines a second, so the tail is cheap on
 * purpose: small fetches, a pause between polls, and a jump to near the end (with a marker line) when
 * a partition runs far ahead, e.g. during `yak bench`.
 */
export class TopicTail {
  private stopped = false;
  private consumer: Consumer | null = null;
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

  /** Stops the tail; resolves once its consumer closed its fetch sessions (then the client may close). */
  stop(): Promise<void> {
    this.stopped = true;
    return this.consumer?.close() ?? Promise.resolve();
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
    await this.follow(partitions.map((p) => p.partition), await this.startOffsets(partitions));
  }

  /** Where `recent` starts each partition: a few records before its high watermark (one ListOffsets per leader). */
  private async startOffsets(partitions: { partition: number; leader: number }[]): Promise<Map<number, number>> {
    const starts = new Map<number, number>();
    if (this.opts.start !== 'recent') return starts;
    const byLeader = new Map<number, { topic: string; partition: number }[]>();
    for (const p of partitions) byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), { topic: this.opts.topic, partition: p.partition }]);
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        try {
          for (const hw of await leaderHighWatermarks(this.client, leader, list, 3000)) starts.set(hw.partition, Math.max(0, hw.highWatermark - (this.opts.recent ?? 20)));
        } catch {
          // those partitions start at their log start
        }
      }),
    );
    return starts;
  }

  private async follow(partitions: number[], startOffsets: Map<number, number>): Promise<void> {
    const recent = this.opts.recent ?? 20;
    const skipAhead = this.opts.skipAheadRecords ?? 20_000;
    while (!this.stopped) {
      const consumer = new Consumer(this.client, {
        topic: this.opts.topic,
        partitions,
        start: this.opts.start === 'latest' ? 'latest' : 'earliest',
        startOffsets,
        // A leader answers as soon as a record arrives; the wait only bounds how often an idle topic is
        // asked again (a fetch of every partition, per leader) and how late a move of leadership is seen.
        maxWaitMs: 2000,
        fetchMaxBytes: 1024 * 1024,
        partitionMaxBytes: 64 * 1024,
        maxBufferedRecords: 500,
      });
      this.consumer = consumer;
      try {
        await consumer.start();
        let skipped = false;
        while (!this.stopped && !skipped) {
          const records = await consumer.poll(500);
          if (records.length > 0) {
            this.onLines(
              records.slice(-200).map((r) => ({ id: this.nextId++, partition: r.partition, offset: r.offset, key: r.key === null ? null : printable(r.key, 60), value: printable(r.value) })),
            );
          }
          // Where every partition is now, so a restart (after a skip or an error) resumes each one.
          for (const p of partitions) {
            const at = consumer.position(p);
            if (at !== undefined) startOffsets.set(p, at);
          }
          for (const p of partitions) {
            const hw = this.opts.highWatermark?.(p);
            const at = consumer.position(p);
            if (hw !== undefined && at !== undefined && hw - at > skipAhead) {
              this.onLines([{ id: this.nextId++, partition: p, offset: at, key: null, value: '', skipped: hw - recent - at }]);
              startOffsets.set(p, hw - recent);
              skipped = true;
            }
          }
          if (records.length > 0) await sleep(150);
        }
      } catch (err) {
        if (this.stopped) break;
        this.onStatus(`${(err as Error).message}; retrying`);
        await sleep(1000);
        this.onStatus(null);
      } finally {
        void consumer.close();
        if (this.consumer === consumer) this.consumer = null;
      }
    }
  }
}
