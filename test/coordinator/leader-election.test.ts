/**
 * Partition leadership rules (pure functions): clean election from the ISR in assignment order,
 * offline partitions keep their ISR, every leader change bumps the leader epoch (KIP-101), unclean
 * election only when allowed, preferred-replica election, and replica assignment spread.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState } from '../../src/common/cluster-types.js';
import { assignReplicas, electLeader, electPreferredLeader, type PlacementBroker } from '../../src/coordinator/leader-election.js';

const part = (leader: number, replicas: number[], isr: number[], leaderEpoch = 5): PartitionState => ({
  partition: 0,
  leader,
  leaderEpoch,
  replicas,
  isr,
});
const aliveSet =
  (...ids: number[]) =>
  (id: number): boolean =>
    ids.includes(id);

// --- electLeader --------------------------------------------------------------------------------------

test('a live leader stays: nothing changes (null)', () => {
  assert.is(electLeader(part(1, [1, 2, 3], [1, 2, 3]), aliveSet(1, 2, 3)), null);
  // Even when followers are dead: shrinking the ISR is not an election.
  assert.is(electLeader(part(1, [1, 2, 3], [1, 2, 3]), aliveSet(1)), null);
});

test('a dead leader is replaced by the next live ISR replica, epoch + 1, dead replicas leave the ISR', () => {
  const next = electLeader(part(1, [1, 2, 3], [1, 2, 3]), aliveSet(2, 3));
  assert.equal(next, { partition: 0, leader: 2, leaderEpoch: 6, replicas: [1, 2, 3], isr: [2, 3] });
});

test('candidates are taken in assignment order, not ISR order', () => {
  const next = electLeader(part(1, [1, 2, 3], [3, 2, 1]), aliveSet(2, 3));
  assert.is(next?.leader, 2);
});

test('a live replica outside the ISR is never chosen by a clean election', () => {
  // Replica 2 is alive but out of sync; 3 is in sync.
  const next = electLeader(part(1, [1, 2, 3], [1, 3]), aliveSet(2, 3));
  assert.is(next?.leader, 3);
  assert.equal(next?.isr, [3]);
  assert.is(next?.leaderEpoch, 6);
});

test('no live ISR member: leader -1 (offline), ISR kept, epoch + 1', () => {
  const next = electLeader(part(1, [1, 2, 3], [1]), aliveSet(2, 3));
  assert.equal(next, { partition: 0, leader: -1, leaderEpoch: 6, replicas: [1, 2, 3], isr: [1] });
});

test('an offline partition with still no live ISR member does not change again (no epoch churn)', () => {
  assert.is(electLeader(part(-1, [1, 2, 3], [1], 6), aliveSet(2, 3)), null);
  assert.is(electLeader(part(-1, [1, 2, 3], [1], 6), aliveSet()), null);
});

test('an offline partition comes back when an ISR member returns', () => {
  const next = electLeader(part(-1, [1, 2, 3], [1], 6), aliveSet(1, 2, 3));
  assert.equal(next, { partition: 0, leader: 1, leaderEpoch: 7, replicas: [1, 2, 3], isr: [1] });
});

test('unclean flag: with no live ISR member, the first live replica leads and forms the ISR', () => {
  const p = part(1, [1, 2, 3], [1]);
  assert.is(electLeader(p, aliveSet(2, 3), false)?.leader, -1, 'clean by default');
  const next = electLeader(p, aliveSet(3, 2), true);
  assert.equal(next, { partition: 0, leader: 2, leaderEpoch: 6, replicas: [1, 2, 3], isr: [2] });
});

test('unclean flag does not override a clean choice', () => {
  const next = electLeader(part(1, [1, 2, 3], [1, 3]), aliveSet(2, 3), true);
  assert.is(next?.leader, 3);
});

test('unclean flag with no live replica at all: offline', () => {
  const next = electLeader(part(1, [1, 2], [1, 2]), aliveSet(4, 5), true);
  assert.is(next?.leader, -1);
  assert.equal(next?.isr, [1, 2]);
});

test('brokers that are not replicas are never elected', () => {
  assert.is(electLeader(part(1, [1, 2], [1, 2]), aliveSet(3, 4, 5))?.leader, -1);
});

test('electLeader does not mutate its input', () => {
  const p = part(1, [1, 2, 3], [1, 2, 3]);
  const copy = structuredClone(p);
  electLeader(p, aliveSet(3), true);
  assert.equal(p, copy);
});

// --- electPreferredLeader --------------------------------------------------------------------------------

test('preferred leader election moves leadership back to the first replica when it is alive and in sync', () => {
  const next = electPreferredLeader(part(2, [1, 2, 3], [1, 2, 3]), aliveSet(1, 2, 3));
  assert.equal(next, { partition: 0, leader: 1, leaderEpoch: 6, replicas: [1, 2, 3], isr: [1, 2, 3] });
  assert.is(electPreferredLeader(part(1, [1, 2, 3], [1, 2, 3]), aliveSet(1, 2, 3)), null, 'already preferred');
  assert.is(electPreferredLeader(part(2, [1, 2, 3], [2, 3]), aliveSet(1, 2, 3)), null, 'preferred not in sync');
  assert.is(electPreferredLeader(part(2, [1, 2, 3], [1, 2, 3]), aliveSet(2, 3)), null, 'preferred dead');
});

// --- assignReplicas ---------------------------------------------------------------------------------------

const noRacks = (...ids: number[]): PlacementBroker[] => ids.map((id) => ({ id, rack: null }));

test('assignReplicas: first replica rotates over brokers, followers follow in broker order', () => {
  assert.equal(assignReplicas(noRacks(1, 2, 3), 6, 2, 0), [
    [1, 2],
    [2, 3],
    [3, 1],
    [1, 2],
    [2, 3],
    [3, 1],
  ]);
  assert.equal(assignReplicas(noRacks(3, 1, 2), 3, 1, 1), [[2], [3], [1]], 'broker ids sorted, start shifts the rotation');
});

test('assignReplicas spreads leaders evenly and never repeats a broker within a partition', () => {
  const brokers = [5, 1, 9, 3];
  for (const rf of [1, 2, 3, 4]) {
    for (const start of [0, 1, 7]) {
      const assignment = assignReplicas(noRacks(...brokers), 12, rf, start);
      assert.is(assignment.length, 12);
      const leaders = new Map<number, number>();
      const replicasPerBroker = new Map<number, number>();
      for (const replicas of assignment) {
        assert.is(replicas.length, rf);
        assert.is(new Set(replicas).size, rf, `distinct replicas ${replicas}`);
        for (const r of replicas) {
          assert.ok(brokers.includes(r));
          replicasPerBroker.set(r, (replicasPerBroker.get(r) ?? 0) + 1);
        }
        leaders.set(replicas[0]!, (leaders.get(replicas[0]!) ?? 0) + 1);
      }
      assert.equal([...leaders.values()], [3, 3, 3, 3], `leaders even for rf ${rf} start ${start}`);
      assert.equal([...replicasPerBroker.values()], Array(4).fill(3 * rf), `load even for rf ${rf}`);
    }
  }
});

test('assignReplicas with racks: every partition on as many racks as there are, leaders spread over all brokers', () => {
  // Two racks of unequal size, listed out of order: the replicas of a partition must never share a
  // rack while another rack lacks one (losing rack "a" must not lose a partition).
  const brokers: PlacementBroker[] = [
    { id: 4, rack: 'b' },
    { id: 1, rack: 'a' },
    { id: 2, rack: 'a' },
    { id: 3, rack: 'b' },
    { id: 5, rack: 'c' },
    { id: 6, rack: 'c' },
  ];
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack]));
  for (const rf of [2, 3]) {
    const assignment = assignReplicas(brokers, 12, rf, 0);
    const leaders = new Map<number, number>();
    for (const replicas of assignment) {
      assert.is(new Set(replicas).size, rf, `distinct brokers ${replicas}`);
      assert.is(new Set(replicas.map((r) => rackOf.get(r))).size, rf, `distinct racks ${replicas}`);
      leaders.set(replicas[0]!, (leaders.get(replicas[0]!) ?? 0) + 1);
    }
    assert.equal([...leaders.values()], [2, 2, 2, 2, 2, 2], `rf ${rf}: every broker leads twice`);
  }
  // More replicas than racks: every rack used, then brokers repeat racks but never a broker.
  const two: PlacementBroker[] = [{ id: 1, rack: 'a' }, { id: 2, rack: 'a' }, { id: 3, rack: 'b' }];
  for (const replicas of assignReplicas(two, 3, 3, 0)) assert.equal([...replicas].sort(), [1, 2, 3]);
  for (const replicas of assignReplicas(two, 4, 2, 1)) assert.equal(new Set(replicas.map((r) => (r === 3 ? 'b' : 'a'))).size, 2, `${replicas}`);
});

test.run();
