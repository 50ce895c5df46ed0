/**
 * Regenerates the fuzzers' seed corpus, test/fixtures/requests.json: real request frames sent by kcat
 * (librdkafka) and kafkajs to a real 3-broker cluster, recorded by a TCP proxy in front of each broker,
 * plus YaK's own control-plane frames (coordinator and supervisor ports).
 *
 *   npm run build && node --import tsx test/fuzz/capture-requests.ts
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { apiByKey } from '../../src/protocol/apis/index.js';
import { runProcess } from '../helpers/wire.js';
import { startCluster } from '../helpers/cluster.js';
import { startRecordingProxies } from '../helpers/recording-proxy.js';
import { controlPlaneSeeds, FIXTURE, unrecordedKafkaSeeds, type SeedFrame } from './seeds.js';

/** Frames kept per (source, API, version): a few bodies of each shape keep the file small. */
const SAMPLES_PER_VERSION = 3;
/** Larger frames (big produce batches) add bytes to the fixture but no new shapes. */
const MAX_SEED_FRAME_BYTES = 4096;

async function main(): Promise<void> {
  const cluster = await startCluster({ brokers: 3 });
  const kept = new Map<string, SeedFrame[]>();
  let source = 'kcat';
  const record = (frame: Buffer) => {
    if (frame.length > MAX_SEED_FRAME_BYTES) return;
    const apiKey = frame.readInt16BE(4);
    const apiVersion = frame.readInt16BE(6);
    const key = `${source}/${apiKey}/${apiVersion}`;
    const list = kept.get(key) ?? [];
    if (list.length >= SAMPLES_PER_VERSION) return;
    const hex = frame.toString('hex');
    // Correlation ids differ between otherwise equal frames: compare without them.
    const same = (a: string) => a.slice(0, 16) + a.slice(24) === hex.slice(0, 16) + hex.slice(24);
    if (list.some((s) => same(s.hex))) return;
    list.push({ source, api: apiByKey(apiKey)?.name ?? `key ${apiKey}`, apiKey, apiVersion, hex });
    kept.set(key, list);
  };
  const proxies = await startRecordingProxies(cluster, record);
  const bootstrap = proxies.bootstrap;
  try {
    await captureKcat(bootstrap.join(','));
    source = 'kafkajs';
    await captureKafkajs(bootstrap);
  } finally {
    proxies.close();
    await cluster.destroy();
  }
  const captured = [...kept.values()].flat();
  const frames = captured.concat(unrecordedKafkaSeeds(), controlPlaneSeeds(captured));
  fs.mkdirSync(new URL('../fixtures/', import.meta.url), { recursive: true });
  fs.writeFileSync(FIXTURE, JSON.stringify(frames, null, 1) + '\n');
  const apis = new Set(frames.map((f) => `${f.source} ${f.api} v${f.apiVersion}`));
  console.log(`wrote ${frames.length} frames (${apis.size} source/API/version shapes) to ${FIXTURE}`);
}

async function captureKcat(bootstrap: string): Promise<void> {
  const kcat = async (args: string[], input?: string) => {
    const res = await runProcess('/usr/bin/kcat', ['-b', bootstrap, ...args], { input, timeoutMs: 30_000 });
    if (res.code !== 0) throw new Error(`kcat ${args.join(' ')}: ${res.stderr}`);
  };
  const lines = Array.from({ length: 50 }, (_, i) => `k${i % 5}:value ${i}`).join('\n') + '\n';
  await kcat(['-L']);
  await kcat(['-P', '-t', 'seed-kcat', '-K:'], lines);
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) await kcat(['-P', '-t', 'seed-kcat', '-K:', '-z', codec], lines);
  await kcat(['-C', '-t', 'seed-kcat', '-o', 'beginning', '-e', '-q']);
  await kcat(['-Q', '-t', `seed-kcat:0:${Date.now() - 60_000}`]);
  // A balanced consumer: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup.
  await kcat(['-G', 'seed-kcat-group', 'seed-kcat', '-o', 'beginning', '-e', '-q', '-X', 'enable.auto.commit=true', '-X', 'auto.commit.interval.ms=100']);
}

async function captureKafkajs(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'seed-kafkajs', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = 'seed-kafkajs';
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }, { topic: 'seed-doomed', numPartitions: 1 }] });
  await admin.createPartitions({ topicPartitions: [{ topic: 'seed-doomed', count: 2 }] });
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
  await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
  await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: '1' }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const messages = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: `kafkajs value ${i}`, headers: { h: 'x' } }));
  await producer.send({ topic, messages, acks: -1 });
  await producer.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP });
  await producer.send({ topic, messages: messages.slice(0, 2), acks: 1 });
  await producer.disconnect();
  const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await idempotent.connect();
  await idempotent.send({ topic, messages: messages.slice(0, 5), acks: -1 });
  await idempotent.disconnect();
  await admin.fetchTopicOffsets(topic);
  await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 60_000);
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '1' }] });
  await admin.fetchTopicMetadata({ topics: [topic] });

  const groupId = 'seed-kafkajs-group';
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommitInterval: 50,
        eachMessage: async () => {
          if (++seen >= 30) resolve();
        },
      })
      .catch(reject);
  });
  await new Promise((r) => setTimeout(r, 500)); // a few heartbeats and commits
  await consumer.disconnect();
  await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.describeGroups([groupId]);
  await admin.listGroups();
  await admin.deleteGroups([groupId]);
  await admin.deleteTopics({ topics: ['seed-doomed'] });
  await admin.disconnect();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
