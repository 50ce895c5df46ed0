import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { Admin } from '../../client/admin.js';
import { Consumer } from '../../client/consumer.js';
import { sleep, type KafkaClient } from '../../client/kafka-client.js';
import { Producer, type ProducerRecord, type SendCallback } from '../../client/producer.js';
import { ClientCpu, ClusterUsage, LatencyHistogram, SendClock, SendTimes, Throttler, TurnClock, usageLine, type ClientUsage, type ProcessUsage } from '../bench-stats.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { compressionOption, parseAcks, parseCompression, withClient } from '../output.js';

interface ConsumeBenchArgs extends ClusterArgs {
  topic: string;
  records: number;
  json: boolean;
}

interface BenchArgs extends ConsumeBenchArgs {
  'record-size': number;
  partitions: number;
  acks: string;
  'batch-bytes': number;
  'linger-ms': number;
  compression: string;
  throughput: number;
}

/** What a bench run reports (stdout: one line, or this object with --json). */
export interface BenchResult {
  mode: 'produce' | 'consume' | 'e2e';
  records: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  /** Produce: send to acknowledgement; e2e: send to consume. */
  latency?: ReturnType<LatencyHistogram['summary']>;
  failed?: number;
  /** CPU and RSS of the local cluster's processes over the run (none without a cluster.json). */
  cluster: ProcessUsage[];
  /** This bench process's CPU over the run: the client's cost per record. */
  client: ClientUsage;
}

const MB = 1024 * 1024;

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
  if (!(args.throughput === -1 || (Number.isFinite(args.throughput) && args.throughput > 0))) throw new UserError(`--throughput must be records per second above 0, or -1 (unthrottled), got ${args.throughput}`, 2);
}

/** Progress lines go to stderr, so stdout holds only the result (a line, or JSON). */
const progress = (line: string) => process.stderr.write(line + '\n');

/** The result as the text line Kafka's perf tools print, or as JSON; then the cluster's usage on a line of its own. */
function report(args: { json: boolean }, result: BenchResult, line: string, out: (line: string) => void): void {
  if (args.json) return out(JSON.stringify(result));
  out(line);
  const usage = usageLine(result.cluster);
  if (usage) out(`cluster: ${usage}`);
  out(`client: ${result.client.cpuSeconds.toFixed(2)} s CPU, ${result.client.cpuUsPerRecord.toFixed(2)} µs per record`);
}

function latencyText(h: LatencyHistogram): string {
  return `${h.meanMs.toFixed(2)} ms avg latency, ${h.percentileMs(50).toFixed(2)} ms p50, ${h.percentileMs(95).toFixed(2)} ms p95, ${h.percentileMs(99).toFixed(2)} ms p99, ${h.percentileMs(99.9).toFixed(2)} ms p99.9, ${h.maxMs.toFixed(2)} ms max latency`;
}

