import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RateTracker, sumHistories } from '../../src/tui/model.js';
import { clusterFile, sources, view } from '../helpers/cluster-view-fixtures.js';

test('a broker whose process is gone is dead and leads nothing; its partitions are led elsewhere', () => {
  const v = view();
  const b2 = v.processes.find((p) => p.name === 'broker-2')!;
  assert.is(b2.state, 'dead');
  assert.is(b2.pid, -1);
  assert.is(b2.leads, 0);
  assert.is(b2.follows, 3, 'still a replica of the three orders partitions');
  const orders = v.topics.find((t) => t.name === 'orders')!;
  assert.equal(orders.partitions.map((p) => p.leader), [1, 3, 3]);
  assert.ok(orders.partitions.every((p) => p.leader !== 2));
});

test('partitions are sorted, out-of-sync replicas listed, topic totals summed', () => {
  const orders = view().topics.find((t) => t.name === 'orders')!;
  assert.equal(orders.partitions.map((p) => p.partition), [0, 1, 2]);
  assert.equal(orders.partitions[1]!.outOfSync, [2]);
  assert.is(orders.partitions[1]!.leaderEpoch, 2);
  assert.is(orders.underReplicated, 3);
  assert.is(orders.offline, 0);
  assert.is(orders.highWatermark, 42 + 7 + 3);
  assert.is(orders.recordsPerSec, 12);
});

test('topics come sorted by name; brokers by id, then the coordinator', () => {
  const v = view();
  assert.equal(v.topics.map((t) => t.name), ['audit', 'orders']);
  assert.equal(v.processes.map((p) => p.name), ['broker-1', 'broker-2', 'broker-3', 'zookeeper']);
});

test('leaderships, records/s and replication rate follow the leaders', () => {
  const v = view();
  const b1 = v.processes.find((p) => p.name === 'broker-1')!;
  assert.is(b1.leads, 2, 'orders-0 and audit-0');
  assert.is(b1.recordsPerSec, 10);
  assert.is(v.recordsInPerSec, 12);
  // orders-0: 10/s to one in-sync follower; orders-2: 2/s to one.
  assert.is(v.recordsReplicatedPerSec, 12);
});

test('paused, restarting and not-yet-registered processes get their own states', () => {
  const paused = view({ file: { ...clusterFile, brokers: clusterFile.brokers.map((b) => (b.id === 1 ? { ...b, state: 'paused' as const } : b)) } });
  assert.is(paused.processes[0]!.state, 'paused');
  const restarting = view({ restarting: new Set(['broker-2']) });
  assert.is(restarting.processes[1]!.state, 'starting');
  // A new pid the coordinator has not seen register yet.
  const fresh = view({ file: { ...clusterFile, brokers: clusterFile.brokers.map((b) => (b.id === 3 ? { ...b, pid: 303 } : b)) }, isAlive: () => true });
  assert.is(fresh.processes[2]!.state, 'starting');
});

test('without the coordinator, running processes show alive and the coordinator starting', () => {
  const v = view({ coordinatorReachable: false, metadata: null });
  assert.is(v.coordinator.state, 'starting');
  assert.equal(v.processes.slice(0, 3).map((p) => p.state), ['alive', 'dead', 'alive']);
  assert.equal(v.topics, []);
});

test('heartbeat ages keep counting between metadata answers', () => {
  const v = view({ metadataAgeMs: 400 });
  assert.is(v.processes[0]!.heartbeatAgeMs, 520);
  assert.is(sources().metadataAgeMs, 0);
});

test('RateTracker: records/s from high-watermark deltas; a watermark that goes down restarts the series', () => {
  const r = new RateTracker(3);
  r.record('t/0', 100, 1000);
  r.record('t/0', 300, 2000);
  assert.is(r.snapshot().get('t/0')!.recordsPerSec, 200);
  assert.ok(r.record('t/0', 800, 2500), 'the watermark moved');
  assert.not.ok(r.record('t/0', 800, 3500), 'a quiet partition (the poll slows down when all are)');
  assert.equal(r.snapshot().get('t/0')!.history, [200, 1000, 0], 'kept to 3 samples');
  r.record('t/0', 5, 4500);
  assert.equal(r.snapshot().get('t/0'), { highWatermark: 5, recordsPerSec: 0, history: [] });
  r.idle('t/0');
  assert.equal(r.snapshot().get('t/0')!.history, [0]);
  r.retain(new Set());
  assert.is(r.snapshot().size, 0);
});

test('RateTracker: a partition quiet for its whole history keeps its sample, and the snapshot stays the same map', () => {
  const r = new RateTracker(3);
  for (let i = 0; i < 4; i++) r.record('t/0', 7, 1000 * i);
  const settled = r.snapshot();
  assert.equal(settled.get('t/0'), { highWatermark: 7, recordsPerSec: 0, history: [0, 0, 0] });
  assert.not.ok(r.record('t/0', 7, 5000));
  r.idle('t/0');
  assert.is(r.snapshot(), settled, 'nothing to draw again');
  assert.ok(r.record('t/0', 9, 6000), 'a record: it moves again');
  assert.is.not(r.snapshot(), settled);
  assert.equal(r.snapshot().get('t/0')!.history, [0, 0, 2]);
});

test('sumHistories aligns histories at their newest value', () => {
  assert.equal(sumHistories([[1, 2, 3], [10]]), [1, 2, 13]);
  assert.equal(sumHistories([]), []);
});

test.run();
