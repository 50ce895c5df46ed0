/**
 * Kafka's default partitioner for keyed records: murmur2 of the key bytes, sign bit cleared, modulo
 * the partition count (`Utils.murmur2` / `toPositive` in Kafka's Java client). kafkajs's
 * DefaultPartitioner and librdkafka's murmur2 partitioner agree, so a key lands where they would put it.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (seed ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) | ((data[i4 + 1]! & 0xff) << 8) | ((data[i4 + 2]! & 0xff) << 16) | ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const index = length4 * 4;
  const tail = length % 4;
  if (tail === 3) h ^= (data[index + 2]! & 0xff) << 16;
  if (tail >= 2) h ^= (data[index + 1]! & 0xff) << 8;
  if (tail >= 1) {
    h ^= data[index]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/**
 * Keyless records: sticky partitioning (KIP-480), as Kafka 2.4+ clients do: stay on one partition for
 * a whole batch, then move on. Keeps batches full instead of spraying one record per partition.
 */
export class StickyPartitioner {
  private readonly current = new Map<string, number>();

  next(topic: string, partitionCount: number): number {
    let p = this.current.get(topic);
    if (p === undefined || p >= partitionCount) this.current.set(topic, (p = Math.floor(Math.random() * partitionCount)));
    return p;
  }

  /**
   * The batch for `partition` of `topic` was closed (full, or its linger expired): if that is the
   * sticky partition, keyless records move on to the next one (KIP-480), so a slow trickle of
   * records spreads over the partitions as it does with a Kafka producer.
   */
  batchClosed(topic: string, partition: number, partitionCount: number): void {
    if (this.current.get(topic) === partition) this.current.set(topic, (partition + 1) % partitionCount);
  }
}
