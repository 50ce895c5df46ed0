import type { RecordMetadata } from '../client/producer.js';

/** What `yak produce` learned of one partition: how many records it acknowledged, and their offsets. */
export interface PartitionTally {
  partition: number;
  records: number;
  /** Offsets of the first and last record acknowledged there (-1 with acks=0: nothing answers). */
  firstOffset: number;
  lastOffset: number;
}

/** `yak produce --summary json`: the one object it prints on stdout at the end (README: "yak produce --summary json"). */
export interface ProduceSummaryJson {
  topic: string;
  acks: string;
  /** Records read from the input and handed to the producer. */
  sent: number;
  /** Of those, acknowledged by the cluster (with acks=0: written to the network). */
  acknowledged: number;
  failed: number;
  /** Neither acknowledged nor failed yet (only when it quit without waiting: Ctrl-C twice, SIGTERM, no answer). */
  unanswered: number;
  partitions: PartitionTally[];
  /** Stopped reading by Ctrl-C. */
  interrupted: boolean;
  /** Why it did not end cleanly (the first failed record, a malformed line), null if it did. */
  error: string | null;
}

/** The answers to one `yak produce`, counted as they come; read for its summary line or object. */
export class ProduceTally {
  sent = 0;
  failed = 0;
  firstError: Error | null = null;
  private readonly partitions = new Map<number, PartitionTally>();
  private acknowledgedCount = 0;

  acked(meta: RecordMetadata): void {
    this.acknowledgedCount++;
    const p = this.partitions.get(meta.partition);
    if (!p) this.partitions.set(meta.partition, { partition: meta.partition, records: 1, firstOffset: meta.offset, lastOffset: meta.offset });
    else {
      p.records++;
      p.firstOffset = Math.min(p.firstOffset, meta.offset);
      p.lastOffset = Math.max(p.lastOffset, meta.offset);
    }
  }

  failedWith(err: Error): void {
    this.failed++;
    this.firstError ??= err;
  }

  /** Records answered, either way: the interrupt watchdog waits for this to move. */
  answered(): number {
    return this.acknowledgedCount + this.failed;
  }

  /** The line on stderr: "acknowledged 3 of 3 record(s) to t (partition 0: 2, partition 1: 1), acks=all". */
  line(topic: string, acks: string): string {
    const where = this.byPartition().map((p) => `partition ${p.partition}: ${p.records}`).join(', ');
    const unanswered = this.sent - this.answered();
    return `${acks === '0' ? 'sent' : 'acknowledged'} ${this.acknowledgedCount} of ${this.sent} record(s) to ${topic}${where ? ` (${where})` : ''}, acks=${acks}${unanswered > 0 ? `; ${unanswered} not answered` : ''}`;
  }

  toJson(topic: string, acks: string, end: { interrupted: boolean; error: Error | null }): ProduceSummaryJson {
    return {
      topic,
      acks,
      sent: this.sent,
      acknowledged: this.acknowledgedCount,
      failed: this.failed,
      unanswered: this.sent - this.answered(),
      partitions: this.byPartition(),
      interrupted: end.interrupted,
      error: end.error?.message ?? null,
    };
  }

  private byPartition(): PartitionTally[] {
    return [...this.partitions.values()].sort((a, b) => a.partition - b.partition).map((p) => ({ ...p }));
  }
}
