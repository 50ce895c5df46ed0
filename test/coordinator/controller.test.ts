/**
 * The controller over a real MetadataStore (SQLite in a temp dir): broker sessions, topic creation
 * with Kafka's validation error codes, failover on session expiry or process exit (new leader from
 * the ISR, epoch bump, offline partitions), recovery when a broker returns, AlterIsr fencing, the
 * metadata long poll, and a controller restart that loses nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState, TopicState } from '../../src/common/cluster-types.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { ClusterEvent } from '../../src/common/cluster-events.js';
import { Controller, type ControllerOptions } from '../../src/coordinator/controller.js';
import { MetadataStore } from '../../src/coordinator/metadata-store.js';

const OPTS: ControllerOptions = {
  heartbeatIntervalMs: 500,
  // Long enough that the controller's own expiry timer never fires during a test: expiry is driven
  // explicitly with expireSessions(now).
  sessionTimeoutMs: 60_000,
  leaderRebalanceIntervalMs: 0,
};

let dir = '';
let store: MetadataStore;
let controller: Controller;
let t0 = 0;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-controller-test-'));
  store = new MetadataStore(dir);
  t0 = Date.now();
  controller = new Controller(store, OPTS, t0);
});

test.after.each(() => {
  controller.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const register = (id: number, now = t0, pid = 1000 + id) =>
  controller.registerBroker({ brokerId: id, host: '127.0.0.1', port: 9090 + id, pid }, now);

function topic(name: string): TopicState {
  const t = controller.snapshot().topics.find((x) => x.name === name);
  if (!t) throw new Error(`no topic ${name}`);
  return t;
}
const brokerState = (id: number) => controller.snapshot().brokers.find((b) => b.id === id)?.state;
const create = (name: string, partitions: number, replicationFactor: number, configs?: Record<string, string>) =>
  controller.createTopics([{ name, partitions, replicationFactor, ...(configs ? { configs } : {}) }])[0]!;

// --- registration and heartbeats ----------------------------------------------------------------------

test('a registration with an address no client can reach (port 0, 1000000, -2; an empty or garbage host; a negative id) is refused and changes nothing (the wire fuzzer registered broker-7700 at 127.0.0.1:-2)', () => {
  register(1);
  const v0 = controller.metadataVersion;
  for (const [brokerId, host, port] of [[2, '127.0.0.1', 0], [2, '127.0.0.1', 1_000_000], [2, '127.0.0.1', -2], [2, '', 9092], [2, "12'. .0.1", 9092], [2, 'x'.repeat(300), 9092], [2, '..', 9092], [2, '-1', 9092], [2, 'a b', 9092], [-1, '127.0.0.1', 9092]] as const) {
    const info = controller.registerBroker({ brokerId, host, port, pid: 5 }, t0);
    assert.is(info.errorCode, ErrorCode.INVALID_REQUEST, `${brokerId}@${host}:${port}`);
    assert.ok(info.errorMessage, 'says why');
  }
  assert.is(controller.metadataVersion, v0, 'nothing committed');
  assert.equal(controller.snapshot().brokers.map((b) => b.id), [1]);
  for (const host of ['localhost', 'broker-2.example.com', '::1', '10.0.0.7', 'fe80::1', 'kafka_1']) assert.is(controller.registerBroker({ brokerId: 2, host, port: 9092, pid: 5 }, t0).errorCode, ErrorCode.NONE, host);
});

test('registerBroker returns leader_info with the session and current metadata, and bumps the version', () => {
  const v0 = controller.metadataVersion;
  const info = register(1);
  assert.is(info.errorCode, ErrorCode.NONE);
  assert.is(info.heartbeatIntervalMs, 500);
  assert.is(controller.metadataVersion, v0 + 1);
  assert.is(info.metadata.version, controller.metadataVersion);
  assert.equal(
    info.metadata.brokers.map((b) => [b.id, b.host, b.port, b.pid, b.state]),
    [[1, '127.0.0.1', 9091, 1001, 'alive']],
  );
  assert.type(info.metadata.clusterId, 'string');
  assert.ok(info.metadata.clusterId.length > 0);
  assert.is(store.clusterId(), info.metadata.clusterId, 'cluster id persisted');

  const info2 = register(2);
  assert.ok(info2.brokerEpoch > info.brokerEpoch, 'broker epochs increase');
  assert.equal(
    controller.snapshot().brokers.map((b) => b.id),
    [1, 2],
  );
});

test('heartbeat: accepted for the current broker epoch, STALE_BROKER_EPOCH (77) otherwise', () => {
  const { brokerEpoch } = register(1);
  assert.is(controller.heartbeat(1, brokerEpoch, t0 + 100).errorCode, ErrorCode.NONE);
  assert.is(controller.heartbeat(1, brokerEpoch + 1, t0 + 100).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  assert.is(controller.heartbeat(9, 1, t0 + 100).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  assert.is(ErrorCode.STALE_BROKER_EPOCH, 77);
  // Re-registering replaces the session: the old epoch is stale.
  const again = register(1, t0 + 200, 2001);
  assert.is(controller.heartbeat(1, brokerEpoch, t0 + 300).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  assert.is(controller.heartbeat(1, again.brokerEpoch, t0 + 300).errorCode, ErrorCode.NONE);
});

// --- topic creation -----------------------------------------------------------------------------------

test('createTopics: every partition led by its first replica, full ISR, epoch 0, leaders spread', () => {
  register(1);
  register(2);
  register(3);
  const events: ClusterEvent[] = [];
  controller.onEvent((e) => events.push(e));
  const v = controller.metadataVersion;
  const res = controller.createTopics([{ name: 'orders', partitions: 6, replicationFactor: 3 }]);
  assert.equal(res.map((r) => [r.name, r.errorCode]), [['orders', 0]]);
  assert.is(controller.metadataVersion, v + 1);
  const t = topic('orders');
  assert.is(t.partitions.length, 6);
  assert.ok(t.id.length > 0);
  const leaders = new Map<number, number>();
  t.partitions.forEach((p, i) => {
    assert.is(p.partition, i);
    assert.is(p.replicas.length, 3);
    assert.is(new Set(p.replicas).size, 3);
    assert.is(p.leader, p.replicas[0]);
    assert.equal(p.isr, p.replicas);
    assert.is(p.leaderEpoch, 0);
    leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
  });
  assert.equal([...leaders.values()], [2, 2, 2]);
  assert.ok(events.some((e) => e.type === 'topic-created' && e.topic === 'orders' && e.partitions === 6 && e.replicationFactor === 3));
  // Persisted before it is announced.
  assert.equal(store.topics().find((x) => x.name === 'orders')?.partitions, t.partitions);
  assert.is(store.version(), controller.metadataVersion);
});

test('createTopics validation errors: 17 invalid name, 36 exists, 37 partitions, 38 replication factor', () => {
  register(1);
  register(2);
  assert.is(create('exists', 1, 1).errorCode, ErrorCode.NONE);
  const v = controller.metadataVersion;
  const cases: [string, number, number, number][] = [
    ['', 1, 1, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ['bad name!', 1, 1, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ['..', 1, 1, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ['a'.repeat(250), 1, 1, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ['exists', 1, 1, ErrorCode.TOPIC_ALREADY_EXISTS],
    ['zero-partitions', 0, 1, ErrorCode.INVALID_PARTITIONS],
    ['negative-partitions', -3, 1, ErrorCode.INVALID_PARTITIONS],
    ['fractional-partitions', 1.5, 1, ErrorCode.INVALID_PARTITIONS],
    ['rf-above-live', 1, 3, ErrorCode.INVALID_REPLICATION_FACTOR],
    ['rf-zero', 1, 0, ErrorCode.INVALID_REPLICATION_FACTOR],
  ];
  for (const [name, partitions, rf, code] of cases) {
    const r = create(name, partitions, rf);
    assert.is(r.errorCode, code, `${JSON.stringify(name.slice(0, 20))} p=${partitions} rf=${rf}`);
    assert.type(r.errorMessage, 'string');
  }
  assert.equal([ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.TOPIC_ALREADY_EXISTS, ErrorCode.INVALID_PARTITIONS, ErrorCode.INVALID_REPLICATION_FACTOR], [17, 36, 37, 38]);
  assert.is(controller.metadataVersion, v, 'failed creations change nothing');
  assert.equal(
    controller.snapshot().topics.map((t) => t.name),
    ['exists'],
  );
});

test('createTopics: a batch succeeds and fails per topic; validateOnly creates nothing', () => {
  register(1);
  const res = controller.createTopics([
    { name: 'good-1', partitions: 2, replicationFactor: 1 },
    { name: 'bad/name', partitions: 2, replicationFactor: 1 },
    { name: 'good-2', partitions: 1, replicationFactor: 1 },
  ]);
  assert.equal(res.map((r) => r.errorCode), [0, 17, 0]);
  assert.equal(
    controller.snapshot().topics.map((t) => t.name),
    ['good-1', 'good-2'],
  );
  const v = controller.metadataVersion;
  const dry = controller.createTopics([{ name: 'dry-run', partitions: 1, replicationFactor: 1 }], true);
  assert.is(dry[0]!.errorCode, ErrorCode.NONE);
  assert.is(controller.metadataVersion, v);
  assert.not.ok(controller.snapshot().topics.some((t) => t.name === 'dry-run'));
  assert.is(controller.createTopics([{ name: 'good-1', partitions: 1, replicationFactor: 1 }], true)[0]!.errorCode, ErrorCode.TOPIC_ALREADY_EXISTS);
});

test('replication factor -1 means the default; replication factor counts live brokers only', () => {
  register(1);
  register(2);
  assert.is(create('dflt', 2, -1).errorCode, ErrorCode.NONE);
  assert.equal(
    topic('dflt').partitions.map((p) => p.replicas.length),
    [2, 2],
  );
  controller.brokerExited(2, 1002);
  assert.is(create('needs-two', 1, 2).errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
  assert.is(create('one-is-fine', 1, 1).errorCode, ErrorCode.NONE);
  assert.equal(topic('one-is-fine').partitions[0]!.replicas, [1], 'only live brokers get replicas');
});

test('min.insync.replicas below 1 is INVALID_CONFIG (40)', () => {
  register(1);
  assert.is(create('bad-min-isr', 1, 1, { 'min.insync.replicas': '0' }).errorCode, ErrorCode.INVALID_CONFIG);
  assert.is(ErrorCode.INVALID_CONFIG, 40);
});

// --- failover -------------------------------------------------------------------------------------------

/** Brokers 1-3, topic rf3 (3 partitions, RF 3) and rf1 (3 partitions, RF 1). */
function threeBrokerCluster() {
  const epochs = [register(1).brokerEpoch, register(2).brokerEpoch, register(3).brokerEpoch];
  assert.is(create('rf3', 3, 3).errorCode, 0);
  assert.is(create('rf1', 3, 1).errorCode, 0);
  // A deep copy: snapshot() shares the controller's live topic objects.
  return { before: structuredClone(controller.snapshot()), epochs };
}

