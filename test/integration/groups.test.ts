/**
 * Consumer groups end to end on a real 3-broker cluster: `yak consume --group` members sharing a
 * topic and taking over from each other, `yak group` describe/reset/delete, committed offsets across
 * a coordinator restart, and the group APIs' error codes for bad requests.
 */
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/common/errors.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import { Connection } from '../../src/net/connection.js';
import { FindCoordinatorApi, JoinGroupApi, OffsetCommitApi, OffsetFetchApi, SyncGroupApi, type JoinGroupRequest } from '../../src/protocol/apis/index.js';
import { encodeSubscription } from '../../src/protocol/consumer-protocol.js';
import { killYakProcesses, runYak, spawnYak, startCluster, type TestCluster, type YakProcess } from '../helpers/cluster.js';
import { brokerById } from '../helpers/wire.js';

const test = suite('consumer groups: yak consume --group, yak group, group API errors');
let cluster: TestCluster;
let conn: Connection;

const TOPIC = 'orders';
const PARTITIONS = 6;
const GROUP = 'billing';

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  const b = brokerById(cluster, 1);
  conn = await Connection.connect(b.host, b.port, { clientId: 'groups-test', requestTimeoutMs: 10_000 });
  const created = await yak(['topic', 'create', TOPIC, '-p', String(PARTITIONS)]);
  assert.is(created.code, 0, created.stderr);
});

test.after(async () => {
  killYakProcesses();
  conn?.close();
  await cluster?.destroy();
});

const yak = (args: string[], input?: string) => runYak([...args, '--bootstrap', cluster.bootstrap], { input });

/** Produces `values` keyed by themselves; returns how many went to each partition. */
async function produce(values: string[]): Promise<Map<number, number>> {
  const res = await yak(['produce', '--topic', TOPIC, '-K', ':'], values.map((v) => `${v}:${v}`).join('\n') + '\n');
  assert.is(res.code, 0, res.stderr);
  const counts = new Map<number, number>();
  for (const v of values) counts.set(partitionForKey(Buffer.from(v), PARTITIONS), (counts.get(partitionForKey(Buffer.from(v), PARTITIONS)) ?? 0) + 1);
  return counts;
}

function member(): YakProcess {
  return spawnYak([
    'consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--group', GROUP, '--from-beginning', '--commit', 'sync',
    '--session-timeout-ms', '3000', '--heartbeat-interval-ms', '300', '--json',
  ]);
}

const ASSIGNED = /generation (\d+): assigned partition\(s\) \[([\d,]*)\]/;
const partitionsOf = (line: string) => ASSIGNED.exec(line)![2]!.split(',').filter(Boolean).map(Number);
const values = (p: YakProcess) => p.stdoutLines().map((l) => (JSON.parse(l) as { value: string }).value);

interface DescribeRow {
  partition: number;
  committedOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  memberId: string | null;
}

async function describe(group = GROUP): Promise<{ state: string; members: unknown[]; partitions: DescribeRow[] }> {
  const res = await yak(['group', 'describe', group, '--json']);
  assert.is(res.code, 0, res.stderr);
  return JSON.parse(res.stdout);
}

/** Commits are acknowledged just after the records are printed: wait for the group to show them all. */
async function describeOnceCaughtUp(): Promise<Awaited<ReturnType<typeof describe>>> {
  for (let attempt = 0; ; attempt++) {
    const d = await describe();
    if (d.partitions.length === PARTITIONS && d.partitions.every((p) => p.lag === 0)) return d;
    if (attempt === 20) assert.unreachable(`lag did not reach 0: ${JSON.stringify(d.partitions)}`);
  }
}