/** Like kafka-producer-perf-test: fixed-size records as fast as the producer takes them (or at --throughput), per-record latency. */
export async function benchProduce(client: KafkaClient, args: BenchArgs, out: (line: string) => void): Promise<BenchResult> {
  await ensureTopic(client, args.topic, args.partitions);
  const producer = new Producer(client, { acks: parseAcks(args.acks), batchBytes: args['batch-bytes'], lingerMs: args['linger-ms'], compression: parseCompression(args.compression) });
  await producer.partitionsOf(args.topic);
  const value = Buffer.alloc(args['record-size'], 'x');
  const latency = await LatencyHistogram.create();
  const usage = new ClusterUsage(args.bootstrap ? undefined : args['data-dir']);
  const throttle = new Throttler(args.throughput);
  let failed = 0;
  let windowCount = 0;
  let windowLatency = 0;
  let windowMax = 0;
  const cpu = new ClientCpu();
  const start = performance.now();
  let windowStart = start;
  const ticker = setInterval(() => {
    const now = performance.now();
    const secs = (now - windowStart) / 1000;
    progress(`${windowCount} records acked, ${(windowCount / secs).toFixed(1)} records/sec (${((windowCount * args['record-size']) / secs / MB).toFixed(2)} MB/sec), ${(windowLatency / Math.max(windowCount, 1)).toFixed(1)} ms avg latency, ${windowMax.toFixed(1)} ms max latency`);
    windowStart = now;
    windowCount = 0;
    windowLatency = 0;
    windowMax = 0;
  }, 1000);
  // One record object and one callback for every record: the producer copies the record into its
  // batch at once, and each answer finds its record's send time in `sendTimes`. Its timestamp is
  // the send time's, so the producer reads no clock of its own per record.
  const record: ProducerRecord = { value, timestamp: 0 };
  const sendClock = new SendClock();
  const epochMs = performance.timeOrigin;
  const sendTimes = new SendTimes();
  const clock = new TurnClock();
  const onAnswer: SendCallback = (err, meta) => {
    const lat = clock.now() - sendTimes.shift(meta.partition);
    if (err) {
      failed++;
      return;
    }
    latency.recordMs(lat);
    windowCount++;
    windowLatency += lat;
    if (lat > windowMax) windowMax = lat;
  };
  for (let i = 0; i < args.records; i++) {
    const delayMs = throttle.delayMs(i);
    if (delayMs > 0) {
      await sleep(delayMs);
      sendClock.waited();
    }
    const sentAt = sendClock.next();
    record.timestamp = Math.floor(epochMs + sentAt);
    sendTimes.push(producer.send(args.topic, record, onAnswer), sentAt);
    if ((i & 1023) === 0) {
      await producer.capacity();
      sendClock.waited();
    }
  }
  await producer.flush();
  clearInterval(ticker);
  const seconds = (performance.now() - start) / 1000;
  const recordsPerSec = args.records / seconds;
  const mbPerSec = (args.records * args['record-size']) / seconds / MB;
  const result: BenchResult = { mode: 'produce', records: args.records, seconds, recordsPerSec, mbPerSec, latency: latency.summary(), failed, cluster: usage.since(), client: cpu.since(args.records) };
  report(args, result, `${args.records} records sent, ${recordsPerSec.toFixed(1)} records/sec (${mbPerSec.toFixed(2)} MB/sec), ${latencyText(latency)}` + (failed > 0 ? `, ${failed} FAILED` : ''), out);
  if (failed > 0) throw new UserError(`${failed} record(s) failed`);
  return result;
}

/** What a consume loop read: records, their key and value bytes, and when the last of them arrived (ms). */
export interface ConsumeTally {
  count: number;
  bytes: number;
  lastAtMs: number;
}

/**
 * Polls until `records` have arrived or a poll of 5 s brings none. The run ends at the last
 * record's arrival, as kafka-consumer-perf-test's does (its end time is taken before the consumer
 * closes): closing waits for the fetches in flight, and a partition read to its end is long-polling
 * there for up to maxWaitMs (500 ms), which made a 0.45 s read of 1M records report 0.95 s.
 */
export async function consumeRecords(consumer: Pick<Consumer, 'poll'>, records: number, clock: () => number = () => performance.now()): Promise<ConsumeTally> {
  const start = clock();
  let count = 0;
  let bytes = 0;
  let lastAtMs = start;
  let lastReport = start;
  let lastCount = 0;
  while (count < records) {
    const batch = await consumer.poll(5000);
    if (batch.length === 0) break;
    for (const r of batch) bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
    count += batch.length;
    const now = (lastAtMs = clock());
    if (now - lastReport >= 1000) {
      progress(`${count} records consumed, ${((count - lastCount) / ((now - lastReport) / 1000)).toFixed(1)} records/sec`);
      lastReport = now;
      lastCount = count;
    }
  }
  return { count, bytes, lastAtMs };
}

/** Like kafka-consumer-perf-test: reads the topic from the beginning until `records` have arrived. */
export async function benchConsume(client: KafkaClient, args: ConsumeBenchArgs, out: (line: string) => void): Promise<BenchResult> {
  const consumer = new Consumer(client, { topic: args.topic, start: 'earliest' });
  await consumer.start();
  const usage = new ClusterUsage(args.bootstrap ? undefined : args['data-dir']);
  const cpu = new ClientCpu();
  const start = performance.now();
  const { count, bytes, lastAtMs } = await consumeRecords(consumer, args.records);
  const seconds = (lastAtMs - start) / 1000;
  const rate = (n: number) => (seconds > 0 ? n / seconds : 0);
  const result: BenchResult = { mode: 'consume', records: count, seconds, recordsPerSec: rate(count), mbPerSec: rate(bytes / MB), cluster: usage.since(), client: cpu.since(count) };
  await consumer.close();
  report(args, result, `${count} records consumed in ${seconds.toFixed(2)} s, ${result.recordsPerSec.toFixed(1)} records/sec (${result.mbPerSec.toFixed(2)} MB/sec)`, out);
  if (count < args.records) throw new UserError(`only ${count} of ${args.records} records found in ${args.topic}`);
  return result;
}

