import { ErrorCode, KafkaError } from '../common/errors.js';
import { InternalApi } from '../protocol/internal-api.js';
import type { CoordinatorLink } from './coordinator-link.js';

const BLOCK_SIZE = 1000;
const REFILL_BELOW = 100;

/**
 * Producer ids handed out by this broker (Kafka's KIP-730): blocks reserved from the coordinator
 * ahead of need, so InitProducerId keeps working while the coordinator restarts.
 */
export class ProducerIdBlocks {
  private readonly blocks: { next: number; end: number }[] = [];
  private refilling: Promise<void> | null = null;

  constructor(private readonly coordinator: CoordinatorLink) {}

  private get remaining(): number {
    return this.blocks.reduce((n, b) => n + (b.end - b.next), 0);
  }

  async nextId(): Promise<number> {
    while (this.blocks[0] && this.blocks[0].next >= this.blocks[0].end) this.blocks.shift();
    if (this.blocks.length === 0) await this.refill();
    const block = this.blocks[0]!;
    const id = block.next++;
    if (this.remaining < REFILL_BELOW) this.refill().catch(() => undefined);
    return id;
  }

  /** Reserves another block (one request at a time). */
  refill(): Promise<void> {
    this.refilling ??= this.coordinator
      .call(InternalApi.AllocateProducerIds, { count: BLOCK_SIZE })
      .then((res) => {
        if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, 'allocating producer ids');
        this.blocks.push({ next: res.firstId, end: res.firstId + res.count });
      })
      .finally(() => (this.refilling = null));
    return this.refilling;
  }
}
