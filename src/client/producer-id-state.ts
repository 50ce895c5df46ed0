import { ErrorCode, KafkaError } from '../common/errors.js';
import { InitProducerIdApi } from '../protocol/apis/init-producer-id.js';
import { sleep, type KafkaClient } from './kafka-client.js';

/**
 * An idempotent producer's id, epoch and next sequence number per partition (KIP-98; the idempotent
 * half of Kafka's TransactionManager, whose transactional half is `TransactionManager` here). The id
 * comes from InitProducerId, or from the transaction coordinator for a transactional producer
 * (`adopt`). A sequenced batch that fails for good leaves a gap (`gap`): its partition's next sequence
 * is one the broker will never see, so the Sender renews the id before sending more.
 */
export class ProducerIdState {
  producerId = -1;
  producerEpoch = -1;
  /** A sequenced batch failed for good: sequence numbers must start over under a new id or epoch. */
  gap = false;
  private readonly sequences = new Map<string, number>();
  private renewing = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly retryBackoffMs: number,
  ) {}

  get hasId(): boolean {
    return this.producerId >= 0;
  }

  /** A producer id and epoch given by the transaction coordinator: sequence numbers start over. */
  adopt(producerId: number, producerEpoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.sequences.clear();
    this.gap = false;
  }

  /** The base sequence of a partition's next batch of `recordCount` records, and the one after it (wrapping at 2^31, as Kafka's). */
  nextSequence(partitionKey: string, recordCount: number): number {
    const baseSequence = this.sequences.get(partitionKey) ?? 0;
    this.sequences.set(partitionKey, (baseSequence + recordCount) % 0x80000000);
    return baseSequence;
  }

  /** InitProducerId without a transactional id, retried while the answer is retriable. */
  async init(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.client.send(undefined, InitProducerIdApi, 1, { transactionalId: null, transactionTimeoutMs: -1 });
      if (res.errorCode === ErrorCode.NONE) {
        this.producerId = res.producerId;
        this.producerEpoch = res.producerEpoch;
        return;
      }
      if (!new KafkaError(res.errorCode).retriable || attempt >= 50) throw new KafkaError(res.errorCode, 'getting a producer id');
      await sleep(this.retryBackoffMs);
    }
  }

  /**
   * After a gap: a new producer id with fresh sequences, as Kafka's idempotent producer resets its
   * producer id. Resolves false if a renewal is already under way (its caller drains after it).
   */
  async renew(): Promise<boolean> {
    if (this.renewing) return false;
    this.renewing = true;
    try {
      await this.init();
      this.sequences.clear();
      this.gap = false;
      return true;
    } finally {
      this.renewing = false;
    }
  }
}
