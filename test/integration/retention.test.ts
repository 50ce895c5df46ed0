/**
 * Retention on a real 3-broker cluster (retention checked every 100 ms): retention.bytes and
 * retention.ms delete whole batches from the front of every replica's log, never past the high
 * watermark; consumers start at the new log start; configs are set at creation, by `yak topic alter`
 * and by kafkajs's admin.alterConfigs, and bad ones are refused; a follower that was away while its
 * leader's retention passed its whole log starts over at the leader's log start and rejoins the ISR.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Admin } from '../../src/client/admin.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientFor, consumeAll, coordinatorMetadata, createTopic, destroyAndCheck, partitionOf, waitExited, waitFor } from '../helpers/failover.js';

const test = suite('retention: retention.bytes, retention.ms, alter configs, a follower left behind');
let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3, brokerArgs: ['--log-retention-check-interval-ms', '100'] });
});
test.after(() => destroyAndCheck(cluster));

interface StoredLog {
  logStartOffset: number;
  /** First offset of the first stored batch, and one past the last (both -1 with no batch). */
  firstOffset: number;
  endOffset: number;
  bytes: number;
  /** Bytes of the first stored batch (0 with none). */
  firstBatchBytes: number;
  contiguous: boolean;
}

/** One replica's copy of a partition, read from its SQLite file while the broker runs. */
function storedLog(brokerId: number, topic: string, partition = 0): StoredLog {
  const db = new Database(path.join(cluster.dataDir, `broker-${brokerId}`, 'log.db'), { readonly: true, fileMustExist: true });
  try {
    const batches = db.prepare('SELECT base_offset, last_offset, length(bytes) AS size FROM batches WHERE topic = ? AND partition = ? ORDER BY base_offset').all(topic, partition) as { base_offset: number; last_offset: number; size: number }[];
    const state = db.prepare('SELECT log_start_offset FROM partitions WHERE topic = ? AND partition = ?').get(topic, partition) as { log_start_offset: number } | undefined;
    return {
      logStartOffset: state?.log_start_offset ?? 0,
      firstOffset: batches[0]?.base_offset ?? -1,
      endOffset: batches.length > 0 ? batches[batches.length - 1]!.last_offset + 1 : -1,
      bytes: batches.reduce((a, b) => a + b.size, 0),
      firstBatchBytes: batches[0]?.size ?? 0,
      contiguous: batches.every((b, i) => i === 0 || b.base_offset === batches[i - 1]!.last_offset + 1),
    };
  } finally {
    db.close();
  }
}

async function earliestAndLatest(topic: string): Promise<[Map<number, number>, Map<number, number>]> {
  const client = clientFor(cluster.bootstrap);
  try {
    const admin = new Admin(client);
    return [await admin.listOffsets(topic, 'earliest'), await admin.listOffsets(topic, 'latest')];
  } finally {
    client.close();
  }
}

const produceLines = (topic: string, from: number, to: number, extra: string[] = []) =>
  runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '--batch-bytes', '300', '--linger-ms', '0', ...extra], {
    input: Array.from({ length: to - from + 1 }, (_, i) => `record-${from + i}`).join('\n') + '\n',
  });

test('retention.bytes: every replica drops its oldest batches, keeps at least retention.bytes, and consumers start at the new log start', async () => {
  const topic = 'by-size';
  await createTopic(cluster.bootstrap, topic, 1, 3, { 'retention.bytes': '4000' });
  const produced = await produceLines(topic, 0, 2999);
  assert.is(produced.code, 0, produced.stderr);

  const ids = cluster.file.brokers.map((b) => b.id);
  // Retention runs while records arrive, a cut at a time below each replica's high watermark (a
  // follower learns it a fetch later): wait until no replica can cut more, i.e. dropping its first
  // batch would leave less than retention.bytes. Before that, all three can stand at one start for a
  // moment and then move on (a consumer reading then started past the start it was told).
  const logs = await waitFor('the three replicas trimmed to retention.bytes, at the same start', () => {
    const l = ids.map((id) => storedLog(id, topic));
    return l.every((x) => x.logStartOffset > 0 && x.logStartOffset === l[0]!.logStartOffset && x.endOffset === 3000 && x.bytes - x.firstBatchBytes < 4000) ? l : null;
  });
  const start = logs[0]!.logStartOffset;
  for (const [i, l] of logs.entries()) {
    assert.is(l.firstOffset, start, `broker-${ids[i]}: the first stored batch starts at the log start`);
    assert.ok(l.contiguous, `broker-${ids[i]}: no hole`);
    assert.ok(l.bytes >= 4000 && l.bytes < 4000 + 1000, `broker-${ids[i]} keeps ${l.bytes} bytes: at least retention.bytes, less than one more batch`);
  }

  const [earliest, latest] = await earliestAndLatest(topic);
  assert.equal([earliest.get(0), latest.get(0)], [start, 3000], 'ListOffsets earliest is the log start');
  const read = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(3000 - start), '--idle-timeout-ms', '3000']);
  assert.is(read.code, 0, read.stderr);
  assert.equal(read.stdout.trim().split('\n'), Array.from({ length: 3000 - start }, (_, i) => `record-${start + i}`));
});

