/**
 * Each broker's resident memory stays below `brokerRssBoundMiB` while `yak bench produce --acks all`
 * runs against a 3-broker cluster and a slow consumer, far behind, reads full-size fetches from the
 * start of a partition meanwhile (answered from SQLite, not the recent-batches cache).
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { brokerRssBoundMiB, fetchMaxBytes } from '../../src/common/limits.js';
import type { Connection } from '../../src/net/connection.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { sleep, waitFor } from '../helpers/failover.js';
import { connectBroker, leaders } from '../helpers/wire.js';

const TOPIC = 'memory-bound';
const RECORDS = 300_000;
let cluster: TestCluster | undefined;

test.after(async () => {
  await cluster?.destroy();
});

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(kb![1]) / 1024;
}

/** A consumer that reads partition 0 from offset 0 in fetchMaxBytes answers, resting between them, until `done`. */
async function slowConsumer(conn: Connection, done: () => boolean): Promise<number> {
  let offset = 0;
  let fetches = 0;
  while (!done()) {
    const res = await conn.request(
      FetchApi,
      11,
      {
        replicaId: -1,
        maxWaitMs: 200,
        minBytes: 1,
        maxBytes: fetchMaxBytes,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: fetchMaxBytes }] }],
        forgottenTopicsData: [],
        rackId: '',
      },
      { timeoutMs: 60_000 },
    );
    const p = res.responses[0]!.partitions[0]!;
    assert.is(p.errorCode, 0);
    // The first batch's offset and the records' end: enough to move on (offsets are in the batch headers).
    const records = p.records ?? Buffer.alloc(0);
    let at = 0;
    while (at + 61 <= records.length) {
      const length = records.readInt32BE(at + 8);
      offset = Number(records.readBigInt64BE(at)) + records.readInt32BE(at + 23) + 1;
      at += 12 + length;
    }
    fetches++;
    await sleep(300);
  }
  return fetches;
}

test(`every broker stays under ${brokerRssBoundMiB} MiB during a ${RECORDS}-record acks=all bench with a slow consumer reading from the start`, async () => {
  cluster = await startCluster({ brokers: 3 });
  const created = await runYak(['topic', 'create', TOPIC, '--partitions', '3', '--replication-factor', '3', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
  const admin = await connectBroker(cluster, 1);
  const leaderOf0 = await waitFor('a leader of partition 0', async () => (await leaders(admin, TOPIC)).get(0)! > 0 && (await leaders(admin, TOPIC)).get(0));
  admin.close();
  const pids = cluster.file.brokers.map((b) => b.pid);
  const peak = new Map(pids.map((pid) => [pid, rssMiB(pid)]));
  const sampler = setInterval(() => pids.forEach((pid) => peak.set(pid, Math.max(peak.get(pid)!, rssMiB(pid)))), 20);

  const reader = await connectBroker(cluster, leaderOf0);
  let benchDone = false;
  const bench = runYak(['bench', 'produce', '--topic', TOPIC, '--records', String(RECORDS), '--acks', 'all', '--bootstrap', cluster.bootstrap], { timeoutMs: 120_000 }).finally(() => (benchDone = true));
  const fetches = await slowConsumer(reader, () => benchDone);
  const result = await bench;
  clearInterval(sampler);
  reader.close();
  assert.is(result.code, 0, result.stderr);
  const figures = pids.map((pid) => `${Math.round(peak.get(pid)!)} MiB`).join(', ');
  console.log(`broker RSS peaks ${figures}; the slow consumer made ${fetches} fetches`);
  for (const pid of pids) assert.ok(peak.get(pid)! < brokerRssBoundMiB, `broker pid ${pid} peaked at ${Math.round(peak.get(pid)!)} MiB (${figures})`);
  assert.ok(fetches >= 1, 'the slow consumer fetched');
});

test.run();
