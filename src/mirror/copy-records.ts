import { mirrorCheckpointEveryRecords, mirrorProgressIntervalMs } from '../common/limits.js';
import { Admin } from '../client/admin.js';
import { Consumer } from '../client/consumer.js';
import type { KafkaClient } from '../client/kafka-client.js';
import type { Producer } from '../client/producer.js';
import { partitionKey, writeCheckpoints } from './checkpoints.js';
import { PartitionOffsetMap } from './offset-map.js';

export interface CopyTopicOptions {
  source: KafkaClient;
  destination: KafkaClient;
  /** The destination's producer (idempotent, acks=all): records and checkpoints. */
  producer: Producer;
  topic: string;
  /** The source cluster's id, in every checkpoint's key. */
  cluster: string;
  /** Offset maps by `partitionKey`; the topic's partitions get theirs here if they had none. */
  maps: Map<string, PartitionOffsetMap>;
  stopping: () => boolean;
  say: (line: string) => void;
  /** For what stays so from pass to pass (a destination partition longer than its checkpoints). */
  sayOnce: (line: string) => void;
}

/**
 * Copies the records of `topic` the destination does not have yet: per partition, from past the last
 * copied one (the checkpoints say which; from the log start the first time) up to the source's last
 * stable offset as the pass began (read_committed: aborted transactions' records are not copied,
 * committed ones are, as plain records). Same partition, key, value, headers and timestamp; every
 * record's destination offset goes into the partition's offset map, which is checkpointed after
 * the records it names are acknowledged (acks=all), every `mirrorCheckpointEveryRecords` and at the end.
 * Returns the records copied per partition.
 */
export async function copyTopic(opts: CopyTopicOptions): Promise<Map<number, number>> {
  const { source, producer, topic, cluster, maps } = opts;
  const admin = new Admin(source);
  const ends = await admin.listOffsets(topic, 'latest', { isolation: 'read_committed' });
  const starts = await admin.listOffsets(topic, 'earliest');
  const copied = new Map<number, number>();
  const pending = new Map<number, number>();
  for (const [partition, end] of ends) {
    const k = partitionKey(topic, partition);
    if (!maps.has(k)) maps.set(k, new PartitionOffsetMap());
    const next = maps.get(k)!.nextSource;
    const start = starts.get(partition) ?? 0;
    if (next !== null && next > end) opts.sayOnce(`${topic}-${partition} on the source ends at offset ${end}, before the ${next} the mirror copied up to: was the topic re-created? Its new records are not copied until they pass that offset`);
    if (next !== null && next < start) opts.say(`${topic}-${partition}: offsets ${next} to ${start - 1} were deleted on the source (retention, trim) before they were copied`);
    const from = Math.max(next ?? start, start);
    if (from < end) pending.set(partition, from);
    copied.set(partition, 0);
  }
  await checkDestinationEnds(opts);
  if (pending.size === 0) return copied;
  // Offsets, not records: transaction markers and compacted records count too.
  const total = [...pending].reduce((n, [p, from]) => n + ends.get(p)! - from, 0);

  await producer.partitionsOf(topic);
  const consumer = new Consumer(source, { topic, partitions: [...pending.keys()], start: 'earliest', startOffsets: pending, isolation: 'read_committed' });
  let failure: Error | null = null;
  let sinceCheckpoint = 0;
  const checkpoint = async () => {
    await producer.flush();
    // A record not acknowledged is not in the map after it: checkpoint only what all made it.
    if (failure) throw failure;
    for (const partition of pending.keys()) writeCheckpoints(producer, cluster, topic, partition, maps.get(partitionKey(topic, partition))!.takeChanged());
    await producer.flush();
    sinceCheckpoint = 0;
  };
  let copiedTotal = 0;
  let saidAt = Date.now();
  try {
    await consumer.start();
    const done = () => [...pending.keys()].every((p) => consumer.returnedUpTo(p, ends.get(p)!));
    while (!done() && !opts.stopping()) {
      for (const r of await consumer.poll(200)) {
        if (r.offset >= ends.get(r.partition)!) continue; // past the pass's end: the next pass copies it
        const map = maps.get(partitionKey(topic, r.partition))!;
        producer.send(topic, { partition: r.partition, key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp }, (err, meta) => {
          if (err || !meta) return void (failure ??= err ?? new Error('no answer'));
          try {
            map.add(r.offset, meta.offset);
          } catch (e) {
            failure ??= e as Error;
          }
        });
        copied.set(r.partition, copied.get(r.partition)! + 1);
        copiedTotal++;
        sinceCheckpoint++;
      }
      if (failure) throw failure;
      if (sinceCheckpoint >= mirrorCheckpointEveryRecords) await checkpoint();
      else await producer.capacity();
      if (Date.now() - saidAt >= mirrorProgressIntervalMs) {
        saidAt = Date.now();
        opts.say(`topic ${topic}: ${copiedTotal} of about ${total} records copied`);
      }
    }
    await checkpoint();
  } finally {
    await consumer.close();
  }
  return copied;
}

/**
 * Says where a destination partition does not end where the checkpoints say the mirror's last record
 * went: records after it were written by someone else or by a run stopped between acknowledgement
 * and checkpoint (the mirror then copies those again: at-least-once); a partition ending before it
 * was emptied or re-created. Copying goes on either way: each record's offset map entry is the
 * offset the destination gave it.
 */
async function checkDestinationEnds(opts: CopyTopicOptions): Promise<void> {
  const ends = await new Admin(opts.destination).listOffsets(opts.topic, 'latest');
  for (const [partition, end] of ends) {
    const expected = opts.maps.get(partitionKey(opts.topic, partition))?.nextDestination ?? null;
    if (expected === null || end === expected) continue;
    const where = `${opts.topic}-${partition} on the destination ends at offset ${end}, the mirror's last checkpointed record there at ${expected - 1}`;
    opts.sayOnce(end > expected ? `${where}: ${end - expected} record(s) after it came from elsewhere, or from a run stopped before its checkpoint (copied again now)` : `${where}: was the topic emptied or re-created there? Records are copied on from where the source was left`);
  }
}