test('yak topic alter --config retention.ms=1000 empties the log; offsets go on where they were; bad configs are refused', async () => {
  const topic = 'by-time';
  assert.is((await produceLines(topic, 0, 199)).code, 0);
  const [, before] = await earliestAndLatest(topic);
  const altered = await runYak(['topic', 'alter', topic, '--config', 'retention.ms=1000', '--bootstrap', cluster.bootstrap]);
  assert.is(altered.code, 0, altered.stderr);
  assert.match(altered.stdout, 'retention.ms=1000');
  await waitFor('every partition emptied by retention', async () => {
    const [earliest, latest] = await earliestAndLatest(topic);
    return [...latest].every(([p, end]) => earliest.get(p) === end && end === before.get(p));
  });
  assert.is((await produceLines(topic, 200, 202)).code, 0);
  const after = await consumeAll(cluster.bootstrap, topic);
  assert.equal(after.map((r) => r.value!.toString()).sort(), ['record-200', 'record-201', 'record-202']);
  for (const r of after) assert.ok(r.offset >= before.get(r.partition)!, `offsets continue after the deleted ones (p${r.partition} @${r.offset})`);

  const described = await runYak(['topic', 'describe', topic, '--json', '--bootstrap', cluster.bootstrap]);
  assert.is(JSON.parse(described.stdout).configs['retention.ms'], '1000');
  const back = await runYak(['topic', 'alter', topic, '--delete-config', 'retention.ms', '--bootstrap', cluster.bootstrap]);
  assert.is(back.code, 0, back.stderr);
  assert.is(JSON.parse((await runYak(['topic', 'describe', topic, '--json', '--bootstrap', cluster.bootstrap])).stdout).configs['retention.ms'], String(7 * 24 * 3600 * 1000), "back to the broker's default");

  for (const [args, why] of [
    [['--config', 'retention.ms=soon'], /INVALID_CONFIG: retention.ms must be a whole number/],
    [['--config', 'retension.ms=5'], /INVALID_CONFIG: unknown topic config "retension.ms"/],
    [['--config', 'cleanup.policy=shred'], /INVALID_CONFIG: cleanup.policy/],
    [['--config', 'retention.ms'], /--config wants key=value/],
    [['--delete-config', 'retension.ms'], /INVALID_CONFIG: unknown topic config "retension.ms"/],
    [['--config', 'retention.ms=5', '--delete-config', 'retention.ms'], /INVALID_REQUEST: retention.ms is both set and deleted/],
    [['--config', 'compression.type=brotli'], /INVALID_CONFIG: compression.type must be/],
  ] as const) {
    const res = await runYak(['topic', 'alter', topic, ...args, '--bootstrap', cluster.bootstrap]);
    assert.is.not(res.code, 0, `${args.join(' ')} is refused`);
    assert.match(res.stderr, why);
    assert.not.match(res.stderr, /\n\s+at /, 'no stack trace');
  }
  // max.message.bytes is applied per topic, as Kafka applies it.
  const small = await runYak(['topic', 'alter', topic, '--config', 'max.message.bytes=200', '--bootstrap', cluster.bootstrap]);
  assert.is(small.code, 0, small.stderr);
  const big = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '--delivery-timeout-ms', '5000'], { input: 'x'.repeat(500) + '\n' });
  assert.is(big.code, 1);
  assert.match(big.stderr, /MESSAGE_TOO_LARGE/);
  assert.is((await produceLines(topic, 203, 203)).code, 0, 'a small record still goes');
  const created = await runYak(['topic', 'create', 'bad-config', '--config', 'retention.bytes=-7', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 1);
  assert.match(created.stderr, /INVALID_CONFIG: retention.bytes/);
});

test('kafkajs: admin.alterConfigs sets retention (replacing every override, as Kafka does), describeConfigs shows it, static broker configs are refused', async () => {
  const kafka = new Kafka({ clientId: 'yak-retention-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = 'kjs-retention';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '1048576' }] }], waitForLeaders: true });
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.bytes', value: '123456' }] }] });
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
    const entries = new Map(described.resources[0]!.configEntries.map((e) => [e.configName, e]));
    assert.is(entries.get('retention.bytes')?.configValue, '123456');
    assert.is(entries.get('retention.bytes')?.isDefault, false);
    assert.equal([entries.get('segment.bytes')?.configValue, entries.get('segment.bytes')?.isDefault], ['1073741824', true], 'AlterConfigs replaced the overrides the topic had: segment.bytes is back to its default');
    const bad = await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '-5' }] }] }).catch((e: Error) => e);
    assert.instance(bad, Error);
    assert.is((bad as Error & { type?: string }).type, 'INVALID_CONFIG');
    const broker = await admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '1', configEntries: [{ name: 'num.partitions', value: '1' }] }] }).catch((e: Error) => e);
    assert.instance(broker, Error, 'num.partitions is static');
    assert.is((broker as Error & { type?: string }).type, 'INVALID_CONFIG');
  } finally {
    await admin.disconnect();
  }
});

