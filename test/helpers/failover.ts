import { execFileSync } from 'node:child_process';
import * as assert from 'uvu/assert';
import type { ClusterMetadata, PartitionState } from '../../src/common/cluster-types.js';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import { Admin } from '../../src/client/admin.js';
import { Consumer, type ConsumedRecord } from '../../src/client/consumer.js';
import { KafkaClient, parseBootstrap } from '../../src/client/kafka-client.js';
import { Producer, type ProducerOptions } from '../../src/client/producer.js';
import { connectToCluster } from '../../src/net/cluster-auth.js';
import { Connection } from '../../src/net/connection.js';
import { ListOffsetsApi } from '../../src/protocol/apis/list-offsets.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { readClusterFile } from '../../src/client/cluster-file.js';
import { startCluster, type TestCluster } from './cluster.js';

/** Shared helpers for the failover and replication integration tests (no tests of its own). */

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined/null/false, and
 * returns that. A probe that throws counts as "not yet" (a process may be down). After `timeoutMs`
 * it fails, naming what it waited for and the last value or error seen.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown = undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${opts.timeoutMs ?? 15_000} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(opts.intervalMs ?? 50);
  }
}

/** The coordinator's own view (leaders, ISR, leader epochs, broker sessions), asked directly. */
export async function coordinatorMetadata(cluster: TestCluster, timeoutMs = 2000): Promise<ClusterMetadata> {
  const c = cluster.file.coordinator;
  const conn = await connectToCluster(c.host, c.port, cluster.supervisor.clusterSecret, { clientId: 'failover-test', connectTimeoutMs: timeoutMs });
  try {
    return await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: -1, maxWaitMs: 0 }, { timeoutMs });
  } finally {
    conn.close();
  }
}

export function partitionOf(md: ClusterMetadata, topic: string, partition: number): PartitionState {
  const p = md.topics.find((t) => t.name === topic)?.partitions[partition];
  if (!p) throw new Error(`no ${topic}-${partition} in the coordinator's metadata (version ${md.version})`);
  return p;
}

export function brokerState(md: ClusterMetadata, id: number): string | undefined {
  return md.brokers.find((b) => b.id === id)?.state;
}

/** Pids of processes whose command line mentions `text` (the cluster's data dir): none may outlive a test. */
export function processesMentioning(text: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** A failover suite's cluster: 3 brokers with the given session timeout, and one topic. */
export async function clusterWithTopic(sessionTimeoutMs: number, topic: string, partitions: number, replicationFactor: number): Promise<TestCluster> {
  const cluster = await startCluster({ brokers: 3, sessionTimeoutMs });
  await createTopic(cluster.bootstrap, topic, partitions, replicationFactor);
  return cluster;
}

/** A suite's after hook: stops the cluster and checks that none of its processes is left. */
export async function destroyAndCheck(cluster: TestCluster | undefined): Promise<void> {
  if (!cluster) return;
  const dataDir = cluster.dataDir;
  await cluster.destroy();
  await assertNoProcessesLeft(dataDir);
}

export async function assertNoProcessesLeft(dataDir: string): Promise<void> {
  // stop() resolves once every child has exited; give the kernel a moment to reap them.
  const left = await waitFor(`no process mentioning ${dataDir}`, () => (processesMentioning(dataDir).length === 0 ? true : null), { timeoutMs: 5000 }).catch(() => null);
  assert.ok(left, `processes left behind: ${processesMentioning(dataDir).join(', ')}`);
}

export function clientFor(bootstrap: string, clientId = 'failover-test'): KafkaClient {
  return new KafkaClient({ bootstrap: parseBootstrap(bootstrap), clientId, requestTimeoutMs: 10_000 });
}

/** Clients of a test file's cluster, made by id as tests need them and closed together in its `after`. */
export function clientPool(bootstrap: () => string): { client(id: string): KafkaClient; closeAll(): void } {
  const clients: KafkaClient[] = [];
  return {
    client(id) {
      const c = clientFor(bootstrap(), id);
      clients.push(c);
      return c;
    },
    closeAll() {
      for (const c of clients.splice(0)) c.close();
    },
  };
}

/** Creates a topic through a broker (CreateTopics), failing the test on any error. */
export async function createTopic(bootstrap: string, name: string, partitions: number, replicationFactor: number, configs: Record<string, string> = {}): Promise<void> {
  const client = clientFor(bootstrap);
  try {
    await new Admin(client).createTopic(name, partitions, replicationFactor, configs);
  } finally {
    client.close();
  }
}

/** Bootstrap string of some brokers of the cluster (e.g. the ones not paused). */
export function bootstrapOf(cluster: TestCluster, ids: number[]): string {
  return cluster.file.brokers
    .filter((b) => ids.includes(b.id))
    .map((b) => `${b.host}:${b.port}`)
    .join(',');
}

export async function connectTo(cluster: TestCluster, id: number, requestTimeoutMs = 10_000): Promise<Connection> {
  const b = cluster.file.brokers.find((x) => x.id === id);
  if (!b) throw new Error(`no broker ${id}`);
  return Connection.connect(b.host, b.port, { clientId: `failover-test-to-${id}`, requestTimeoutMs });
}

/** One Produce v7 request with one non-idempotent batch of `values`; returns the partition's answer. */
export async function produceRaw(conn: Connection, topic: string, partition: number, values: string[], acks: 0 | 1 | -1, timeoutMs = 5000): Promise<{ errorCode: number; baseOffset: number }> {
  const records = encodeRecordBatch(values.map((v) => ({ key: null, value: Buffer.from(v), timestamp: Date.now() })));
  const res = await conn.request(
    ProduceApi,
    7,
    { transactionalId: null, acks, timeoutMs, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] },
    { timeoutMs: timeoutMs + 10_000 },
  );
  const p = res.responses[0]!.partitionResponses[0]!;
  return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset) };
}

