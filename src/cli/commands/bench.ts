import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { Admin } from '../../client/admin.js';
import { Consumer } from '../../client/consumer.js';
import type { KafkaClient } from '../../client/kafka-client.js';
import { Producer } from '../../client/producer.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { compressionOption, parseAcks, parseCompression, withClient } from '../output.js';

interface ConsumeBenchArgs extends ClusterArgs {
  topic: string;
  records: number;
}

interface BenchArgs extends ConsumeBenchArgs {
  'record-size': number;
  partitions: number;
  acks: string;
  'batch-bytes': number;
  'linger-ms': number;
  compression: string;
}

const MB = 1024 * 1024;

/** Percentile of sorted values (nearest rank). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function ensureTopic(client: KafkaClient, topic: string, partitions: number): Promise<void> {
  const admin = new Admin(client);
  const existing = await admin.listTopics();
  if (!existing.some((t) => t.name === topic)) await admin.createTopic(topic, partitions, -1);
}

const positive = (name: string, v: number, max: number) => {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new UserError(`--${name} must be a whole number from 1 to ${max}, got ${v}`, 2);
};

/** Sizes and counts a bench can run with; a usage error (exit 2) otherwise. */
function checkBenchArgs(args: BenchArgs): void {
  positive('records', args.records, 100_000_000);
  positive('batch-bytes', args['batch-bytes'], 64 * 1024 * 1024);
  positive('partitions', args.partitions, 1000);
  if (!Number.isInteger(args['record-size']) || args['record-size'] < 0 || args['record-size'] > 100 * 1024 * 1024) throw new UserError(`--record-size must be from 0 to ${100 * 1024 * 1024} bytes, got ${args['record-size']}`, 2);
  if (!(args['linger-ms'] >= 0)) throw new UserError(`--linger-ms must be 0 or more, got ${args['linger-ms']}`, 2);
  parseCompression(args.compression);
}

/** Like kafka-producer-perf-test: fixed-size records as fast as the producer takes them, per-record latency. */
export async function benchProduce(client: KafkaClient, args: BenchArgs, out: (line: string) => void): Promise<{ recordsPerSec: number; mbPerSec: number; p99Ms: number }> {
  await ensureTopic(client, args.topic, args.partitions);
  const producer = new Producer(client, { acks: parseAcks(args.acks), batchBytes: args['batch-bytes'], lingerMs: args['linger-ms'], compression: parseCompression(args.compression) });
  await producer.partitionsOf(args.topic);
  const value = Buffer.alloc(args['record-size'], 'x');
  const latencies = new Float64Array(args.records);
  let acked = 0;
  let failed = 0;
  let windowCount = 0;
  let windowLatency = 0;
  let windowMax = 0;
  const start = performance.now();
  let windowStart = start;
  const progress = setInterval(() => {
    const now = performance.now();
    const secs = (now - windowStart) / 1000;
    out(`${windowCount} records acked, ${(windowCount / secs).toFixed(1)} records/sec (${((windowCount * args['record-size']) / secs / MB).toFixed(2)} MB/sec), ${(windowLatency / Math.max(windowCount, 1)).toFixed(1)} ms avg latency, ${windowMax.toFixed(1)} ms max latency`);
    windowStart = now;
    windowCount = 0;
    windowLatency = 0;
    windowMax = 0;
  }, 1000);
  for (let i = 0; i < args.records; i++) {
    const sentAt = performance.now();
    producer.send(args.topic, { value }, (err) => {
      if (err) {
        failed++;
        return;
      }
      const lat = performance.now() - sentAt;
      latencies[acked++] = lat;
      windowCount++;
      windowLatency += lat;
      if (lat > windowMax) windowMax = lat;
    });
    if ((i & 1023) === 0) await producer.capacity();
  }
  await producer.flush();
  clearInterval(progress);
  const secs = (performance.now() - start) / 1000;
  const sorted = latencies.subarray(0, acked).sort();
  let sum = 0;
  for (const l of sorted) sum += l;
  const recordsPerSec = args.records / secs;
  const mbPerSec = (args.records * args['record-size']) / secs / MB;
  out(
    `${args.records} records sent, ${recordsPerSec.toFixed(1)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ` +
      `${(sum / Math.max(acked, 1)).toFixed(2)} ms avg latency, ${percentile(sorted, 50).toFixed(2)} ms p50, ` +
      `${percentile(sorted, 99).toFixed(2)} ms p99, ${percentile(sorted, 100).toFixed(2)} ms max latency` + (failed > 0 ? `, ${failed} FAILED` : ''),
  );
  if (failed > 0) throw new UserError(`${failed} record(s) failed`);
  return { recordsPerSec, mbPerSec, p99Ms: percentile(sorted, 99) };
}