/**
 * Like Kafka's EndToEndLatency: produces at --throughput (acks as --acks, linger 0 unless
 * --linger-ms says otherwise, as that tool sets) while a consumer on its own connection (so no fetch
 * long-poll holds a produce answer back) reads from the log end; the latency of a record is from its
 * send to its arrival at the consumer. Records are keyless, as that tool's are: the sticky
 * partitioner (KIP-480) puts each burst of the throttle into one batch of one partition, where
 * keyed records were hashed over all of them, each burst making a produce request, a commit and a
 * replication round on every leader (the cluster's CPU per record fell by a quarter and p50/p99 by
 * more). A record's value starts with its sequence number, which finds its send time. Kafka's
 * tool sets fetch.max.wait.ms=0 so that no fetch waits out its timer; here a waiting fetch is
 * answered in the turn the high watermark moves (Partition's wake-ups), which gives the same without
 * the consumer polling the brokers in a loop.
 */
export async function benchE2e(producerClient: KafkaClient, consumerClient: KafkaClient, args: BenchArgs, out: (line: string) => void): Promise<BenchResult> {
  await ensureTopic(producerClient, args.topic, args.partitions);
  const producer = new Producer(producerClient, { acks: parseAcks(args.acks), batchBytes: args['batch-bytes'], lingerMs: args['linger-ms'], compression: parseCompression(args.compression) });
  await producer.partitionsOf(args.topic);
  const consumer = new Consumer(consumerClient, { topic: args.topic, start: 'latest', maxWaitMs: 100 });
  await consumer.start();
  const value = Buffer.alloc(args['record-size'], 'x');
  const sentAt = new Float64Array(args.records);
  const latency = await LatencyHistogram.create();
  const usage = new ClusterUsage(args.bootstrap ? undefined : args['data-dir']);
  const throttle = new Throttler(args.throughput);
  let failed = 0;
  let received = 0;
  let producing = true;
  const consuming = (async () => {
    let idleSince = performance.now();
    while (received < args.records - failed) {
      const records = await consumer.poll(1000);
      const now = performance.now();
      for (const r of records) {
        const seq = r.value && r.value.length >= E2E_SEQUENCE_BYTES ? r.value.readUInt32BE(0) : -1;
        if (seq < 0 || seq >= args.records || sentAt[seq] === 0) continue;
        latency.recordMs(now - sentAt[seq]!);
        sentAt[seq] = 0;
        received++;
      }
      if (records.length > 0 || producing) idleSince = now;
      else if (now - idleSince > 10_000) break;
    }
  })();
  const cpu = new ClientCpu();
  const start = performance.now();
  let last = start;
  let lastReceived = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    progress(`${received - lastReceived} records end to end, ${((received - lastReceived) / ((now - last) / 1000)).toFixed(1)} records/sec, ${latency.percentileMs(99).toFixed(2)} ms p99 so far`);
    last = now;
    lastReceived = received;
  }, 1000);
  // One value buffer, record object and callback for every record: the producer copies the record
  // into its batch at once, so a buffer (and a closure) per record was garbage to collect and, the
  // callbacks all differing, made each batch keep an array of them.
  const record: ProducerRecord = { value };
  const onAnswer: SendCallback = (err) => {
    if (err) failed++;
  };
  for (let i = 0; i < args.records; i++) {
    const delayMs = throttle.delayMs(i);
    if (delayMs > 0) await sleep(delayMs);
    value.writeUInt32BE(i);
    sentAt[i] = performance.now();
    producer.send(args.topic, record, onAnswer);
    if ((i & 1023) === 0) await producer.capacity();
  }
  await producer.flush();
  producing = false;
  await consuming;
  clearInterval(ticker);
  await consumer.close();
  const seconds = (performance.now() - start) / 1000;
  const result: BenchResult = { mode: 'e2e', records: received, seconds, recordsPerSec: received / seconds, mbPerSec: (received * args['record-size']) / seconds / MB, latency: latency.summary(), failed, cluster: usage.since(), client: cpu.since(received) };
  report(args, result, `${received} records end to end, ${result.recordsPerSec.toFixed(1)} records/sec, ${latencyText(latency)}` + (failed > 0 ? `, ${failed} FAILED` : ''), out);
  if (failed > 0 || received < args.records) throw new UserError(`${args.records - received} record(s) not consumed${failed > 0 ? ` (${failed} failed to send)` : ''}`);
  return result;
}

