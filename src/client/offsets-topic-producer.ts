import { offsetsTopicCloseFlushMs, offsetsTopicQuietWaitMs, offsetsTopicRetryBackoffMs } from '../common/limits.js';
import type { ConnectionSecurity } from '../net/connection.js';
import type { Logger } from '../common/logger.js';
import { CONSUMER_OFFSETS_TOPIC, INTERNAL_WRITER_CLIENT_ID } from '../common/topic-name.js';
import { KafkaClient, sleep } from './kafka-client.js';
import { Producer } from './producer.js';

interface OffsetsRecord {
  partition: number;
  key: Buffer;
  value: Buffer | null;
}

interface OffsetsCluster {
  ensureTopic(): string | null;
  brokers(): { host: string; port: number }[];
}

/**
 * The coordinator's writer of `__consumer_offsets` (coordinator/offsets-topic.ts makes the records):
 * an acks=all producer under Kafka's internal-writer client id, the only one brokers let
 * produce to the topic. `write` only queues, so a commit never waits for nor fails with the topic;
 * while the topic cannot be created (no live broker) or reached, records wait and the writer retries,
 * saying so once
 * if that lasts (`offsetsTopicQuietWaitMs`). Records keep their order per partition (one batch in flight per partition: maxInFlight 1), and each
 * group's records go to one partition, so a reader sees each group's changes in order.
 */
export class OffsetsTopicProducer {
  private readonly queue: OffsetsRecord[] = [];
  private producer: Producer | null = null;
  private client: KafkaClient | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private complained = false;

  constructor(
    private readonly cluster: OffsetsCluster,
    private readonly logger: Logger,
    /** How to reach the brokers when their listeners need TLS or SASL (the cluster's own principal). */
    private readonly security?: ConnectionSecurity,
  ) {}

  write(records: OffsetsRecord[]): void {
    if (this.closed || records.length === 0) return;
    // Straight to the producer once there is one; queued (in order) until then.
    if (this.producer && this.queue.length === 0) return this.send(this.producer, records);
    this.queue.push(...records);
    this.connecting ??= this.connectUntilDone().finally(() => (this.connecting = null));
  }

  private async connectUntilDone(): Promise<void> {
    const since = Date.now();
    while (!this.producer && !this.closed) if (!(await this.connect(since))) await sleep(offsetsTopicRetryBackoffMs);
    // In the same tick as the producer appears, so nothing written meanwhile overtakes the queue.
    if (this.producer) this.send(this.producer, this.queue.splice(0));
  }

  private send(producer: Producer, records: OffsetsRecord[]): void {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      try {
        producer.send(CONSUMER_OFFSETS_TOPIC, { key: r.key, value: r.value, partition: r.partition }, (err) => {
          if (err) this.complain(`a record for ${CONSUMER_OFFSETS_TOPIC}-${r.partition} was not written: ${err.message}`);
        });
      } catch {
        // The producer no longer knows the topic (deleted, being created again): this record and the
        // rest wait, in order, until it does. A throw here would fail the commit that wrote them.
        this.queue.unshift(...records.slice(i));
        this.connecting ??= this.relearnTopicThenSend(producer).finally(() => (this.connecting = null));
        return;
      }
    }
  }

  private async relearnTopicThenSend(producer: Producer): Promise<void> {
    for (;;) {
      if (this.closed) return;
      this.cluster.ensureTopic();
      try {
        await producer.partitionsOf(CONSUMER_OFFSETS_TOPIC);
        break;
      } catch (err) {
        this.complain(`${CONSUMER_OFFSETS_TOPIC} cannot be written yet (${(err as Error).message}); group changes wait and are retried`);
        await sleep(offsetsTopicRetryBackoffMs);
      }
    }
    this.send(producer, this.queue.splice(0));
  }

  /** Sets up the producer on the topic; false (said once) if the topic or a broker is not there yet. */
  private async connect(waitingSince: number): Promise<boolean> {
    const unavailable = (why: string) => {
      if (Date.now() - waitingSince >= offsetsTopicQuietWaitMs) this.complain(`${CONSUMER_OFFSETS_TOPIC} cannot be written yet (${why}); group changes wait and are retried`);
      return false;
    };
    const why = this.cluster.ensureTopic();
    const brokers = this.cluster.brokers();
    if (why !== null || brokers.length === 0) return unavailable(why ?? 'no live broker');
    const client = new KafkaClient({ bootstrap: brokers, clientId: INTERNAL_WRITER_CLIENT_ID, security: this.security });
    // Retried until written: a record given up would leave a reader a stale offset behind a newer one.
    // Not idempotent, on purpose: with one batch per partition in flight (maxInFlight 1) instead,
    // order holds, and a retry stored twice repeats a value next to itself, which a reader of this
    // key/value topic cannot tell from once. An idempotent producer's sequence numbers would instead
    // be refused for good by a recreated topic (OUT_OF_ORDER_SEQUENCE_NUMBER) and wedge the writer.
    const producer = new Producer(client, {
      acks: -1,
      idempotent: false,
      maxInFlight: 1,
      deliveryTimeoutMs: Number.MAX_SAFE_INTEGER,
      // If someone deleted the topic (Kafka lets an admin), it is created again and the records go on.
      onRetry: () => void this.cluster.ensureTopic(),
    });
    try {
      await producer.partitionsOf(CONSUMER_OFFSETS_TOPIC);
    } catch (err) {
      client.close();
      return unavailable((err as Error).message);
    }
    if (this.complained) this.logger.info(`${CONSUMER_OFFSETS_TOPIC} is written again`);
    this.complained = false;
    this.client = client;
    this.producer = producer;
    return true;
  }

  private complain(message: string): void {
    if (this.complained) return;
    this.complained = true;
    this.logger.warn(message);
  }

  /** Gives queued records a moment to get through, then stops. */
  async close(): Promise<void> {
    const flushed = (async () => {
      await this.connecting;
      await this.producer?.flush();
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([flushed, new Promise<void>((r) => (timer = setTimeout(r, offsetsTopicCloseFlushMs)))]);
    clearTimeout(timer);
    this.closed = true;
    this.client?.close();
  }
}
