import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterEvent } from '../../src/common/cluster-events.js';
import { ClusterEventRing } from '../../src/coordinator/cluster-event-ring.js';

const dead = (brokerId: number): ClusterEvent => ({ type: 'broker-dead', brokerId, reason: 'process exited' });

test('keeps the newest `capacity` events, numbered; a watcher behind them is told how many it missed', () => {
  const ring = new ClusterEventRing(3, () => 42);
  for (let id = 1; id <= 5; id++) ring.push(dead(id));
  const all = ring.since(0);
  assert.equal(all.events.map((s) => [s.seq, (s.event as { brokerId: number }).brokerId, s.atMs]), [[3, 3, 42], [4, 4, 42], [5, 5, 42]]);
  assert.is(all.missed, 2);
  assert.is(all.nextSeq, 6);
  assert.equal(ring.since(4).events.map((s) => s.seq), [5]);
  assert.is(ring.since(4).missed, 0);
  assert.equal(ring.since(0, 2).events.map((s) => s.seq), [3, 4], 'at most `max` per answer');
});

test('a long poll answers once after a synchronous burst, with all of it', async () => {
  const ring = new ClusterEventRing();
  const answer = ring.watch(undefined, 0, 10_000);
  assert.instance(answer, Promise);
  for (let id = 1; id <= 3; id++) ring.push(dead(id));
  const res = await answer;
  assert.equal(res.events.map((s) => s.seq), [1, 2, 3]);
  ring.close();
});

test('a long poll with nothing new answers empty after its wait; one from another ring starts over at once', async () => {
  const ring = new ClusterEventRing();
  ring.push(dead(1));
  const res = await ring.watch(ring.ringId, 1, 20);
  assert.equal(res.events, []);
  const other = ring.watch('a-ring-of-an-earlier-coordinator', 1, 10_000);
  assert.not.instance(other, Promise);
  assert.equal((other as Awaited<typeof other>).events.map((s) => s.seq), [1]);
});

test.run();