test('two members split 6 partitions 3/3; one killed, the other takes all six; lag goes to 0; a restart resumes from the commits', async () => {
  await produce(Array.from({ length: 60 }, (_, i) => `a${i}`));
  const m1 = member();
  assert.equal(partitionsOf(await m1.waitForLine(ASSIGNED)), [0, 1, 2, 3, 4, 5]);
  const mark = m1.stderrLineCount();
  const m2 = member();
  const [share1, share2] = await Promise.all([m1.waitForLine(ASSIGNED, { fromLine: mark }), m2.waitForLine(ASSIGNED)]);
  assert.equal([...partitionsOf(share1), ...partitionsOf(share2)].sort(), [0, 1, 2, 3, 4, 5]);
  assert.equal([partitionsOf(share1).length, partitionsOf(share2).length], [3, 3], 'range assignor: 3 partitions each');

  const refused = await yak(['group', 'reset-offsets', GROUP, '--topic', TOPIC, '--to-earliest']);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /has 2 active member\(s\): stop its consumers first/);

  const second = await produce(Array.from({ length: 60 }, (_, i) => `b${i}`));
  const expectedBy = (share: number[]) => share.reduce((n, p) => n + (second.get(p) ?? 0), 0);
  await m2.waitFor(() => values(m2).filter((v) => v.startsWith('b')).length === expectedBy(partitionsOf(share2)), 'its share of the second batch');
  await m1.waitFor(() => values(m1).filter((v) => v.startsWith('b')).length === expectedBy(partitionsOf(share1)), 'its share of the second batch');
  const caughtUp = await describeOnceCaughtUp();
  assert.is(caughtUp.state, 'Stable');
  assert.is(caughtUp.members.length, 2);
  assert.is(caughtUp.partitions.reduce((n, p) => n + p.committedOffset!, 0), 120);

  const mark2 = m2.stderrLineCount();
  await m1.stop('SIGKILL');
  assert.equal(partitionsOf(await m2.waitForLine(ASSIGNED, { fromLine: mark2 })), [0, 1, 2, 3, 4, 5], 'the survivor takes all six after the session timeout');
  await produce(Array.from({ length: 30 }, (_, i) => `c${i}`));
  await m2.waitFor(() => values(m2).filter((v) => v.startsWith('c')).length === 30, 'the third batch');
  const stopped = await m2.stop('SIGINT');
  assert.is(stopped.code, 130, stopped.stderr);

  // KIP-800: the coordinator logs each rebalance with the cause and the reason YaK's client sent.
  const rebalances = cluster.log.filter((l) => l.startsWith('zookeeper:') && l.includes(`preparing to rebalance group ${GROUP} `));
  assert.ok(rebalances.some((l) => /reason: adding new member \S+; client reason: joining at start\)/.test(l)), rebalances.join('\n'));
  assert.ok(rebalances.some((l) => /on heartbeat expiration/.test(l)), 'the killed member');
  assert.ok(rebalances.some((l) => /on LeaveGroup; client reason: the consumer is closing\)/.test(l)), 'the member stopped with Ctrl-C');

  const all = [...values(m1), ...values(m2)];
  assert.is(all.length, 150, 'every record printed once');
  assert.is(new Set(all).size, 150);

  const after = await yak(['group', 'describe', GROUP]);
  assert.is(after.code, 0, after.stderr);
  assert.match(after.stdout, /^group billing: Empty, 0 member\(s\)/);
  const rows = after.stdout.trim().split('\n').slice(2).map((l) => l.split(/\s+/));
  assert.equal(rows.map((r) => [r[0], r[4]]), Array.from({ length: PARTITIONS }, () => [TOPIC, '0']), 'lag 0 on every partition');

  await produce(['d1', 'd2', 'd3']);
  const resumed = await yak(['consume', '--topic', TOPIC, '--group', GROUP, '--idle-timeout-ms', '1500', '--session-timeout-ms', '3000']);
  assert.is(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout.trim().split('\n').sort(), ['d1', 'd2', 'd3'], 'a restarted member resumes from the committed offsets');
});

