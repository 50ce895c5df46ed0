/**
 * Static membership (KIP-345) and the newest group API versions on a real cluster with Kafka's
 * initial rebalance delay: over the wire at the flexible versions (JoinGroup v9, SyncGroup v5,
 * Heartbeat v4, LeaveGroup v5, DescribeGroups v5, OffsetFetch v8 with several groups, OffsetDelete),
 * with @platformatic/kafka 1.x (which speaks only flexible versions) static members, and with
 * librdkafka (confluent-kafka) static members, one restarted without the other noticing.
 */
import { Admin as PlatformaticAdmin, Consumer as PlatformaticConsumer } from '@platformatic/kafka';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { Connection } from '../../src/net/connection.js';
import {
  DescribeGroupsApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  OffsetCommitApi,
  OffsetDeleteApi,
  OffsetFetchApi,
  SyncGroupApi,
  type JoinGroupRequest,
} from '../../src/protocol/apis/index.js';
import { encodeSubscription } from '../../src/protocol/consumer-protocol.js';
import { killYakProcesses, runYak, spawnYak, startCluster, type TestCluster, type YakProcess } from '../helpers/cluster.js';
import { brokerById, runProcess } from '../helpers/wire.js';

const test = suite('static membership and the newest group API versions');
let cluster: TestCluster;
const conns: Connection[] = [];
const children: ChildProcess[] = [];

const TOPIC = 'static-orders';
const PARTITIONS = 4;
const INITIAL_DELAY_MS = 1500;

test.before(async () => {
  cluster = await startCluster({ brokers: 1, groupInitialRebalanceDelayMs: INITIAL_DELAY_MS });
  const created = await runYak(['topic', 'create', TOPIC, '-p', String(PARTITIONS), '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
});

test.after(async () => {
  killYakProcesses();
  for (const c of children) c.kill('SIGKILL');
  for (const c of conns) c.close();
  await cluster?.destroy();
});

async function connect(): Promise<Connection> {
  const b = brokerById(cluster, 1);
  const conn = await Connection.connect(b.host, b.port, { clientId: 'static-test', requestTimeoutMs: 30_000 });
  conns.push(conn);
  return conn;
}

const join = (conn: Connection, groupId: string, memberId: string, groupInstanceId: string | null, version = 9) => {
  const req: JoinGroupRequest = {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription({ topics: [TOPIC], userData: null }) }],
    reason: 'test',
  };
  return conn.request(JoinGroupApi, version, req);
};