/** Produces `values` to one partition with acks=all through an idempotent Producer (it retries until a leader takes them). */
export async function produceAcked(bootstrap: string, topic: string, partition: number, values: string[], deliveryTimeoutMs: number): Promise<void> {
  const client = clientFor(bootstrap);
  try {
    const producer = new Producer(client, { acks: -1, requestTimeoutMs: 5000, deliveryTimeoutMs });
    await producer.partitionsOf(topic);
    await Promise.all(values.map((v) => producer.sendAsync(topic, { value: Buffer.from(v), partition })));
  } finally {
    client.close();
  }
}

export function assertProduced(r: { errorCode: number }, what: string): void {
  assert.is(r.errorCode, ErrorCode.NONE, `${what}: ${errorName(r.errorCode)}`);
}

export interface Ack {
  seq: number;
  partition: number;
  offset: number;
  atMs: number;
}

/**
 * A steady stream of sequence-numbered records (value = the sequence number) from YaK's own
 * Producer, partition = seq mod partitions, so each partition's values must come back increasing.
 */
export class SequencedProducer {
  readonly client: KafkaClient;
  readonly producer: Producer;
  readonly acked: Ack[] = [];
  readonly failed: { seq: number; error: string }[] = [];
  next = 0;
  /** Bytes of padding each record sent from now on carries, in a header (its value stays the sequence number). */
  padBytes = 0;

  constructor(
    bootstrap: string,
    readonly topic: string,
    readonly partitions: number,
    opts: ProducerOptions = {},
  ) {
    this.client = clientFor(bootstrap, 'sequenced-producer');
    this.producer = new Producer(this.client, { acks: -1, lingerMs: 5, batchBytes: 4096, retryBackoffMs: 100, requestTimeoutMs: 10_000, ...opts });
  }

  async init(): Promise<void> {
    const n = await this.producer.partitionsOf(this.topic);
    assert.is(n, this.partitions);
  }

  send(count: number): void {
    for (let i = 0; i < count; i++) {
      const seq = this.next++;
      const partition = seq % this.partitions;
      const headers = this.padBytes > 0 ? [{ key: 'pad', value: Buffer.alloc(this.padBytes) }] : undefined;
      this.producer.send(this.topic, { value: Buffer.from(String(seq)), partition, headers }, (err, meta) => {
        if (err) this.failed.push({ seq, error: err.message });
        else this.acked.push({ seq, partition, offset: meta!.offset, atMs: Date.now() });
      });
    }
  }

  /** Sends `total` records spread evenly over about `durationMs`, then waits for every answer. */
  async run(total: number, durationMs: number): Promise<void> {
    const tickMs = 10;
    const perTick = Math.max(1, Math.ceil(total / (durationMs / tickMs)));
    const end = this.next + total;
    while (this.next < end) {
      this.send(Math.min(perTick, end - this.next));
      await this.producer.capacity();
      await sleep(tickMs);
    }
    await this.producer.flush();
  }

  close(): void {
    this.client.close();
  }
}

/** The high watermark of every partition, from each partition's leader (ListOffsets latest). */
export async function endOffsets(client: KafkaClient, topic: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  await client.refreshMetadata([topic]);
  for (const p of client.partitions(topic) ?? []) {
    const res = await client.send(p.leader, ListOffsetsApi, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: p.partition, timestamp: -1 }] }] });
    const r = res.topics[0]!.partitions[0]!;
    if (r.errorCode !== ErrorCode.NONE) throw new Error(`ListOffsets ${topic}-${p.partition} on broker ${p.leader}: ${errorName(r.errorCode)}`);
    out.set(p.partition, Number(r.offset));
  }
  return out;
}

/** Reads every partition of `topic` from the beginning to its current high watermark with YaK's Consumer. */
export async function consumeAll(bootstrap: string, topic: string, timeoutMs = 20_000): Promise<ConsumedRecord[]> {
  const client = clientFor(bootstrap, 'failover-consumer');
  const consumer = new Consumer(client, { topic, start: 'earliest', maxWaitMs: 100 });
  try {
    const ends = await waitFor('the end offset of every partition', () => endOffsets(client, topic), { timeoutMs });
    await consumer.start();
    const out: ConsumedRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while ([...ends].some(([p, end]) => (consumer.position(p) ?? 0) < end)) {
      if (Date.now() > deadline) {
        const at = [...ends].map(([p, end]) => `${p}: ${consumer.position(p)}/${end}`).join(', ');
        throw new Error(`consuming ${topic} timed out at ${at}`);
      }
      out.push(...(await consumer.poll(200)));
    }
    out.push(...(await consumer.poll(0)));
    return out;
  } finally {
    consumer.close();
    client.close();
  }
}

