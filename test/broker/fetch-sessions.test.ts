import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FetchSessionCache } from '../../src/broker/fetch-sessions.js';
import type { FetchPartitionResponse } from '../../src/protocol/apis/fetch.js';

const test = suite('FetchSessionCache');

const answer = (partitionIndex: number): FetchPartitionResponse => ({ partitionIndex, errorCode: 0, highWatermark: 5, records: Buffer.alloc(0) });

/** Opens a session with `n` partitions of topic t through a full fetch; returns its id (0: none). */
function openSession(cache: FetchSessionCache, n: number): number {
  const partitions = Array.from({ length: n }, (_, partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 100 }));
  const ctx = cache.open({ sessionId: 0, sessionEpoch: 0, topics: [{ topic: 't', partitions }] });
  return ctx.respond(partitions.map((p) => answer(p.partition))).sessionId;
}

test('a full cache takes a new session only in the slot of an idle one (120 s) or of a smaller one', () => {
  let now = 0;
  const cache = new FetchSessionCache(2, 120_000, () => now);
  const a = openSession(cache, 2);
  const b = openSession(cache, 3);
  assert.ok(a > 0 && b > 0 && a !== b);
  assert.is(openSession(cache, 1), 0, 'smaller than every session, none idle: no session');
  assert.is(cache.size, 2);
  const c = openSession(cache, 5);
  assert.ok(c > 0, 'larger than the smallest (a): takes its slot');
  assert.is(cache.open({ sessionId: a, sessionEpoch: 1, topics: [] }).errorCode, 70, 'a was evicted');
  now = 120_000;
  assert.ok(openSession(cache, 1) > 0, 'b, idle for the eviction time, makes room even for a small one');
  assert.is(cache.size, 2);
});

test('the sessions together hold at most maxPartitions: a full fetch that does not fit gets none; an incremental one growing past it closes its session', () => {
  const cache = new FetchSessionCache(10, 120_000, () => 0, 5);
  assert.is(openSession(cache, 6), 0, 'larger than the whole cache');
  const a = openSession(cache, 3);
  assert.ok(a > 0);
  assert.is(openSession(cache, 3), 0, 'no room, and no idle or smaller session to evict');
  const grow = cache.open({ sessionId: a, sessionEpoch: 1, topics: [{ topic: 'u', partitions: [0, 1, 2].map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 1 })) }] });
  assert.is(grow.errorCode, 70, 'FETCH_SESSION_ID_NOT_FOUND: the client starts over with a full fetch');
  assert.is(cache.size, 0);
  assert.ok(openSession(cache, 5) > 0, 'the room is free again');
});

test('an incremental fetch that forgets every partition closes the session', () => {
  const cache = new FetchSessionCache();
  const id = openSession(cache, 1);
  const ctx = cache.open({ sessionId: id, sessionEpoch: 1, topics: [], forgottenTopicsData: [{ topic: 't', partitions: [0] }] });
  assert.equal(ctx.respond([]), { sessionId: 0, partitions: [] });
  assert.is(cache.size, 0);
});

test('partitions that got records go to the end of the session, so the next byte budget goes to the others first', () => {
  const cache = new FetchSessionCache();
  const id = openSession(cache, 3);
  const ctx = cache.open({ sessionId: id, sessionEpoch: 1, topics: [] });
  assert.equal(ctx.targets.map((t) => t.partition.partition), [0, 1, 2]);
  ctx.respond([answer(0), { ...answer(1), records: Buffer.alloc(10) }, answer(2)]);
  assert.equal(cache.open({ sessionId: id, sessionEpoch: 2, topics: [] }).targets.map((t) => t.partition.partition), [0, 2, 1]);
});

test('an incremental answer carries a diverging epoch, and a partition readable again after an error, even when its high watermark did not move', () => {
  const cache = new FetchSessionCache();
  const id = openSession(cache, 2);
  const quiet = cache.open({ sessionId: id, sessionEpoch: 1, topics: [] });
  assert.equal(quiet.respond([answer(0), answer(1)]).partitions, [], 'nothing new: nothing answered');
  const diverging = cache.open({ sessionId: id, sessionEpoch: 2, topics: [] });
  const divergent = { ...answer(1), divergingEpoch: { epoch: 3, endOffset: 4 } };
  assert.equal(diverging.respond([answer(0), divergent]).partitions.map((p) => p.partition), [divergent]);
  const failing = cache.open({ sessionId: id, sessionEpoch: 3, topics: [] });
  assert.is(failing.respond([{ ...answer(0), errorCode: 6 }, answer(1)]).partitions.length, 1, 'the error');
  const recovered = cache.open({ sessionId: id, sessionEpoch: 4, topics: [] });
  assert.equal(recovered.respond([answer(0), answer(1)]).partitions.map((p) => p.partition.partitionIndex), [0], 'readable again, at the high watermark it had before the error');
});

test.run();
