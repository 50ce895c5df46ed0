/**
 * A broker's log.db damaged while it was stopped (pages overwritten with garbage). Starting it again
 * must fail at once with one line naming the file and what to do, without ever registering (no
 * leadership churn), and leave it dead with that reason; `yak restart broker-N --rebuild` moves the
 * file aside and the empty broker re-replicates every partition from the leaders (refused while it
 * is the only in-sync replica of a partition, unless forced). Nothing acknowledged is lost.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readClusterFile } from '../../src/client/cluster-file.js';
import { openDatabase } from '../../src/storage/database.js';
import { runYak, startCluster, type RunResult, type TestCluster } from '../helpers/cluster.js';
import {
  assertExactlyOnceInOrder,
  clientFor,
  clusterWithTopic,
  consumeAll,
  coordinatorMetadata,
  createTopic,
  destroyAndCheck,
  endOffsets,
  SequencedProducer,
  waitExited,
  waitFor,
} from '../helpers/failover.js';

const test = suite('storage: a corrupted log.db, and the rebuild');
const TOPIC = 'corrupt-log';
const SOLO = 'corrupt-log-solo'; // replication factor 1: one partition lives on the damaged broker only
const PARTITIONS = 3;
const DAMAGED = 2;
const NAME = `broker-${DAMAGED}`;
let cluster: TestCluster;
let producer: SequencedProducer;

test.before(async () => {
  cluster = await clusterWithTopic(2000, TOPIC, PARTITIONS, 3);
  await createTopic(cluster.bootstrap, SOLO, 3, 1);
});

test.after(async () => {
  producer?.close();
  await destroyAndCheck(cluster);
});

function yak(...args: string[]): Promise<RunResult> {
  return runYak([...args, '--data-dir', cluster.dataDir], { timeoutMs: 60_000 });
}

const logFile = () => path.join(cluster.dataDir, NAME, 'log.db');
const registrations = () => cluster.log.filter((l) => l.startsWith('zookeeper:') && l.includes(`${NAME} registered at`)).length;

/** Folds the WAL into log.db (as a clean stop would), then overwrites every page after the first with garbage. */
function corrupt(file: string): void {
  const db = openDatabase(file, []);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = fs.statSync(file).size;
  assert.ok(size > 8192, `log.db has pages to damage (${size} bytes)`);
  const fd = fs.openSync(file, 'r+');
  let seed = 7;
  const garbage = Buffer.alloc(size - 4096, 0).map(() => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
  fs.writeSync(fd, garbage, 0, garbage.length, 4096);
  fs.closeSync(fd);
}

/** Records per partition of TOPIC in a broker's log.db, read beside the running broker. */
function storedRecords(file: string): Map<number, number> {
  const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const db = new Sqlite(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT partition, SUM(record_count) AS n FROM batches WHERE topic = ? GROUP BY partition').all(TOPIC) as { partition: number; n: number }[];
    return new Map(rows.map((r) => [r.partition, r.n]));
  } finally {
    db.close();
  }
}

test('a corrupted log.db: one clear line, no registration, dead with the reason; --rebuild (forced past the RF-1 partition) re-replicates it', async () => {
  producer = new SequencedProducer(cluster.bootstrap, TOPIC, PARTITIONS, { idempotent: true });
  await producer.init();
  await producer.run(90, 500);
  assert.is(producer.failed.length, 0);

  await cluster.supervisor.handleControl('kill', NAME);
  await waitExited(cluster, NAME);
  await waitFor(`${NAME} out of every ISR of ${TOPIC}`, async () => {
    const md = await coordinatorMetadata(cluster);
    return md.topics.find((t) => t.name === TOPIC)!.partitions.every((p) => !p.isr.includes(DAMAGED));
  });
  corrupt(logFile());
  const registered = registrations();
  const version = (await coordinatorMetadata(cluster)).version;

  const refused = await yak('restart', NAME);
  assert.is(refused.code, 1, `yak restart fails; stdout: ${refused.stdout}`);
  const lines = refused.stderr.trim().split('\n');
  assert.is(lines.length, 1, `one line: ${refused.stderr}`);
  assert.match(lines[0]!, `yak: ${NAME} could not start: ${logFile()} is corrupted (`);
  assert.match(lines[0]!, `run \`yak restart ${NAME} --rebuild\` to move it aside and re-replicate from the leaders`);
  assert.is(registrations(), registered, `${NAME} never registered`);
  assert.is((await coordinatorMetadata(cluster)).version, version, 'no leader or ISR moved');
  const entry = readClusterFile(cluster.dataDir)!.brokers.find((b) => b.id === DAMAGED)!;
  assert.is(entry.state, 'dead');
  assert.match(entry.reason ?? '', 'is corrupted');
  assert.match((await yak('status')).stdout, `${NAME} is dead: ${NAME} could not start: ${logFile()} is corrupted`);

  // It is the only in-sync replica of its SOLO partition (replication factor 1): refused without --force.
  const solo = (await coordinatorMetadata(cluster)).topics.find((t) => t.name === SOLO)!.partitions.find((p) => p.replicas[0] === DAMAGED);
  assert.ok(solo, `a partition of ${SOLO} on ${NAME}`);
  const unforced = await yak('restart', NAME, '--rebuild');
  assert.is(unforced.code, 1);
  assert.match(unforced.stderr, `refusing to rebuild ${NAME}: it is the only in-sync replica of ${SOLO}-${solo.partition}`);
  assert.ok(fs.existsSync(logFile()), 'nothing moved');

  const rebuilt = await yak('restart', NAME, '--rebuild', '--force');
  assert.is(rebuilt.code, 0, rebuilt.stderr);
  assert.match(rebuilt.stdout, new RegExp(`restarted ${NAME} \\(pid \\d+, 127\\.0\\.0\\.1:\\d+, empty: the old log.db is .*log\\.db\\.damaged-`));
  const backups = fs.readdirSync(path.dirname(logFile())).filter((f) => f.startsWith('log.db.damaged-'));
  assert.ok(backups.length >= 1, `backup kept: ${backups.join(', ')}`);
  assert.is(registrations(), registered + 1, 'registered once');

  await waitFor(
    `${NAME} back in the ISR of every partition of ${TOPIC}`,
    async () => {
      const md = await coordinatorMetadata(cluster);
      return md.topics.find((t) => t.name === TOPIC)!.partitions.every((p) => p.isr.includes(DAMAGED));
    },
    { timeoutMs: 30_000 },
  );
  const perPartition = new Map<number, number>();
  for (const a of producer.acked) perPartition.set(a.partition, (perPartition.get(a.partition) ?? 0) + 1);
  await waitFor(`${NAME}'s log holds every record again`, () => {
    const stored = storedRecords(logFile());
    return [...perPartition].every(([p, n]) => (stored.get(p) ?? 0) >= n) ? stored : null;
  });
  await producer.run(30, 300);
  assert.is(producer.failed.length, 0);
  assertExactlyOnceInOrder(await consumeAll(cluster.bootstrap, TOPIC), producer.acked, PARTITIONS);
});

test('yak up with a corrupted log.db comes up without that broker, which shows dead with the reason, and --rebuild brings it back', async () => {
  const dataDir = cluster.dataDir;
  await cluster.stop();
  const file = path.join(dataDir, 'broker-3', 'log.db');
  corrupt(file);
  cluster = await startCluster({ brokers: 3, dataDir, sessionTimeoutMs: 2000 });
  const entry = cluster.file.brokers.find((b) => b.id === 3)!;
  assert.is(entry.state, 'dead');
  assert.match(entry.reason ?? '', `${file} is corrupted`);
  assert.not.ok(cluster.log.some((l) => l.startsWith('zookeeper:') && l.includes('broker-3 registered at')), 'broker-3 never registered');
  // broker-3 too is the only replica of a SOLO partition (replication factor 1).
  const rebuilt = await yak('restart', 'broker-3', '--rebuild', '--force');
  assert.is(rebuilt.code, 0, rebuilt.stderr);
  await waitFor(
    'broker-3 in the ISR of every partition of TOPIC',
    async () => (await coordinatorMetadata(cluster)).topics.find((t) => t.name === TOPIC)!.partitions.every((p) => p.isr.includes(3)),
    { timeoutMs: 30_000 },
  );
  // After a restart a leader's high watermark starts from its last checkpoint and moves up once its followers fetch.
  const client = clientFor(cluster.bootstrap);
  try {
    await waitFor('high watermarks past every acknowledged record', async () => {
      const ends = await endOffsets(client, TOPIC);
      return producer.acked.every((a) => (ends.get(a.partition) ?? 0) > a.offset);
    });
  } finally {
    client.close();
  }
  assertExactlyOnceInOrder(await consumeAll(cluster.bootstrap, TOPIC), producer.acked, PARTITIONS);
});

test.run();