/**
 * Every acknowledged record is present exactly once at the offset it was acknowledged with, each
 * partition's offsets run 0..n-1 without holes, and sequence numbers increase along each partition.
 */
export function assertExactlyOnceInOrder(records: ConsumedRecord[], acked: Ack[], partitions: number): void {
  const byPartition = new Map<number, ConsumedRecord[]>();
  for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  const seqs = records.map((r) => Number(r.value!.toString()));
  const counts = new Map<number, number>();
  for (const s of seqs) counts.set(s, (counts.get(s) ?? 0) + 1);
  const dups = [...counts].filter(([, n]) => n > 1).map(([s]) => s);
  assert.equal(dups.slice(0, 20), [], `records stored more than once (${dups.length}): ${dups.slice(0, 20).join(', ')}`);
  for (let p = 0; p < partitions; p++) {
    const list = byPartition.get(p) ?? [];
    list.forEach((r, i) => assert.is(r.offset, i, `${records[0]?.topic}-${p}: offset ${r.offset} at position ${i}`));
    const values = list.map((r) => Number(r.value!.toString()));
    for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!, `partition ${p}: seq ${values[i]} after ${values[i - 1]} at offset ${i}`);
    for (const v of values) assert.is(v % partitions, p, `seq ${v} is in partition ${p}`);
  }
  const at = new Map(records.map((r) => [`${r.partition}:${r.offset}`, Number(r.value!.toString())]));
  const missing = acked.filter((a) => at.get(`${a.partition}:${a.offset}`) !== a.seq);
  assert.equal(
    missing.slice(0, 10).map((a) => `seq ${a.seq} acked at ${a.partition}:${a.offset}, found ${at.get(`${a.partition}:${a.offset}`)}`),
    [],
    `${missing.length} acknowledged record(s) are not where they were acknowledged`,
  );
}

/** Runs `yak status --json` on the cluster's data dir. */
export async function yakStatus(runYak: (args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>, dataDir: string) {
  const res = await runYak(['status', '--json', '--data-dir', dataDir]);
  assert.ok(res.code === 0 || res.code === 4, `exit 0 (healthy) or 4 (not): ${res.code} ${res.stderr}`);
  return JSON.parse(res.stdout) as {
    brokers: { id: number; state: string; pid: number }[];
    topics: { name: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
  };
}

/** Waits until the supervisor has seen `name` (zookeeper or broker-N) exit, as cluster.json records it. */
export async function waitExited(cluster: TestCluster, name: string, timeoutMs = 5000): Promise<void> {
  await waitFor(
    `the supervisor to see ${name} exit`,
    () => {
      const file = readClusterFile(cluster.dataDir);
      if (!file) return null;
      const state = name === 'zookeeper' ? file.coordinator.state : file.brokers.find((b) => `broker-${b.id}` === name)?.state;
      return state === 'dead';
    },
    { timeoutMs, intervalMs: 10 },
  );
}

/**
 * A Consumer reading `topic` from the beginning in the background (e.g. across a failover), for
 * comparing what it saw with what was acknowledged. `finish` reads on to the current end offsets.
 */
export async function tailTopic(bootstrap: string, topic: string): Promise<{ records: ConsumedRecord[]; finish(timeoutMs?: number): Promise<ConsumedRecord[]> }> {
  const client = clientFor(bootstrap, 'failover-tail');
  const consumer = new Consumer(client, { topic, start: 'earliest', maxWaitMs: 100 });
  await consumer.start();
  const records: ConsumedRecord[] = [];
  let stop = false;
  let failure: Error | null = null;
  const loop = (async () => {
    while (!stop) {
      try {
        records.push(...(await consumer.poll(100)));
      } catch (err) {
        failure = err as Error;
        return;
      }
    }
  })();
  return {
    records,
    async finish(timeoutMs = 20_000) {
      try {
        const ends = await waitFor('the end offset of every partition', () => endOffsets(client, topic), { timeoutMs });
        await waitFor(
          `the tailing consumer to reach ${[...ends].map(([p, e]) => `${p}:${e}`).join(', ')}`,
          () => {
            if (failure) throw failure;
            if ([...ends].every(([p, end]) => (consumer.position(p) ?? 0) >= end)) return true;
            throw new Error(`positions ${[...ends].map(([p]) => `${p}:${consumer.position(p)}`).join(', ')}, ${records.length} records`);
          },
          { timeoutMs },
        );
        if (failure) throw failure;
        stop = true;
        await loop;
        records.push(...(await consumer.poll(0)));
        return records;
      } finally {
        stop = true;
        consumer.close();
        client.close();
      }
    },
  };
}
