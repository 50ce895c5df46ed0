/**
 * One connection pipelining 64 full Fetches cannot make a broker build 64 x fetch.max.bytes of
 * answers at once (3.5 GB before the fetch response budget): each fetch reserves its record bytes
 * per connection and per broker before reading them and holds them until its answer is written.
 * Every fetch is still answered validly (maybe with fewer bytes), another consumer keeps going, and
 * the follower (fetching from a share of its own) keeps acks=all produce working meanwhile.
 */
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fetchMaxBytes, maxInFlightRequestsPerConnection } from '../../src/common/limits.js';
import type { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/failover.js';
import { brokerById, connectBroker, leaders } from '../helpers/wire.js';

const test = suite('fetch response memory');
const TOPIC = 'fetch-memory';
const BATCH_BYTES = 1000 * 1000;
const BATCHES = 60; // 60 MB in the partition: more than one full fetch
/** The broker's resident memory may not pass this while the fetches are answered (measured: 310-410 MiB, from about 120 MiB idle; the old code peaked at 1.3 GB and stalled long enough to lose its coordinator session). */
const MAX_RSS_BYTES = 512 * 1024 * 1024;
let cluster: TestCluster;
let leaderId: number;
const conns: Connection[] = [];

async function connect(): Promise<Connection> {
  const c = await connectBroker(cluster, leaderId);
  conns.push(c);
  return c;
}

test.before(async () => {
  cluster = await startCluster({ brokers: 2 });
  const admin = await connectBroker(cluster, 1);
  conns.push(admin);
  const created = await admin.request(CreateTopicsApi, 3, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 2, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
  leaderId = await waitFor('a leader', async () => (await leaders(admin, TOPIC)).get(0)! > 0 && (await leaders(admin, TOPIC)).get(0));
  const conn = await connect();
  const produced = await Promise.all(
    Array.from({ length: BATCHES }, (_, i) => {
      const records = encodeRecordBatch([{ key: null, value: Buffer.alloc(BATCH_BYTES, i), timestamp: Date.now() }]);
      return conn.request(ProduceApi, 7, { acks: 1, timeoutMs: 10_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] }, { timeoutMs: 60_000 });
    }),
  );
  for (const res of produced) assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
  // The follower has it all (the high watermark is there) before the fetches start.
  await waitFor('the follower caught up', async () => (await fetch(conn, BATCHES, 1)).responses[0]!.partitions[0]!.highWatermark === BATCHES, { timeoutMs: 30_000 });
});

test.after(async () => {
  for (const c of conns) c.close();
  await cluster?.destroy();
});

function fetch(conn: Connection, fetchOffset: number, maxBytes: number) {
  return conn.request(
    FetchApi,
    11,
    {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: maxBytes }] }],
      forgottenTopicsData: [],
      rackId: '',
    },
    { timeoutMs: 120_000 },
  );
}

/** The batches' count, after checking that `records` is whole batches from offset `from` on. */
function wholeBatchesFrom(records: Buffer, from: number): number {
  let at = 0;
  let count = 0;
  while (at < records.length) {
    assert.ok(at + 12 <= records.length, 'a batch header cut off');
    if (count === 0) assert.is(Number(records.readBigInt64BE(at)), from, 'the answer starts at the fetch offset');
    at += 12 + records.readInt32BE(at + 8);
    count++;
  }
  assert.is(at, records.length, 'the answer ends on a batch boundary');
  return count;
}

function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(kb![1]) * 1024;
}

test(`${maxInFlightRequestsPerConnection} pipelined Fetches of ${fetchMaxBytes} bytes each keep the broker under ${MAX_RSS_BYTES / 1024 / 1024} MiB; all are answered; another consumer progresses`, async () => {
  const pid = brokerById(cluster, leaderId).pid;
  const before = rssBytes(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
  const [hog, other, producer] = [await connect(), await connect(), await connect()];
  let stormDone = false;
  const storm = Promise.all(Array.from({ length: maxInFlightRequestsPerConnection }, () => fetch(hog, 0, fetchMaxBytes))).finally(() => (stormDone = true));
  const records = encodeRecordBatch([{ key: null, value: Buffer.from('acks=all meanwhile'), timestamp: Date.now() }]);
  const acked = producer.request(ProduceApi, 7, { acks: -1, timeoutMs: 10_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] }, { timeoutMs: 20_000 });
  // A consumer on its own connection, 1 MB at a time, meanwhile.
  let offset = 0;
  let otherFetches = 0;
  while (!stormDone && offset < BATCHES) {
    const p = (await fetch(other, offset, 1024 * 1024)).responses[0]!.partitions[0]!;
    assert.is(p.errorCode, 0);
    offset += wholeBatchesFrom(p.records!, offset);
    otherFetches++;
  }
  const answers = await storm;
  clearInterval(sampler);
  assert.is((await acked).responses[0]!.partitionResponses[0]!.errorCode, 0, 'acks=all produce is answered, replicated, meanwhile');
  assert.ok(peak < MAX_RSS_BYTES, `broker RSS peaked at ${Math.round(peak / 2 ** 20)} MiB`);
  let withRecords = 0;
  for (const res of answers) {
    const p = res.responses[0]!.partitions[0]!;
    assert.is(res.errorCode, 0);
    assert.is(p.errorCode, 0);
    assert.ok(p.highWatermark >= BATCHES);
    assert.ok(p.records!.length <= fetchMaxBytes, `${p.records!.length} record bytes`);
    if (wholeBatchesFrom(p.records!, 0) > 0) withRecords++;
  }
  console.log(`broker RSS ${Math.round(before / 2 ** 20)} MiB before, peak ${Math.round(peak / 2 ** 20)} MiB; ${withRecords} of ${answers.length} answers carried records; the other consumer read ${offset} batches in ${otherFetches} fetches meanwhile`);
  assert.ok(withRecords >= 1, 'fetches make progress');
  assert.ok(offset >= Math.min(BATCHES, 3) || stormDone, `the other consumer read ${offset} batches`);
});

test("once answers are written their bytes are free again: the consumers' whole share serves 4 full fetches at once", async () => {
  const fresh = await Promise.all([1, 2, 3, 4].map(() => connect()));
  const answers = await Promise.all(fresh.map((c) => fetch(c, 0, fetchMaxBytes)));
  for (const res of answers) {
    const records = res.responses[0]!.partitions[0]!.records!;
    assert.ok(records.length > fetchMaxBytes - 2 * BATCH_BYTES, `${records.length} record bytes: a full answer, nothing left held by the fetches before`);
  }
});

test.run();