test('reset-offsets on an empty group moves its offsets; delete removes it; unknown groups get one clear line', async () => {
  const reset = await yak(['group', 'reset-offsets', GROUP, '--topic', TOPIC, '--to-offset', '2', '--execute']);
  assert.is(reset.code, 0, reset.stderr);
  assert.ok((await describe()).partitions.every((p) => p.committedOffset === Math.min(2, p.logEndOffset!)));
  const toLatest = await yak(['group', 'reset-offsets', GROUP, '--topic', TOPIC, '--to-latest', '--execute']);
  assert.is(toLatest.code, 0, toLatest.stderr);
  assert.ok((await describe()).partitions.every((p) => p.lag === 0));

  const listed = await yak(['group', 'list', '--json']);
  assert.ok((JSON.parse(listed.stdout) as { groupId: string }[]).some((g) => g.groupId === GROUP));
  assert.is((await yak(['group', 'delete', GROUP])).code, 0);

  for (const args of [['group', 'describe', 'nope'], ['group', 'delete', 'nope']]) {
    const res = await yak(args);
    assert.is(res.code, 1);
    assert.is(res.stderr, 'yak: consumer group "nope" does not exist' + (args[1] === 'describe' ? ' (yak group list shows the groups)' : '') + '\n');
  }
  const both = await yak(['group', 'reset-offsets', 'g', '--topic', TOPIC, '--to-earliest', '--to-latest']);
  assert.is(both.code, 2, 'a usage error');
  assert.match(both.stderr, /exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime TIME, --shift-by N/);
});

// As Kafka's consumer commits allConsumed(): every assigned partition with a position, also one
// reset to earliest or latest that gave no record, so describe shows its offset and lag 0, not "-".
test('a member commits every assigned partition, those that had no record too: from the beginning and from the latest offset', async () => {
  const topic = 'sparse';
  assert.is((await yak(['topic', 'create', topic, '-p', '3'])).code, 0);
  const produced = await yak(['produce', '--topic', topic, '-p', '1'], 'a\nb\n');
  assert.is(produced.code, 0, produced.stderr);
  for (const [group, from] of [['sparse-earliest', ['--from-beginning']], ['sparse-latest', []]] as const) {
    const consumed = await yak(['consume', '--topic', topic, '--group', group, ...from, '--idle-timeout-ms', '1500', '--heartbeat-interval-ms', '300']);
    assert.is(consumed.code, 0, consumed.stderr);
    const d = await describe(group);
    const rows = d.partitions.map((p) => `${p.partition}:${p.committedOffset}/${p.logEndOffset}/${p.lag}`).sort();
    assert.equal(rows, ['0:0/0/0', '1:2/2/0', '2:0/0/0'], group);
  }
});

// --- the group APIs on the wire -------------------------------------------------------------------

function joinRequest(groupId: string, memberId: string, protocolType = 'consumer', rebalanceTimeoutMs = 3000, sessionTimeoutMs = 3000): JoinGroupRequest {
  return {
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId,
    groupInstanceId: null,
    protocolType,
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: [TOPIC], userData: null }) }],
  };
}

function commitOne(groupId: string, generationId: number, memberId: string, topic = TOPIC) {
  return conn.request(OffsetCommitApi, 5, { groupId, generationId, memberId, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 3, committedMetadata: '' }] }] });
}

const fetchOne = (groupId: string) => conn.request(OffsetFetchApi, 4, { groupId, topics: [{ name: TOPIC, partitionIndexes: [0] }] });

