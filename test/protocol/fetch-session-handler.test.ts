/**
 * The client half of fetch sessions (protocol/fetch-session-handler.ts) against the broker's half
 * (broker/fetch-sessions.ts): a full fetch opens the session, later requests name only what changed
 * and forget what is no longer wanted, and any session error or failed request falls back to a
 * full fetch that opens a new session.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FetchSessionCache } from '../../src/broker/fetch-sessions.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { FetchPartition } from '../../src/protocol/apis/fetch.js';
import { FetchSessionHandler, type SessionFields } from '../../src/protocol/fetch-session-handler.js';

const test = suite('FetchSessionHandler');

const at = (partition: number, fetchOffset: number): FetchPartition => ({ partition, fetchOffset, partitionMaxBytes: 100 });
const names = (req: SessionFields) => req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p.partition}@${p.fetchOffset}`));

/** Sends `req` to the broker's cache; returns the answer's session id, error and the partitions it read. */
function send(cache: FetchSessionCache, req: SessionFields) {
  const ctx = cache.open(req);
  const read = ctx.targets.map((t) => ({ partitionIndex: t.partition.partition, errorCode: 0, highWatermark: 10, records: Buffer.alloc(0) }));
  const { sessionId } = ctx.respond(read);
  return { errorCode: ctx.errorCode, sessionId, read: ctx.targets.map((t) => `${t.topic}-${t.partition.partition}@${t.partition.fetchOffset}`) };
}

test('a full fetch opens the session; then only moved, added and forgotten partitions are named, and the broker reads them all at their latest positions', () => {
  const cache = new FetchSessionCache();
  const client = new FetchSessionHandler();
  const first = client.build([{ topic: 't', partitions: [at(0, 0), at(1, 0), at(2, 0)] }]);
  assert.equal([first.sessionId, first.sessionEpoch], [0, 0]);
  assert.equal(names(first), ['t-0@0', 't-1@0', 't-2@0']);
  const opened = send(cache, first);
  client.handleResponse(opened);
  assert.ok(opened.sessionId > 0);

  const idle = client.build([{ topic: 't', partitions: [at(0, 0), at(1, 0), at(2, 0)] }]);
  assert.equal([idle.sessionId, idle.sessionEpoch, names(idle), idle.forgottenTopicsData], [opened.sessionId, 1, [], []], 'nothing moved: no partition named');
  const idleAnswer = send(cache, idle);
  assert.equal(idleAnswer.read, ['t-0@0', 't-1@0', 't-2@0'], 'the broker still reads every partition of the session');
  client.handleResponse(idleAnswer);

  const moved = client.build([{ topic: 't', partitions: [at(0, 5), at(2, 0)] }, { topic: 'u', partitions: [at(0, 0)] }]);
  assert.equal(names(moved), ['t-0@5', 'u-0@0']);
  assert.equal(moved.forgottenTopicsData, [{ topic: 't', partitions: [1] }]);
  const movedAnswer = send(cache, moved);
  assert.equal(movedAnswer.read, ['t-0@5', 't-2@0', 'u-0@0']);
  client.handleResponse(movedAnswer);
  assert.is(client.build([{ topic: 't', partitions: [at(0, 5), at(2, 0)] }, { topic: 'u', partitions: [at(0, 0)] }]).sessionEpoch, 3);
});