/** What Kafka's controller does when `dead` dies, computed independently of src. */
function expectedAfterDeath(p: PartitionState, dead: number, alive: (id: number) => boolean): PartitionState {
  if (p.leader !== dead) return { ...p, isr: p.isr.filter((r) => r !== dead) };
  const next = p.replicas.find((r) => p.isr.includes(r) && alive(r));
  if (next === undefined) return { ...p, leader: -1, leaderEpoch: p.leaderEpoch + 1 };
  return { ...p, leader: next, leaderEpoch: p.leaderEpoch + 1, isr: p.isr.filter((r) => r !== dead) };
}

test('expireSessions: a silent broker is marked dead, its partitions move (epoch + 1) or go offline', () => {
  const { before, epochs } = threeBrokerCluster();
  const events: ClusterEvent[] = [];
  controller.onEvent((e) => events.push(e));
  // Brokers 2 and 3 heartbeat; broker 1 does not.
  controller.heartbeat(2, epochs[1]!, t0 + 50_000);
  controller.heartbeat(3, epochs[2]!, t0 + 50_000);
  controller.expireSessions(t0 + 59_000);
  assert.is(brokerState(1), 'alive', 'not yet past the session timeout');
  const v = controller.metadataVersion;
  controller.expireSessions(t0 + 61_000);
  assert.is(brokerState(1), 'dead');
  assert.is(brokerState(2), 'alive');
  assert.is(brokerState(3), 'alive');
  assert.ok(controller.metadataVersion > v);

  const alive = (id: number) => id !== 1;
  for (const name of ['rf3', 'rf1']) {
    const old = before.topics.find((t) => t.name === name)!;
    const now = topic(name);
    old.partitions.forEach((p, i) => {
      assert.equal(now.partitions[i], expectedAfterDeath(p, 1, alive), `${name}/${i} was ${JSON.stringify(p)}`);
    });
  }
  // The RF 1 partition on broker 1 is offline and keeps broker 1 as its ISR.
  const offline = topic('rf1').partitions.filter((p) => p.leader === -1);
  assert.is(offline.length, 1);
  assert.equal(offline[0]!.isr, [1]);
  assert.is(offline[0]!.leaderEpoch, 1);
  // Nobody leads on a dead broker, and no dead follower stays in an ISR with a live leader.
  for (const t of controller.snapshot().topics) {
    for (const p of t.partitions) {
      assert.is.not(p.leader, 1);
      if (p.leader !== -1) assert.not.ok(p.isr.includes(1), `${t.name}/${p.partition} ISR ${p.isr}`);
    }
  }
  assert.ok(events.some((e) => e.type === 'broker-dead' && e.brokerId === 1));
  const moved = events.filter((e) => e.type === 'leader-changed');
  assert.ok(moved.length >= 2, 'one per partition led by broker 1');
  // The dead broker's heartbeats are refused: it must register again.
  assert.is(controller.heartbeat(1, epochs[0]!, t0 + 62_000).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  // A second expiry pass changes nothing more.
  const v2 = controller.metadataVersion;
  controller.expireSessions(t0 + 62_000);
  assert.is(controller.metadataVersion, v2);
});

test('re-registration brings an offline partition back under a new epoch', () => {
  threeBrokerCluster();
  controller.brokerExited(1, 1001);
  const offline = structuredClone(topic('rf1').partitions.find((p) => p.leader === -1)!);
  assert.ok(offline, 'the RF 1 partition on broker 1 is offline');
  const rf3Before = structuredClone(topic('rf3'));

  const info = register(1, t0 + 1000, 5001);
  const back = topic('rf1').partitions[offline.partition]!;
  assert.is(back.leader, 1);
  assert.is(back.leaderEpoch, offline.leaderEpoch + 1);
  assert.equal(back.isr, [1]);
  assert.is(brokerState(1), 'alive');
  assert.ok(info.metadata.topics.find((t) => t.name === 'rf1')!.partitions[offline.partition]!.leader === 1, 'leader_info has the new state');
  // Partitions that already moved keep their new leader (no churn); broker 1 rejoins ISRs through its leaders.
  assert.equal(topic('rf3'), rf3Before);
});

test('brokerExited: ignored for another pid (a restarted process), acts at once for the matching pid', () => {
  threeBrokerCluster();
  const before = structuredClone(topic('rf3'));
  const v = controller.metadataVersion;
  controller.brokerExited(2, 999_999);
  assert.is(brokerState(2), 'alive');
  assert.is(controller.metadataVersion, v);
  controller.brokerExited(2, 1002);
  assert.is(brokerState(2), 'dead');
  const alive = (id: number) => id !== 2;
  before.partitions.forEach((p, i) => assert.equal(topic('rf3').partitions[i], expectedAfterDeath(p, 2, alive)));
  assert.ok(topic('rf3').partitions.every((p) => p.leader !== 2));
  // Reported twice: nothing more happens.
  const v2 = controller.metadataVersion;
  controller.brokerExited(2, 1002);
  assert.is(controller.metadataVersion, v2);
});

test('all ISR members dead: leader -1, ISR keeps a member; it leads again when it returns', () => {
  register(1);
  register(2);
  assert.is(create('pair', 1, 2).errorCode, 0);
  const p0 = topic('pair').partitions[0]!;
  const [first, second] = p0.replicas as [number, number];
  controller.brokerExited(second, 1000 + second);
  controller.brokerExited(first, 1000 + first);
  const p = topic('pair').partitions[0]!;
  assert.is(p.leader, -1);
  assert.equal(p.isr, [first], 'the last leader stays in the ISR (clean election only)');
  assert.is(p.leaderEpoch, 1, 'losing a follower is not a leader change; losing the leader is');
  // The out-of-sync replica returning does not lead (no unclean election by default).
  register(second, t0 + 10, 7000);
  assert.is(topic('pair').partitions[0]!.leader, -1);
  register(first, t0 + 20, 7001);
  assert.is(topic('pair').partitions[0]!.leader, first);
  assert.is(topic('pair').partitions[0]!.leaderEpoch, 2);
});

// --- AlterIsr and preferred leaders -----------------------------------------------------------------------

test('alterIsr: only the current leader at the current epoch may change the ISR', () => {
  const { epochs } = threeBrokerCluster();
  controller.brokerExited(3, 1003);
  const p = structuredClone(topic('rf3').partitions[0]!);
  const leader = p.leader;
  const leaderBrokerEpoch = epochs[leader - 1]!;
  const req = { brokerId: leader, brokerEpoch: leaderBrokerEpoch, topic: 'rf3', partition: 0, leaderEpoch: p.leaderEpoch, currentIsr: p.isr };
  const follower = p.replicas.find((r) => r !== leader && r !== 3)!;

  assert.is(controller.alterIsr({ ...req, leaderEpoch: p.leaderEpoch - 1, isr: [leader] }).errorCode, ErrorCode.FENCED_LEADER_EPOCH);
  assert.is(
    controller.alterIsr({ ...req, brokerId: follower, brokerEpoch: epochs[follower - 1]!, isr: [follower] }).errorCode,
    ErrorCode.NOT_LEADER_OR_FOLLOWER,
  );
  assert.is(controller.alterIsr({ ...req, brokerEpoch: leaderBrokerEpoch + 100, isr: [leader] }).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  assert.is(controller.alterIsr({ ...req, isr: [follower] }).errorCode, ErrorCode.INVALID_REQUEST, 'the leader must stay in its ISR');
  assert.is(controller.alterIsr({ ...req, isr: [leader, 3] }).errorCode, ErrorCode.INVALID_REQUEST, 'a dead broker cannot join');
  assert.is(controller.alterIsr({ ...req, partition: 99, isr: [leader] }).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal(topic('rf3').partitions[0]!.isr, p.isr, 'rejected requests change nothing');

  const shrink = controller.alterIsr({ ...req, isr: [leader] });
  assert.is(shrink.errorCode, ErrorCode.NONE);
  assert.equal(topic('rf3').partitions[0]!.isr, [leader]);
  assert.is(shrink.metadataVersion, controller.metadataVersion);
  const stale = controller.alterIsr({ ...req, isr: [follower, leader] });
  assert.is(stale.errorCode, ErrorCode.INVALID_UPDATE_VERSION, 'computed from the ISR before the shrink: refused');
  assert.equal(topic('rf3').partitions[0]!.isr, [leader]);
  const grow = controller.alterIsr({ ...req, currentIsr: [leader], isr: [follower, leader] });
  assert.is(grow.errorCode, ErrorCode.NONE);
  assert.equal(topic('rf3').partitions[0]!.isr, p.replicas.filter((r) => r === leader || r === follower), 'kept in replica order');
  assert.is(topic('rf3').partitions[0]!.leaderEpoch, p.leaderEpoch, 'ISR changes do not bump the leader epoch');
});

test('rebalanceLeaders returns leadership to the preferred replica once it is back in the ISR', () => {
  const { epochs } = threeBrokerCluster();
  const preferredOf1 = topic('rf3').partitions.find((p) => p.replicas[0] === 1)!;
  controller.brokerExited(1, 1001);
  const moved = structuredClone(topic('rf3').partitions[preferredOf1.partition]!);
  assert.is.not(moved.leader, 1);
  const fresh = register(1, t0 + 1000, 6001);
  controller.rebalanceLeaders();
  assert.is(topic('rf3').partitions[preferredOf1.partition]!.leader, moved.leader, 'not in sync yet: no move');
  // The leader adds broker 1 back once it has caught up.
  const ok = controller.alterIsr({
    brokerId: moved.leader,
    brokerEpoch: epochs[moved.leader - 1]!,
    topic: 'rf3',
    partition: moved.partition,
    leaderEpoch: moved.leaderEpoch,
    currentIsr: moved.isr,
    isr: [...moved.isr, 1],
  });
  assert.is(ok.errorCode, ErrorCode.NONE);
  controller.rebalanceLeaders();
  const back = topic('rf3').partitions[preferredOf1.partition]!;
  assert.is(back.leader, 1);
  assert.is(back.leaderEpoch, moved.leaderEpoch + 1);
  assert.ok(fresh.brokerEpoch > epochs[0]!);
});

// --- watch ------------------------------------------------------------------------------------------------

test('watch resolves at once when the version is already newer', async () => {
  register(1);
  const started = Date.now();
  const m = await controller.watch(controller.metadataVersion - 1, 5_000);
  assert.is(m.version, controller.metadataVersion);
  assert.ok(Date.now() - started < 1_000);
});

test('watch resolves on the next change, with the new metadata', async () => {
  register(1);
  const v = controller.metadataVersion;
  const started = Date.now();
  const pending = controller.watch(v, 10_000);
  setTimeout(() => create('late', 1, 1), 10);
  const m = await pending;
  assert.is(m.version, v + 1);
  assert.ok(m.topics.some((t) => t.name === 'late'));
  assert.ok(Date.now() - started < 5_000, 'did not wait for the timeout');
});

test('watch resolves on timeout with the unchanged metadata', async () => {
  register(1);
  const v = controller.metadataVersion;
  const started = Date.now();
  const m = await controller.watch(v, 40);
  assert.is(m.version, v);
  assert.ok(Date.now() - started >= 30, 'waited');
});

test('close releases pending watchers', async () => {
  const v = controller.metadataVersion;
  const pending = controller.watch(v, 30_000);
  controller.close();
  const m = await pending;
  assert.is(m.version, v);
});

// --- deletion and restart ---------------------------------------------------------------------------------

test('deleteTopics removes a topic; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION (3)', () => {
  register(1);
  create('doomed', 2, 1);
  const res = controller.deleteTopics(['doomed', 'never-was']);
  assert.equal(res.map((r) => [r.name, r.errorCode]), [
    ['doomed', 0],
    ['never-was', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ]);
  assert.not.ok(controller.snapshot().topics.some((t) => t.name === 'doomed'));
  assert.not.ok(store.topics().some((t) => t.name === 'doomed'));
});

test('a topic deleted and created again gets a new id and only its new partitions, also after a restart', () => {
  register(1);
  create('again', 3, 1);
  const oldId = topic('again').id;
  controller.deleteTopics(['again']);
  create('again', 1, 1);
  assert.is.not(topic('again').id, oldId);
  assert.is(topic('again').partitions.length, 1);
  controller.close();
  store.close();
  store = new MetadataStore(dir);
  controller = new Controller(store, OPTS, Date.now());
  assert.is(topic('again').partitions.length, 1, 'no partition rows left over from the deleted topic');
  assert.is.not(topic('again').id, oldId);
});

test('a new Controller over the same store directory has every topic, assignment and epoch', () => {
  const { epochs } = threeBrokerCluster();
  create('gone', 1, 1);
  controller.deleteTopics(['gone']);
  controller.brokerExited(3, 1003); // epochs move, a partition may go offline
  const before = structuredClone(controller.snapshot());
  const clusterId = before.clusterId;
  controller.close();
  store.close();

  store = new MetadataStore(dir);
  controller = new Controller(store, OPTS, Date.now());
  const after = controller.snapshot();
  assert.is(after.clusterId, clusterId);
  assert.is(after.version, before.version);
  assert.is(controller.metadataVersion, before.version);
  assert.equal(after.topics, before.topics, 'topics, ids, assignments, ISRs, leaders, epochs');
  assert.equal(
    after.brokers.map((b) => [b.id, b.host, b.port, b.pid]),
    before.brokers.map((b) => [b.id, b.host, b.port, b.pid]),
  );
  // Live brokers keep their sessions across the restart: their heartbeats are still accepted.
  assert.is(controller.heartbeat(1, epochs[0]!).errorCode, ErrorCode.NONE);
  assert.is(controller.heartbeat(2, epochs[1]!).errorCode, ErrorCode.NONE);
  // And versions go on from where they were.
  create('after-restart', 1, 1);
  assert.is(controller.metadataVersion, before.version + 1);
});

test('createPartitions grows a topic with its replication factor; fewer, unknown or too few brokers are refused', () => {
  for (const id of [1, 2, 3]) register(id);
  create('grow', 2, 2);
  const events: ClusterEvent[] = [];
  controller.onEvent((e) => events.push(e));
  const v = controller.metadataVersion;
  assert.equal(controller.createPartitions([{ name: 'grow', count: 5 }]), [{ name: 'grow', errorCode: ErrorCode.NONE }]);
  const t = topic('grow');
  assert.equal(t.partitions.map((p) => p.partition), [0, 1, 2, 3, 4]);
  assert.ok(t.partitions.every((p) => p.replicas.length === 2 && p.leader === p.replicas[0] && p.isr.length === 2));
  assert.is(controller.metadataVersion, v + 1);
  assert.equal(events, [{ type: 'partitions-added', topic: 'grow', from: 2, to: 5 }]);
  assert.is(store.topics().find((x) => x.name === 'grow')!.partitions.length, 5, 'persisted');

  const code = (name: string, count: number, validateOnly = false) => controller.createPartitions([{ name, count }], validateOnly)[0]!.errorCode;
  assert.is(code('grow', 5), ErrorCode.INVALID_PARTITIONS, 'not more than now');
  assert.is(code('grow', 3), ErrorCode.INVALID_PARTITIONS, 'never fewer');
  assert.is(code('nope', 3), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.is(code('grow', 8, true), ErrorCode.NONE);
  assert.is(topic('grow').partitions.length, 5, 'validateOnly changes nothing');
});

// --- manual replica assignments and racks ---------------------------------------------------------------

const assigned = (...lists: number[][]) => lists.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds }));

test('createTopics with a manual assignment: the replicas as given, led by the first live one; a dead replica stays out of the ISR', () => {
  for (const id of [1, 2, 3]) register(id);
  const ok = controller.createTopics([{ name: 'manual', partitions: -1, replicationFactor: -1, assignments: assigned([3, 1], [2, 3], [1, 2]) }]);
  assert.equal(ok, [{ name: 'manual', errorCode: ErrorCode.NONE }]);
  assert.equal(topic('manual').partitions.map((p) => [p.replicas, p.leader, p.isr]), [[[3, 1], 3, [3, 1]], [[2, 3], 2, [2, 3]], [[1, 2], 1, [1, 2]]]);
  assert.is(topic('manual').configs['min.insync.replicas'], '1', 'the defaults follow the assignment\'s replication factor');
  // Partitions given out of order are placed by their index.
  assert.is(controller.createTopics([{ name: 'shuffled', partitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 1, brokerIds: [2] }, { partitionIndex: 0, brokerIds: [1] }] }])[0]!.errorCode, ErrorCode.NONE);
  assert.equal(topic('shuffled').partitions.map((p) => p.replicas), [[1], [2]]);
  controller.brokerExited(3, 1003);
  assert.is(controller.createTopics([{ name: 'half-dead', partitions: -1, replicationFactor: -1, assignments: assigned([3, 1]) }])[0]!.errorCode, ErrorCode.NONE);
  assert.equal(topic('half-dead').partitions[0], { partition: 0, replicas: [3, 1], isr: [1], leader: 1, leaderEpoch: 0 });
});

