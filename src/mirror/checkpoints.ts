import { ErrorCode, KafkaError } from '../common/errors.js';
import { mirrorCheckpointLoadTimeoutMs } from '../common/limits.js';
import { Admin } from '../client/admin.js';
import { Consumer } from '../client/consumer.js';
import type { KafkaClient } from '../client/kafka-client.js';
import type { Producer } from '../client/producer.js';
import { PartitionOffsetMap, type OffsetSegment } from './offset-map.js';

/**
 * The mirror's memory, kept on the destination (so a re-run from any machine knows it): a compacted
 * one-partition topic whose records say which destination offsets copied source records got. Key:
 * the source cluster's id, topic, partition and a segment's first source offset (so compaction keeps
 * each segment's latest length, and two source clusters mirrored into one destination never mix);
 * value: its destination offset and count. Plain JSON, readable with kcat.
 */
export const MIRROR_CHECKPOINT_TOPIC = '__yak_mirror';

interface CheckpointKey {
  cluster: string;
  topic: string;
  partition: number;
  source: number;
}

interface CheckpointValue {
  destination: number;
  count: number;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Creates the checkpoint topic on the destination if it is not there (compacted, kept forever). */
export async function ensureCheckpointTopic(destination: KafkaClient, brokerCount: number): Promise<void> {
  try {
    await new Admin(destination).createTopic(MIRROR_CHECKPOINT_TOPIC, 1, Math.min(3, brokerCount), { 'cleanup.policy': 'compact', 'retention.ms': '-1' });
  } catch (err) {
    if (!(err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
  }
}

/** Reads every checkpoint of `cluster` from the destination: topic-partition (`partitionKey`) -> its offset map. */
export async function loadCheckpoints(destination: KafkaClient, cluster: string): Promise<Map<string, PartitionOffsetMap>> {
  const end = (await new Admin(destination).listOffsets(MIRROR_CHECKPOINT_TOPIC, 'latest')).get(0) ?? 0;
  const segments = new Map<string, Map<number, OffsetSegment>>();
  const consumer = new Consumer(destination, { topic: MIRROR_CHECKPOINT_TOPIC, start: 'earliest' });
  try {
    await consumer.start();
    const deadline = Date.now() + mirrorCheckpointLoadTimeoutMs;
    while ((consumer.position(0) ?? 0) < end) {
      if (Date.now() > deadline) throw new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `reading ${MIRROR_CHECKPOINT_TOPIC} on the destination up to offset ${end}`);
      for (const r of await consumer.poll(200)) {
        const parsed = parseCheckpoint(r.key, r.value);
        if (!parsed || parsed.key.cluster !== cluster) continue;
        const k = partitionKey(parsed.key.topic, parsed.key.partition);
        const bySource = segments.get(k) ?? new Map<number, OffsetSegment>();
        bySource.set(parsed.key.source, { source: parsed.key.source, ...parsed.value });
        segments.set(k, bySource);
      }
    }
  } finally {
    await consumer.close();
  }
  return new Map([...segments].map(([k, bySource]) => [k, new PartitionOffsetMap([...bySource.values()])]));
}

/** Queues the segments a partition's copy added or grew as checkpoint records (the caller flushes). */
export function writeCheckpoints(producer: Producer, cluster: string, topic: string, partition: number, changed: OffsetSegment[]): void {
  for (const s of changed) {
    const key: CheckpointKey = { cluster, topic, partition, source: s.source };
    const value: CheckpointValue = { destination: s.destination, count: s.count };
    producer.send(MIRROR_CHECKPOINT_TOPIC, { partition: 0, key: Buffer.from(JSON.stringify(key)), value: Buffer.from(JSON.stringify(value)) });
  }
}

/** A checkpoint record, or null for one that is not (a record someone else wrote there is skipped, not fatal). */
function parseCheckpoint(key: Buffer | null, value: Buffer | null): { key: CheckpointKey; value: CheckpointValue } | null {
  if (!key || !value) return null;
  try {
    const k = JSON.parse(key.toString('utf8')) as CheckpointKey;
    const v = JSON.parse(value.toString('utf8')) as CheckpointValue;
    const whole = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
    if (typeof k.cluster !== 'string' || typeof k.topic !== 'string' || !whole(k.partition) || !whole(k.source) || !whole(v.destination) || !whole(v.count)) return null;
    return { key: k, value: v };
  } catch {
    return null;
  }
}