/** Joins a dynamic member at v9 (MEMBER_ID_REQUIRED first). */
async function joinDynamic(conn: Connection, groupId: string) {
  const first = await join(conn, groupId, '', null);
  assert.is(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  return join(conn, groupId, first.memberId, null);
}

test('two members starting together get one generation (group.initial.rebalance.delay.ms)', async () => {
  const [a, b] = [await connect(), await connect()];
  const started = Date.now();
  const [ja, jb] = await Promise.all([joinDynamic(a, 'together'), joinDynamic(b, 'together')]);
  assert.equal([ja.errorCode, jb.errorCode, ja.generationId, jb.generationId], [0, 0, 1, 1]);
  assert.is((ja.members.length || jb.members.length), 2, 'the leader saw both');
  assert.is(ja.protocolType, 'consumer', 'JoinGroup v7+ names the protocol type');
  assert.ok(Date.now() - started >= INITIAL_DELAY_MS - 100, 'the first rebalance waited for more members');
});

test('a static member restarted over the wire keeps its assignment; the other member is not rebalanced; the old id is fenced', async () => {
  const [a, b] = [await connect(), await connect()];
  const [ja, jb] = await Promise.all([join(a, 'wire-static', '', 'inst-a'), joinDynamic(b, 'wire-static')]);
  const gen = ja.generationId;
  assert.equal([ja.errorCode, jb.errorCode, jb.generationId], [0, 0, gen]);
  const [leader, leaderConn] = ja.leader === ja.memberId ? [ja, a] : [jb, b];
  const assignments = [
    { memberId: ja.memberId, assignment: Buffer.from('for-a') },
    { memberId: jb.memberId, assignment: Buffer.from('for-b') },
  ];
  const follower = leader === ja ? { conn: b, res: jb, instance: null } : { conn: a, res: ja, instance: 'inst-a' };
  const followerSync = follower.conn.request(SyncGroupApi, 5, { groupId: 'wire-static', generationId: gen, memberId: follower.res.memberId, groupInstanceId: follower.instance, protocolType: 'consumer', protocolName: 'range', assignments: [] });
  const leaderSync = await leaderConn.request(SyncGroupApi, 5, { groupId: 'wire-static', generationId: gen, memberId: leader.memberId, groupInstanceId: leader === ja ? 'inst-a' : null, protocolType: 'consumer', protocolName: 'range', assignments });
  assert.equal([leaderSync.errorCode, (await followerSync).errorCode, leaderSync.protocolName], [0, 0, 'range']);

  // inst-a "restarts": a new connection, no member id, the same instance id.
  const a2 = await connect();
  const back = await join(a2, 'wire-static', '', 'inst-a');
  assert.equal([back.errorCode, back.generationId], [0, gen], 'same generation: no rebalance');
  assert.not.equal(back.memberId, ja.memberId);
  const synced = await a2.request(SyncGroupApi, 5, { groupId: 'wire-static', generationId: gen, memberId: back.memberId, groupInstanceId: 'inst-a', assignments: [] });
  assert.equal([synced.errorCode, synced.assignment.toString()], [0, 'for-a']);
  const hb = (conn: Connection, memberId: string, groupInstanceId: string | null) => conn.request(HeartbeatApi, 4, { groupId: 'wire-static', generationId: gen, memberId, groupInstanceId });
  assert.is((await hb(b, jb.memberId, null)).errorCode, ErrorCode.NONE, 'the dynamic member carries on in its generation');
  assert.is((await hb(a, ja.memberId, 'inst-a')).errorCode, ErrorCode.FENCED_INSTANCE_ID, 'the replaced incarnation is fenced');

  const described = (await b.request(DescribeGroupsApi, 5, { groups: ['wire-static'], includeAuthorizedOperations: true })).groups[0]!;
  assert.equal([described.groupState, described.authorizedOperations], ['Stable', 328]);
  assert.equal(described.members.map((m) => m.groupInstanceId).sort(), ['inst-a', null].sort() as (string | null)[]);

  // An operator removes inst-a by instance id alone (LeaveGroup v5 batch); the other member rebalances.
  const left = await b.request(LeaveGroupApi, 5, { groupId: 'wire-static', members: [{ memberId: '', groupInstanceId: 'inst-a', reason: 'operator' }, { memberId: 'ghost', groupInstanceId: null }] });
  assert.equal(left.members!.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.is((await hb(b, jb.memberId, null)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
});

test('OffsetFetch v8 answers several groups with their leader epochs; OffsetDelete removes an empty group offsets', async () => {
  const conn = await connect();
  for (const [groupId, offset] of [['offsets-1', 11], ['offsets-2', 22]] as const) {
    const partitions = [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: offset % 10, committedMetadata: null }];
    const res = await conn.request(OffsetCommitApi, 9, { groupId, generationId: -1, memberId: '', topics: [{ name: TOPIC, partitions }] });
    assert.is(res.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
  }
  const fetch = () => conn.request(OffsetFetchApi, 8, { groups: [{ groupId: 'offsets-1', topics: null }, { groupId: 'offsets-2', topics: [{ name: TOPIC, partitionIndexes: [1, 2] }] }] });
  const fetched = await fetch();
  assert.equal(fetched.groups!.map((g) => [g.groupId, g.errorCode, g.topics.flatMap((t) => t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch]))]), [
    ['offsets-1', 0, [[1, 11, 1]]],
    ['offsets-2', 0, [[1, 22, 2], [2, -1, -1]]],
  ]);
  const deleted = await conn.request(OffsetDeleteApi, 0, { groupId: 'offsets-1', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 1 }] }] });
  assert.equal([deleted.errorCode, deleted.topics[0]!.partitions[0]!.errorCode], [0, 0]);
  assert.equal((await fetch()).groups![0]!.topics, [], 'offsets-1 has nothing committed any more');
  const unknown = await conn.request(OffsetDeleteApi, 0, { groupId: 'never-seen', topics: [] });
  assert.is(unknown.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('@platformatic/kafka 1.x static members at the flexible versions: they share the topic, DescribeGroups v5 shows their instance ids, they leave', async () => {
  const groupId = 'platformatic-static';
  const bootstrapBrokers = cluster.bootstrap.split(',');
  const consumers = ['pa', 'pb'].map(
    (instance) => new PlatformaticConsumer({ clientId: `yak-${instance}`, bootstrapBrokers, groupId, groupInstanceId: instance, sessionTimeout: 10_000, heartbeatInterval: 500, retries: 3 }),
  );
  const admin = new PlatformaticAdmin({ clientId: 'yak-platformatic-admin', bootstrapBrokers, retries: 3 });
  try {
    // Group membership only (joinGroup, not consume): fetching is another part's API.
    for (const c of consumers) c.topics.track(TOPIC);
    await Promise.all(consumers.map((c) => c.joinGroup()));
    const assigned = () => consumers.map((c) => (c.assignments ?? []).flatMap((a) => a.partitions));
    await until('both consumers assigned all partitions', () => {
      const [a, b] = assigned();
      return a!.length > 0 && b!.length > 0 && a!.length + b!.length === PARTITIONS;
    });
    const described = (await admin.describeGroups({ groups: [groupId] })).get(groupId)!;
    assert.is(described.state.toLowerCase(), 'stable');
    assert.equal([...described.members.values()].map((m) => m.groupInstanceId).sort(), ['pa', 'pb']);
    const listed = await admin.listGroups();
    assert.ok(listed.has(groupId), 'ListGroups lists it');
    for (const c of consumers) await c.leaveGroup();
    const after = (await admin.describeGroups({ groups: [groupId] })).get(groupId)!;
    assert.is(after.members.size, 0, 'LeaveGroup v5 removed both');
    await admin.deleteGroups({ groups: [groupId] });
  } finally {
    await admin.close();
    for (const c of consumers) await c.close(true);
  }
});

test('yak consume --group-instance-id: restarted, it gets its partitions back in the same generation; the other member prints no new generation', async () => {
  const member = (instance: string): YakProcess =>
    spawnYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--group', 'yak-static', '--group-instance-id', instance, '--session-timeout-ms', '10000', '--heartbeat-interval-ms', '300']);
  const ASSIGNED = /generation (\d+): assigned partition\(s\) \[([\d,]*)\]/;
  const lastAssignment = (p: YakProcess) => {
    const lines = p.stderr().split('\n').filter((l) => ASSIGNED.test(l));
    const m = lines.length ? ASSIGNED.exec(lines.at(-1)!)! : null;
    return m ? { generation: Number(m[1]), partitions: m[2]!.split(',').filter(Boolean).map(Number), lines: lines.length } : null;
  };
  const a = member('ya');
  const b = member('yb');
  await until('both members assigned all partitions', () => {
    const [la, lb] = [lastAssignment(a), lastAssignment(b)];
    return !!la && !!lb && la.generation === lb.generation && la.partitions.length > 0 && la.partitions.length + lb.partitions.length === PARTITIONS;
  });
  const before = { a: lastAssignment(a)!, b: lastAssignment(b)! };
  const described = await runYak(['group', 'describe', 'yak-static', '--json', '--bootstrap', cluster.bootstrap]);
  assert.is(described.code, 0, described.stderr);
  assert.equal((JSON.parse(described.stdout) as { members: { groupInstanceId: string }[] }).members.map((m) => m.groupInstanceId).sort(), ['ya', 'yb'], 'yak group describe shows instance ids');
  const stopped = await a.stop('SIGINT');
  assert.is(stopped.code, 130, stopped.stderr);
  const a2 = member('ya');
  await until('the restarted member assigned', () => lastAssignment(a2) !== null);
  assert.equal(lastAssignment(a2), { ...before.a, lines: 1 }, 'same generation, same partitions');
  await new Promise((r) => setTimeout(r, 2000)); // a rebalance of yb would show by now
  assert.equal(lastAssignment(b), before.b, 'yb printed no new generation');
  await Promise.all([a2.stop('SIGINT'), b.stop('SIGINT')]);
});

// ---- librdkafka (confluent-kafka) static members ----

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(import.meta.dirname, 'fixtures', 'librdkafka-static-member.py');

interface Member {
  proc: ChildProcess;
  events: Record<string, unknown>[];
}

function startMember(instance: string): Member {
  const proc = spawn(PYTHON, [SCRIPT, cluster.bootstrap, TOPIC, 'rdkafka-static', instance], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(proc);
  const events: Record<string, unknown>[] = [];
  readline.createInterface({ input: proc.stdout! }).on('line', (l) => events.push(JSON.parse(l)));
  return { proc, events };
}

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const assignedOf = (m: Member) => m.events.filter((e) => 'assigned' in e).map((e) => e.assigned as number[]);

test('librdkafka: a static member restarted gets its partitions back and the other member does not rebalance', async () => {
  const probe = await runProcess(PYTHON, ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (probe?.code !== 0) {
    console.log('  skipped: the librdkafka static membership test needs Debian package python3-confluent-kafka');
    return;
  }
  const a = startMember('rd-a');
  const b = startMember('rd-b');
  await until('both members assigned all partitions', () => {
    const [la, lb] = [assignedOf(a).at(-1) ?? [], assignedOf(b).at(-1) ?? []];
    return la.length + lb.length === PARTITIONS && la.length > 0 && lb.length > 0;
  });
  const bEventsBefore = b.events.length;
  const aPartitions = assignedOf(a).at(-1)!;
  a.proc.stdin!.end();
  await until('rd-a closed', () => a.events.some((e) => e.closed));
  const a2 = startMember('rd-a');
  await until('the restarted rd-a assigned', () => assignedOf(a2).length > 0);
  assert.equal(assignedOf(a2).at(-1), aPartitions, 'the same partitions as before its restart');
  await new Promise((r) => setTimeout(r, 2000)); // a rebalance of rd-b would show by now
  assert.equal(b.events.slice(bEventsBefore), [], 'rd-b saw no revoke and no new assignment');
  for (const m of [a2, b]) m.proc.stdin!.end();
  await until('both closed', () => [a2, b].every((m) => m.events.some((e) => e.closed)));
});

test.run();