test('every group is listed once: by kafkajs admin.listGroups (which asks each broker) and by yak group list; FindCoordinator spreads groups over the brokers', async () => {
  const kafka = new Kafka({ clientId: 'groups-list-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ids = Array.from({ length: 8 }, (_, i) => `listed-${i}`);
    for (const groupId of ids) await admin.setOffsets({ groupId, topic: TOPIC, partitions: [{ partition: 0, offset: '0' }] });
    const listed = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('listed-'));
    assert.equal(listed.sort(), ids, 'each group once');
    const yakListed = (await yak(['group', 'list'])).stdout.split('\n').filter((l) => l.startsWith('listed-'));
    assert.is(yakListed.length, ids.length, 'yak group list names each once');
    const homes = new Set<number>();
    for (const groupId of ids) {
      const found = await conn.request(FindCoordinatorApi, 2, { key: groupId, keyType: 0 });
      homes.add(found.nodeId);
    }
    assert.ok(homes.size > 1, `8 groups all coordinated by broker ${[...homes]}`);
    // A transactional id has its home the same way (the transaction coordinator lives with the groups').
    const tx = await conn.request(FindCoordinatorApi, 2, { key: 'listed-0', keyType: 1 });
    const group = await conn.request(FindCoordinatorApi, 2, { key: 'listed-0', keyType: 0 });
    assert.equal([tx.errorCode, tx.nodeId], [0, group.nodeId]);
    const unknown = await conn.request(FindCoordinatorApi, 2, { key: 'x', keyType: 5 });
    assert.equal([unknown.errorCode, unknown.nodeId], [42, -1], 'an unknown key type is INVALID_REQUEST');
  } finally {
    await admin.disconnect();
  }
});

test("a member with a short rebalance timeout waits for the group's rebalance (the longest of its members'), not its own: the broker does not give up on it with COORDINATOR_NOT_AVAILABLE (found by the fuzzer)", async () => {
  const group = 'mixed-timeouts';
  const first = await conn.request(JoinGroupApi, 5, joinRequest(group, '', 'consumer', 8000, 20_000));
  const a = await conn.request(JoinGroupApi, 5, joinRequest(group, first.memberId, 'consumer', 8000, 20_000));
  assert.is(a.errorCode, 0);
  const synced = await conn.request(SyncGroupApi, 3, { groupId: group, generationId: a.generationId, memberId: a.memberId, assignments: [{ memberId: a.memberId, assignment: Buffer.alloc(0) }] });
  assert.is(synced.errorCode, 0);
  // B (rebalance timeout 100 ms) joins; A (its session outlasting the test) never rejoins, so the join
  // completes once A's 8 s rebalance timeout has passed.
  const patient = await Connection.connect(conn.address.split(':')[0]!, Number(conn.address.split(':')[1]), { clientId: 'groups-test-b', requestTimeoutMs: 30_000 });
  try {
    const required = await patient.request(JoinGroupApi, 5, joinRequest(group, '', 'consumer', 100));
    const started = Date.now();
    const b = await patient.request(JoinGroupApi, 5, joinRequest(group, required.memberId, 'consumer', 100));
    assert.is(b.errorCode, 0, `B joined (error ${b.errorCode} after ${Date.now() - started} ms)`);
    assert.is(b.leader, b.memberId, 'A, which never rejoined, is out; B leads the new generation');
    assert.ok(b.generationId > a.generationId);
  } finally {
    patient.close();
  }
});