/**
 * Producer linger of `bench e2e` unless --linger-ms says otherwise: 0, as Kafka's EndToEndLatency
 * sets linger.ms=0 explicitly, so what it measures is the path of a record, not the producer waiting
 * for more of them. `bench produce` keeps the producer's default (5 ms, Kafka's).
 */
const E2E_LINGER_MS = 0;
/** The bytes at the start of each `bench e2e` value that hold its sequence number (so --record-size is at least this). */
const E2E_SEQUENCE_BYTES = 4;

const producerOptions = (y: Argv, lingerMs = 5) =>
  y
    .options(clusterOptions)
    .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, default: 'yak-bench', describe: 'Topic to use (created if missing)' })
    .option('records', { alias: 'n', type: 'number', default: 1_000_000, describe: 'Number of records' })
    .option('record-size', { alias: 's', type: 'number', default: 100, describe: 'Value size in bytes' })
    .option('partitions', { type: 'number', default: 3, describe: 'Partitions if the topic is created' })
    // all, as `yak produce` and kafka-producer-perf-test (the producer's default acks since Kafka 3.0).
    .option('acks', { type: 'string', default: 'all', choices: ['0', '1', 'all', '-1'], describe: 'Acknowledgement level' })
    .option('batch-bytes', { type: 'number', default: 16384, describe: 'Producer batch size per partition' })
    .option('linger-ms', { type: 'number', default: lingerMs, describe: `Producer linger (linger.ms)${lingerMs === 0 ? ": 0, as Kafka's EndToEndLatency" : ''}` })
    .option('compression', compressionOption)
    .option('throughput', { type: 'number', default: -1, describe: 'Records per second to send at (-1: as fast as possible), as Kafka\'s perf tools' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object (with the cluster\'s CPU and RSS); progress stays on stderr' });

export const benchCommand: CommandModule = {
  command: 'bench <mode>',
  describe: 'Measure throughput and latency (produce, consume or e2e), like Kafka perf-test tools',
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
            .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object (with the cluster\'s CPU and RSS); progress stays on stderr' })
            .example('$0 bench consume -n 100000', 'Read back what `yak bench produce -n 100000` wrote') as Argv<ConsumeBenchArgs>,
        handler: (args) => {
          positive('records', args.records, 100_000_000);
          return withClient(connectClient(args, 'yak-bench'), async (client) => void (await benchConsume(client, args, (l) => process.stdout.write(l + '\n'))));
        },
      })
      .command<BenchArgs>({
        command: 'e2e',
        describe: 'Produce at --throughput while consuming, and report produce-to-consume latency percentiles (Kafka\'s EndToEndLatency: linger 0 by default)',
        builder: (c) => producerOptions(c, E2E_LINGER_MS) as Argv<BenchArgs>,
        handler: (args) => {
          checkBenchArgs(args);
          if (args['record-size'] < E2E_SEQUENCE_BYTES) throw new UserError(`--record-size must be at least ${E2E_SEQUENCE_BYTES} bytes for e2e (each value starts with its sequence number), got ${args['record-size']}`, 2);
          return withClient(connectClient(args, 'yak-bench'), (producerClient) =>
            withClient(connectClient(args, 'yak-bench-consumer'), async (consumerClient) => void (await benchE2e(producerClient, consumerClient, args, (l) => process.stdout.write(l + '\n')))),
          );
        },
      })
      .demandCommand(1, 'say which: produce, consume or e2e'),
  handler: () => undefined,
};