test('createTopics refuses a bad manual assignment with INVALID_REPLICA_ASSIGNMENT (39) and a message, and creates nothing', () => {
  for (const id of [1, 2, 3]) register(id);
  controller.brokerExited(3, 1003);
  const v = controller.metadataVersion;
  const cases: [string, { partitionIndex: number; brokerIds: number[] }[], number, RegExp][] = [
    ['unknown-broker', assigned([1, 7]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /broker 7, but no such broker is registered/],
    ['duplicate', assigned([1, 2], [2, 2]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /partition 1 names broker 2 more than once/],
    ['uneven', assigned([1, 2], [2]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /partition 1 has 1 replica\(s\).*same number, 2/],
    ['empty', assigned([]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /empty replica list/],
    ['gap', [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [2] }], ErrorCode.INVALID_REPLICA_ASSIGNMENT, /numbered 0 to 1/],
    ['all-dead', assigned([3]), ErrorCode.INVALID_REPLICA_ASSIGNMENT, /dead broker/],
  ];
  assert.is(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 39);
  for (const [name, assignments, code, message] of cases) {
    const r = controller.createTopics([{ name, partitions: -1, replicationFactor: -1, assignments }])[0]!;
    assert.is(r.errorCode, code, name);
    assert.match(r.errorMessage ?? '', message, name);
  }
  const both = controller.createTopics([{ name: 'both', partitions: 1, replicationFactor: -1, assignments: assigned([1]) }])[0]!;
  assert.is(both.errorCode, ErrorCode.INVALID_REQUEST);
  assert.match(both.errorMessage ?? '', /must be -1/);
  assert.is(controller.metadataVersion, v);
  assert.equal(controller.snapshot().topics, []);
});

test('createPartitions with a manual assignment: one replica list per new partition, with the topic\'s replication factor', () => {
  for (const id of [1, 2, 3]) register(id);
  create('grow', 1, 2);
  const one = (count: number, assignments: number[][]) => controller.createPartitions([{ name: 'grow', count, assignments }])[0]!;
  for (const [count, assignments, message] of [
    [3, [[1, 2]], /needs 2 replica list\(s\), got 1/],
    [2, [[1, 2, 3]], /has 3 replica\(s\).*same number, 2/],
    [2, [[1, 9]], /no such broker/],
    [2, [[3, 3]], /more than once/],
  ] as [number, number[][], RegExp][]) {
    const r = one(count, assignments);
    assert.is(r.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT, String(message));
    assert.match(r.errorMessage ?? '', message);
  }
  assert.is(topic('grow').partitions.length, 1, 'refusals change nothing');
  assert.is(one(3, [[3, 1], [2, 3]]).errorCode, ErrorCode.NONE);
  assert.equal(topic('grow').partitions.slice(1).map((p) => [p.partition, p.replicas, p.leader]), [[1, [3, 1], 3], [2, [2, 3], 2]]);
});

test('brokers with racks: the rack is kept (also across a restart) and new topics spread every partition over the racks', () => {
  const racks: Record<number, string> = { 1: 'east', 2: 'east', 3: 'west', 4: 'west' };
  for (const id of [1, 2, 3, 4]) controller.registerBroker({ brokerId: id, host: '127.0.0.1', port: 9090 + id, pid: 1000 + id, rack: racks[id] }, t0);
  assert.equal(controller.snapshot().brokers.map((b) => b.rack), ['east', 'east', 'west', 'west']);
  create('spread', 8, 2);
  for (const p of topic('spread').partitions) assert.equal(new Set(p.replicas.map((r) => racks[r])).size, 2, `partition ${p.partition}: ${p.replicas}`);
  assert.is(controller.registerBroker({ brokerId: 5, host: '127.0.0.1', port: 9095, pid: 1005, rack: 'has space' }, t0).errorCode, ErrorCode.INVALID_REQUEST);
  controller.close();
  controller = new Controller(store, OPTS, t0);
  assert.equal(controller.snapshot().brokers.map((b) => b.rack), ['east', 'east', 'west', 'west']);
});

test('alterBrokerConfigs: dynamic configs per broker and for all (""), checked, in every snapshot, kept across a restart; {} with replace clears them', () => {
  register(1);
  const v = controller.metadataVersion;
  assert.equal(controller.alterBrokerConfigs({ brokers: [{ name: '', set: { 'log.retention.ms': '1000' } }, { name: '1', set: { 'auto.create.topics.enable': 'false' } }] }).map((r) => r.errorCode), [0, 0]);
  assert.is(controller.metadataVersion, v + 1, 'one version for the batch');
  assert.equal(controller.snapshot().brokerConfigs, { '': { 'log.retention.ms': '1000' }, '1': { 'auto.create.topics.enable': 'false' } });
  const refused = controller.alterBrokerConfigs({
    brokers: [
      { name: '', set: { 'num.partitions': '4' } },
      { name: '', set: { 'log.retention.ms': 'soon' } },
      { name: '9', set: { 'log.retention.ms': '1' } },
      { name: '', set: { 'log.retention.ms': '1' }, delete: ['log.retention.ms'] },
    ],
  });
  assert.equal(refused.map((r) => r.errorCode), [ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_CONFIG, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  assert.is(controller.metadataVersion, v + 1, 'refusals change nothing');
  assert.is(controller.alterBrokerConfigs({ brokers: [{ name: '', set: { 'log.retention.ms': '5' } }], validateOnly: true })[0]!.errorCode, ErrorCode.NONE);
  assert.is(controller.snapshot().brokerConfigs?.['']?.['log.retention.ms'], '1000', 'validateOnly changes nothing');
  controller.close();
  controller = new Controller(store, OPTS, t0);
  assert.equal(controller.snapshot().brokerConfigs, { '': { 'log.retention.ms': '1000' }, '1': { 'auto.create.topics.enable': 'false' } });
  controller.alterBrokerConfigs({ brokers: [{ name: '1', replace: true }, { name: '', delete: ['log.retention.ms'] }] });
  assert.equal(controller.snapshot().brokerConfigs, {});
  assert.equal(store.brokerConfigs(), {});
});

test('electLeaders: preferred moves leadership back to the first replica once in sync; unclean gives an offline partition a live out-of-sync replica; refusals say why', () => {
  for (const id of [1, 2, 3]) register(id);
  const stored = (id: number) => store.brokers().find((b) => b.id === id)!;
  const part = (name: string, i = 0) => topic(name).partitions[i]!;
  const shrinkIsr = (name: string, isr: number[]) => {
    const p = part(name);
    assert.is(controller.alterIsr({ brokerId: p.leader, brokerEpoch: stored(p.leader).brokerEpoch, topic: name, partition: 0, leaderEpoch: p.leaderEpoch, currentIsr: p.isr, isr }).errorCode, ErrorCode.NONE);
  };
  create('elect', 2, 2);
  const preferred = part('elect').replicas[0]!;
  // The preferred replica dies and returns: leadership moved away and stays away (rebalancing is off here).
  controller.brokerExited(preferred, stored(preferred).pid);
  register(preferred, t0 + 1, 5000 + preferred);
  assert.is.not(part('elect').leader, preferred);
  assert.is(controller.electLeaders({ electionType: 0, topicPartitions: [{ topic: 'elect', partitions: [0] }] })[0]!.errorCode, ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, 'not back in the ISR yet');
  shrinkIsr('elect', part('elect').replicas); // caught up: the leader takes it back into the ISR
  const res = controller.electLeaders({ electionType: 0, topicPartitions: [{ topic: 'elect', partitions: [0, 7, 0] }, { topic: 'elect', partitions: [7] }] });
  assert.equal(res.map((r) => [r.partition, r.errorCode]), [[0, ErrorCode.NONE], [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]], 'each partition answered once');
  assert.is(part('elect').leader, preferred);
  assert.is(controller.electLeaders({ electionType: 0, topicPartitions: [{ topic: 'elect', partitions: [0] }] })[0]!.errorCode, ErrorCode.ELECTION_NOT_NEEDED);
  assert.equal(controller.electLeaders({ electionType: 0, topicPartitions: null }), [], 'for every partition, only elections are answered');

  // Unclean: the only ISR member dies; the other replica is alive but out of sync.
  create('unclean', 1, 2);
  const [leader, follower] = part('unclean').replicas as [number, number];
  shrinkIsr('unclean', [leader]);
  controller.brokerExited(leader, stored(leader).pid);
  assert.is(part('unclean').leader, -1, 'offline');
  const elected = controller.electLeaders({ electionType: 1, topicPartitions: [{ topic: 'unclean', partitions: [0] }] });
  assert.equal(elected.map((r) => r.errorCode), [ErrorCode.NONE]);
  assert.equal([part('unclean').leader, part('unclean').isr], [follower, [follower]]);
  assert.is(controller.electLeaders({ electionType: 1, topicPartitions: [{ topic: 'unclean', partitions: [0] }] })[0]!.errorCode, ErrorCode.ELECTION_NOT_NEEDED);
});

test('reassignPartitions: new replicas join first, the move finishes once they are in sync (old ones leave, a new leader if needed); cancel, refusals, and a restart mid-move', () => {
  for (const id of [1, 2, 3, 4]) register(id);
  controller.createTopics([{ name: 'move', partitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }] }]);
  const part = () => topic('move').partitions[0]!;
  const epochOf = (id: number) => store.brokers().find((b) => b.id === id)!.brokerEpoch;
  const isr = (next: number[]) => {
    const p = part();
    return controller.alterIsr({ brokerId: p.leader, brokerEpoch: epochOf(p.leader), topic: 'move', partition: 0, leaderEpoch: p.leaderEpoch, currentIsr: p.isr, isr: next }).errorCode;
  };
  const move = (replicas: number[] | null) => controller.reassignPartitions({ topics: [{ name: 'move', partitions: [{ partitionIndex: 0, replicas }] }] })[0]!;

  assert.is(move(null).errorCode, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
  assert.is(move([1, 9]).errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.is(move([3, 3]).errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  assert.is(move([3, 4]).errorCode, ErrorCode.NONE);
  assert.equal(part(), { partition: 0, replicas: [3, 4, 1, 2], isr: [1, 2], leader: 1, leaderEpoch: 1, addingReplicas: [3, 4], removingReplicas: [1, 2] });
  // Kept across a coordinator restart.
  controller.close();
  controller = new Controller(store, OPTS, t0);
  assert.equal(part().addingReplicas, [3, 4]);

  assert.is(isr([1, 2, 3]), ErrorCode.NONE);
  assert.equal(part().addingReplicas, [3, 4], 'broker 4 is still catching up');
  assert.is(isr([1, 2, 3, 4]), ErrorCode.NONE);
  assert.equal(part(), { partition: 0, replicas: [3, 4], isr: [3, 4], leader: 3, leaderEpoch: 2 }, 'done: the old replicas left, the first new one leads');

  // Cancelled halfway: back on the replicas it had.
  assert.is(move([1, 2]).errorCode, ErrorCode.NONE);
  assert.is(isr([3, 4, 1]), ErrorCode.NONE);
  assert.is(move(null).errorCode, ErrorCode.NONE);
  assert.equal(part(), { partition: 0, replicas: [3, 4], isr: [3, 4], leader: 3, leaderEpoch: 4 });
  assert.equal(store.topics().find((t) => t.name === 'move')!.partitions[0], part(), 'persisted');
});

test.run();