test('bad group requests: mismatching protocol type, invalid group id, stale generation, unknown member, unknown topic', async () => {
  const required = await conn.request(JoinGroupApi, 5, joinRequest('wire', ''));
  assert.is(required.errorCode, 79, 'MEMBER_ID_REQUIRED first');
  const joined = await conn.request(JoinGroupApi, 5, joinRequest('wire', required.memberId));
  assert.equal([joined.errorCode, joined.leader], [0, required.memberId]);
  const synced = await conn.request(SyncGroupApi, 3, { groupId: 'wire', generationId: joined.generationId, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.alloc(0) }] });
  assert.is(synced.errorCode, 0);

  assert.is((await conn.request(JoinGroupApi, 5, joinRequest('wire', '', 'connect'))).errorCode, 23, 'INCONSISTENT_GROUP_PROTOCOL');
  assert.is((await conn.request(JoinGroupApi, 5, joinRequest('fresh', '', ''))).errorCode, 23, 'an empty protocol type: INCONSISTENT_GROUP_PROTOCOL');
  assert.is((await conn.request(JoinGroupApi, 5, joinRequest('', ''))).errorCode, 24, 'INVALID_GROUP_ID');

  const code = (res: Awaited<ReturnType<typeof commitOne>>) => res.topics[0]!.partitions[0]!.errorCode;
  assert.is(code(await commitOne('wire', joined.generationId - 1, joined.memberId)), 22, 'ILLEGAL_GENERATION');
  assert.is(code(await commitOne('wire', joined.generationId, 'nobody')), 25, 'UNKNOWN_MEMBER_ID');
  assert.is(code(await commitOne('wire', joined.generationId, joined.memberId, 'no-such-topic')), 3, 'UNKNOWN_TOPIC_OR_PARTITION');
  assert.is(code(await commitOne('wire', joined.generationId, joined.memberId)), 0);
});

/** Sockets a process holds open (Linux: its fds that link to socket:[...]). */
function openSockets(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:');
    } catch {
      return false; // closed meanwhile
    }
  }).length;
}

test('a member while the coordinator is down: its retries do not pile up connections, and Ctrl-C still ends it at once', async () => {
  const member = spawnYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--group', 'outage', '--session-timeout-ms', '3000', '--heartbeat-interval-ms', '200']);
  await member.waitForLine(ASSIGNED);
  const before = openSockets(member.pid);
  await cluster.supervisor.handleControl('kill', 'zookeeper');
  try {
    await new Promise((r) => setTimeout(r, 4000)); // twenty heartbeats and their retries
    const during = openSockets(member.pid);
    assert.ok(during <= before + 2, `sockets ${before} before the outage, ${during} during it`);
    const stopped = await Promise.race([member.stop('SIGINT'), new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
    assert.ok(stopped, 'Ctrl-C ended it within 15 s');
    assert.is(stopped!.code, 130, stopped!.stderr);
  } finally {
    await cluster.supervisor.handleControl('restart', 'zookeeper');
  }
});

test('a coordinator restart loses nothing: committed offsets stay, a live member keeps its partitions; while it is down brokers answer COORDINATOR_NOT_AVAILABLE', async () => {
  const survivor = spawnYak([
    'consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--group', 'survivors', '--session-timeout-ms', '3000', '--heartbeat-interval-ms', '300', '--commit', 'sync',
  ]);
  assert.equal(partitionsOf(await survivor.waitForLine(ASSIGNED)), [0, 1, 2, 3, 4, 5]);

  await cluster.supervisor.handleControl('kill', 'zookeeper');
  let down = await fetchOne('wire');
  // The kill is asynchronous: until the process is gone the answer may still come from it.
  while (down.errorCode === 0) down = await fetchOne('wire');
  assert.is(down.errorCode, 15, 'COORDINATOR_NOT_AVAILABLE');
  for (;;) {
    try {
      await cluster.supervisor.handleControl('restart', 'zookeeper');
      break;
    } catch (err) {
      if (!(err instanceof UserError) || !/is running/.test(err.message)) throw err;
      await new Promise((r) => setTimeout(r, 50)); // the supervisor has not seen the exit yet
    }
  }
  const back = await fetchOne('wire');
  assert.is(back.errorCode, 0);
  assert.is(back.topics[0]!.partitions[0]!.committedOffset, 3);

  await produce(['after-restart']);
  await survivor.waitFor(() => survivor.stdoutLines().includes('after-restart'), 'the record produced after the restart');
  const stopped = await survivor.stop('SIGINT');
  assert.is(stopped.code, 130, stopped.stderr);
  assert.is(stopped.stderr.split('\n').filter((l) => ASSIGNED.test(l)).length, 1, 'no rebalance: the restarted coordinator still knew the member');
});

test.run();