/** Like kafka-consumer-perf-test: reads the topic from the beginning until `records` have arrived. */
export async function benchConsume(client: KafkaClient, args: ConsumeBenchArgs, out: (line: string) => void): Promise<void> {
  const consumer = new Consumer(client, { topic: args.topic, start: 'earliest' });
  await consumer.start();
  const start = performance.now();
  let count = 0;
  let bytes = 0;
  let lastReport = start;
  let lastCount = 0;
  while (count < args.records) {
    const records = await consumer.poll(5000);
    if (records.length === 0) break;
    for (const r of records) bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
    count += records.length;
    const now = performance.now();
    if (now - lastReport >= 1000) {
      out(`${count} records consumed, ${((count - lastCount) / ((now - lastReport) / 1000)).toFixed(1)} records/sec`);
      lastReport = now;
      lastCount = count;
    }
  }
  consumer.close();
  const secs = (performance.now() - start) / 1000;
  out(`${count} records consumed in ${secs.toFixed(2)} s, ${(count / secs).toFixed(1)} records/sec (${(bytes / secs / MB).toFixed(2)} MB/sec)`);
  if (count < args.records) throw new UserError(`only ${count} of ${args.records} records found in ${args.topic}`);
}

const producerOptions = (y: Argv) =>
  y
    .options(clusterOptions)
    .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, default: 'yak-bench', describe: 'Topic to use (created if missing)' })
    .option('records', { alias: 'n', type: 'number', default: 1_000_000, describe: 'Number of records' })
    .option('record-size', { alias: 's', type: 'number', default: 100, describe: 'Value size in bytes' })
    .option('partitions', { type: 'number', default: 3, describe: 'Partitions if the topic is created' })
    .option('acks', { type: 'string', default: '1', choices: ['0', '1', 'all', '-1'], describe: 'Acknowledgement level' })
    .option('batch-bytes', { type: 'number', default: 16384, describe: 'Producer batch size per partition' })
    .option('linger-ms', { type: 'number', default: 5, describe: 'Producer linger' })
    .option('compression', compressionOption);

export const benchCommand: CommandModule = {
  command: 'bench <mode>',
  describe: 'Measure throughput and latency (produce or consume), like Kafka perf-test tools',
  builder: (y: Argv) =>
    y
      .command<BenchArgs>({
        command: 'produce',
        describe: 'Produce --records records of --record-size bytes and report records/s, MB/s and latency',
        builder: (c) => producerOptions(c).example('$0 bench produce -n 100000 -s 1024 --acks all', '100,000 records of 1 KiB, each acknowledged by every in-sync replica') as Argv<BenchArgs>,
        handler: (args) => {
          checkBenchArgs(args);
          return withClient(connectClient(args, 'yak-bench'), async (client) => void (await benchProduce(client, args, (l) => process.stdout.write(l + '\n'))));
        },
      })
      .command<ConsumeBenchArgs>({
        command: 'consume',
        describe: 'Read --records records from the beginning and report records/s and MB/s',
        builder: (c) =>
          c
            .options(clusterOptions)
            .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, default: 'yak-bench', describe: 'Topic to read (as written by yak bench produce)' })
            .option('records', { alias: 'n', type: 'number', default: 1_000_000, describe: 'Stop after this many records (fails when the topic holds fewer)' })
            .example('$0 bench consume -n 100000', 'Read back what `yak bench produce -n 100000` wrote') as Argv<ConsumeBenchArgs>,
        handler: (args) => {
          positive('records', args.records, 100_000_000);
          return withClient(connectClient(args, 'yak-bench'), (client) => benchConsume(client, args, (l) => process.stdout.write(l + '\n')));
        },
      })
      .demandCommand(1, 'say which: produce or consume'),
  handler: () => undefined,
};