test('a lost session (FETCH_SESSION_ID_NOT_FOUND) or a wrong epoch: the next fetch is a full one, which opens a new session', () => {
  const cache = new FetchSessionCache();
  const client = new FetchSessionHandler();
  const wanted = [{ topic: 't', partitions: [at(0, 0)] }];
  client.handleResponse(send(cache, client.build(wanted)));
  const evicted = new FetchSessionCache();
  const lost = send(evicted, client.build(wanted));
  assert.is(lost.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  client.handleResponse(lost);
  const full = client.build(wanted);
  assert.equal([full.sessionId, full.sessionEpoch, names(full)], [0, 0, ['t-0@0']]);
  client.handleResponse(send(evicted, full));

  client.handleResponse({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0 });
  const again = client.build(wanted);
  assert.is(again.sessionEpoch, 0, 'full');
  assert.ok((again.sessionId ?? 0) > 0, 'naming the old session, which the broker closes');
  const reopened = send(evicted, again);
  assert.is(reopened.errorCode, ErrorCode.NONE);
  assert.is(evicted.size, 1, 'the old session closed, a new one open');
});

test('closing: a request at the final epoch naming nothing closes the broker\'s session; with no session, nothing to send', () => {
  const cache = new FetchSessionCache();
  const client = new FetchSessionHandler();
  assert.is(client.buildClose(), null, 'no session yet');
  const wanted = [{ topic: 't', partitions: [at(0, 0), at(1, 0)] }];
  const opened = send(cache, client.build(wanted));
  client.handleResponse(opened);
  assert.is(cache.size, 1);
  const close = client.buildClose()!;
  assert.equal(close, { sessionId: opened.sessionId, sessionEpoch: -1, topics: [], forgottenTopicsData: [] });
  const closed = send(cache, close);
  assert.equal([closed.errorCode, closed.sessionId, closed.read], [ErrorCode.NONE, 0, []], 'a sessionless fetch of nothing');
  assert.is(cache.size, 0, 'the broker holds no session for us any more');
  assert.is(client.buildClose(), null, 'closed once');
  assert.equal(client.build(wanted).sessionEpoch, 0, 'a later fetch opens a new session');
});

test('a failed request, or a broker that keeps no session: full fetches', () => {
  const cache = new FetchSessionCache(0);
  const client = new FetchSessionHandler();
  const wanted = [{ topic: 't', partitions: [at(0, 0)] }];
  client.handleResponse(send(cache, client.build(wanted)));
  assert.is(client.build(wanted).sessionEpoch, 0, 'no slot: no session id, so full again');
  const open = new FetchSessionCache();
  client.handleResponse(send(open, client.build(wanted)));
  assert.is(client.build(wanted).sessionEpoch, 1);
  client.handleError();
  const full = client.build(wanted);
  assert.equal([full.sessionEpoch, names(full)], [0, ['t-0@0']]);
});

test('1000 partitions: after an append to one, the answer carries that one, and the next request names only it', () => {
  const cache = new FetchSessionCache();
  const client = new FetchSessionHandler();
  // The leader's logs: end offset and high watermark per partition.
  const logEnd = new Array<number>(1000).fill(0);
  const hw = new Array<number>(1000).fill(0);
  const followerEnd = new Array<number>(1000).fill(0);
  const round = () => {
    const req = client.build([{ topic: 't', partitions: followerEnd.map((o, p) => at(p, o)) }]);
    const ctx = cache.open(req);
    // The follower's fetch offsets move the high watermark (an ISR of the leader and this follower).
    for (const t of ctx.targets) hw[t.partition.partition] = Math.min(logEnd[t.partition.partition]!, t.partition.fetchOffset);
    const read = ctx.targets.map((t) => {
      const p = t.partition.partition;
      return { partitionIndex: p, errorCode: 0, highWatermark: hw[p]!, records: Buffer.alloc(logEnd[p]! - t.partition.fetchOffset) };
    });
    const res = ctx.respond(read);
    client.handleResponse({ errorCode: ctx.errorCode, sessionId: res.sessionId });
    for (const { partition: r } of res.partitions) followerEnd[r.partitionIndex]! += r.records?.length ?? 0;
    return { named: req.topics.reduce((n, t) => n + t.partitions.length, 0), answered: res.partitions.map((x) => x.partition.partitionIndex) };
  };
  assert.is(round().named, 1000, 'the first fetch is a full one');
  assert.equal(round(), { named: 0, answered: [] }, 'idle: nothing named, nothing answered');
  logEnd[7] = 3;
  assert.equal(round(), { named: 0, answered: [7] }, 'the append: only its partition answered, with its records');
  assert.equal(round(), { named: 1, answered: [7] }, 'the follower names only the partition it moved; the answer carries its new high watermark');
  assert.is(hw[7], 3);
  assert.equal(round(), { named: 0, answered: [] });
});

test('a fetcher that knows what moved names only that (onlyMoved): the others stay in the session, none is forgotten; a full fetch still needs every partition', () => {
  const cache = new FetchSessionCache();
  const client = new FetchSessionHandler();
  const all = [{ topic: 't', partitions: [at(0, 0), at(1, 0), at(2, 0)] }];
  assert.ok(client.needsFullFetch);
  assert.throws(() => client.build([{ topic: 't', partitions: [at(1, 3)] }], true), /every partition/);
  client.handleResponse(send(cache, client.build(all)));
  assert.not.ok(client.needsFullFetch);
  const moved = client.build([{ topic: 't', partitions: [at(1, 3)] }], true);
  assert.equal([names(moved), moved.forgottenTopicsData], [['t-1@3'], []]);
  client.handleResponse(send(cache, moved));
  // The session holds all three, partition 1 at its new position: a full list naming them as they are names nothing.
  const same = client.build([{ topic: 't', partitions: [at(0, 0), at(1, 3), at(2, 0)] }]);
  assert.equal([names(same), same.forgottenTopicsData], [[], []]);
});

test.run();