test('DeleteRecords: kafkajs admin.deleteTopicRecords and yak topic trim move the log start on the leader and on every follower; past the high watermark is refused', async () => {
  const topic = 'trimmed';
  await createTopic(cluster.bootstrap, topic, 2, 3);
  assert.is((await produceLines(topic, 0, 999, ['-p', '0'])).code, 0);
  assert.is((await produceLines(topic, 1000, 1099, ['-p', '1'])).code, 0);
  const kafka = new Kafka({ clientId: 'yak-trim-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId: 'behind', topic, partitions: [{ partition: 0, offset: '5' }] });
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs's deleteTopicRecords needs the topic's metadata loaded
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '250' }] });
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.is(offsets.find((o) => o.partition === 0)!.low, '250');
    const past = await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5000' }] }).catch((e: Error) => e);
    assert.instance(past, Error, 'an offset past the high watermark is refused');
  } finally {
    await admin.disconnect();
  }
  const ids = partitionOf(await coordinatorMetadata(cluster), topic, 0).replicas;
  await waitFor('every replica of partition 0 starting at 250', () => ids.every((id) => storedLog(id, topic, 0).logStartOffset === 250));
  for (const id of ids) assert.ok(storedLog(id, topic, 0).firstOffset <= 250, `broker-${id} keeps the batch holding offset 250`);
  const read = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '-p', '0', '--from-beginning', '--max-messages', '750', '--idle-timeout-ms', '3000']);
  assert.is(read.code, 0, read.stderr);
  assert.equal(read.stdout.trim().split('\n'), Array.from({ length: 750 }, (_, i) => `record-${250 + i}`), 'a consumer from the beginning starts at 250, mid-batch');

  // A group whose committed offset was deleted goes on at the log start, and says what it skipped.
  const behind = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--group', 'behind', '--max-messages', '750', '--idle-timeout-ms', '5000']);
  assert.is(behind.code, 0, behind.stderr);
  assert.match(behind.stderr, `yak: ${topic}-0: offset 5 is no longer in the log (retention or DeleteRecords); going on at 250, 245 record(s) skipped`);
  assert.is(behind.stdout.split('\n')[0], 'record-250');

  const trimmed = await runYak(['topic', 'trim', topic, '--offset', 'end', '--bootstrap', cluster.bootstrap]);
  assert.is(trimmed.code, 0, trimmed.stderr);
  assert.match(trimmed.stdout, `topic ${topic} now starts at partition 0: offset 1000, partition 1: offset 100`);
  const [earliest, latest] = await earliestAndLatest(topic);
  assert.equal([...earliest], [...latest], 'nothing left to read');
  const bad = await runYak(['topic', 'trim', topic, '--offset', 'soon', '--bootstrap', cluster.bootstrap]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, '--offset must be an offset or end');
});

test("a follower away while the leader's retention passed its whole log starts over at the leader's log start and rejoins the ISR", async () => {
  const topic = 'left-behind';
  await createTopic(cluster.bootstrap, topic, 1, 3, { 'retention.bytes': '2000' });
  assert.is((await produceLines(topic, 0, 99)).code, 0);
  const md = await coordinatorMetadata(cluster);
  const { leader, replicas } = partitionOf(md, topic, 0);
  const follower = replicas.find((r) => r !== leader)!;
  await waitFor('the follower caught up', () => storedLog(follower, topic).endOffset === 100);
  await cluster.supervisor.handleControl('kill', `broker-${follower}`);
  await waitExited(cluster, `broker-${follower}`);
  const away = storedLog(follower, topic);

  assert.is((await produceLines(topic, 100, 1999)).code, 0, 'acks=all goes on with two in-sync replicas');
  await waitFor("the leader's log start past the follower's end", () => storedLog(leader, topic).logStartOffset > away.endOffset);

  await cluster.supervisor.handleControl('restart', `broker-${follower}`);
  await waitFor('the follower back in the ISR', async () => partitionOf(await coordinatorMetadata(cluster), topic, 0).isr.includes(follower), { timeoutMs: 20_000 });
  const [leaderLog, followerLog] = await waitFor('the follower holding the same end', () => {
    const l = [storedLog(leader, topic), storedLog(follower, topic)];
    return l[1]!.endOffset === 2000 && l[1]!.logStartOffset === l[0]!.logStartOffset ? l : null;
  });
  assert.ok(followerLog!.logStartOffset > away.endOffset, `started over at ${followerLog!.logStartOffset}, past its old end ${away.endOffset}`);
  assert.is(followerLog!.firstOffset, leaderLog!.firstOffset);
  assert.ok(followerLog!.contiguous, 'no hole in the restarted replica');
  assert.ok(cluster.log.some((l) => l.startsWith(`broker-${follower}:`) && l.includes("restarting the replica there")), 'the broker says why it dropped its log');
});

test.run();
