/**
 * Partition (src/replication/partition.ts): the leader-side rules of Kafka's replication, over a
 * real LogStore: high watermark = min log end over the ISR and never backwards, acks=all waiters
 * (purgatory), ISR expansion and lag-based shrink proposals, OffsetForLeaderEpoch answers, and the
 * follower's bounded high watermark.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState } from '../../src/common/cluster-types.js';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { encodeRecordBatch, splitAndValidateBatches } from '../../src/protocol/record-batch.js';
import type { QuietRead } from '../../src/replication/follower-progress.js';
import { Partition } from '../../src/replication/partition.js';
import { LogStore } from '../../src/storage/log-store.js';

const test = suite('Partition: high watermark, ISR and acks=all purgatory');
let dir = '';
let store: LogStore;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-partition-test-'));
  store = new LogStore(dir);
});

test.after.each(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const T = 1_000_000;

function state(over: Partial<PartitionState> = {}): PartitionState {
  return { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2, 3], isr: [1, 2, 3], ...over };
}

/** Broker 1's replica, leading at `epoch` with min.insync.replicas `minIsr`. */
function leader(opts: { epoch?: number; isr?: number[]; minIsr?: number } = {}): Partition {
  const s = state({ leaderEpoch: opts.epoch ?? 0, isr: opts.isr ?? [1, 2, 3] });
  const p = new Partition(1, store.partition('t', 0), s, 'topic-id', opts.minIsr ?? 2);
  p.becomeLeader(s, T);
  return p;
}

/** Appends `n` single-record batches as leader; returns the new log end. */
function write(p: Partition, n: number): number {
  for (let i = 0; i < n; i++) {
    const b = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from(`r${i}`), timestamp: 0 }]))[0]!;
    store.transaction(() => p.log.appendAsLeader([b], p.state.leaderEpoch));
  }
  p.maybeAdvanceHighWatermark();
  return p.log.logEndOffset;
}

/** Follows a promise's outcome without ever leaving a rejection unhandled. */
function track<T>(promise: Promise<T>): () => 'resolved' | KafkaError | 'pending' {
  let out: 'resolved' | KafkaError | 'pending' = 'pending';
  promise.then(
    () => (out = 'resolved'),
    (e) => (out = e as KafkaError),
  );
  return () => out;
}

async function settled<T>(promise: Promise<T>): Promise<'resolved' | KafkaError | 'pending'> {
  const outcome = track(promise);
  await new Promise((r) => setImmediate(r));
  return outcome();
}

test('re-elected at a new epoch before the followers caught up, the high watermark trails the epoch start until they fetch', () => {
  const p = leader({ isr: [1, 2] });
  write(p, 5);
  assert.is(p.highWatermarkBehindEpochStart, false, 'epoch 0 began at 0, the high watermark');
  p.becomeLeader(state({ leaderEpoch: 1, isr: [1, 2] }), T + 1);
  assert.is(p.log.highWatermark, 0);
  assert.is(p.highWatermarkBehindEpochStart, true, 'epoch 1 begins at the log end, 5');
  p.recordFollowerFetch(2, 5, T + 2);
  assert.is(p.log.highWatermark, 5);
  assert.is(p.highWatermarkBehindEpochStart, false);
});

test('the high watermark is the minimum log end over the ISR, leader included', () => {
  const p = leader();
  write(p, 5);
  assert.is(p.log.highWatermark, 0, 'followers have not fetched yet');
  p.recordFollowerFetch(2, 5, T + 1);
  assert.is(p.log.highWatermark, 0, 'broker 3 has nothing yet');
  p.recordFollowerFetch(3, 3, T + 2);
  assert.is(p.log.highWatermark, 3);
  p.recordFollowerFetch(3, 5, T + 3);
  assert.is(p.log.highWatermark, 5);
});

test('the high watermark never moves back, even if a follower fetches from lower', () => {
  const p = leader();
  write(p, 4);
  p.recordFollowerFetch(2, 4, T + 1);
  p.recordFollowerFetch(3, 4, T + 1);
  assert.is(p.log.highWatermark, 4);
  p.recordFollowerFetch(3, 2, T + 2);
  assert.is(p.log.highWatermark, 4);
});

test('a follower outside the ISR does not hold the high watermark back', () => {
  const p = leader({ isr: [1, 2] });
  write(p, 3);
  p.recordFollowerFetch(2, 3, T + 1);
  assert.is(p.log.highWatermark, 3);
});

test('with the leader alone in the ISR the high watermark follows its log end', () => {
  const p = leader({ isr: [1], minIsr: 1 });
  assert.is(write(p, 3), 3);
  assert.is(p.log.highWatermark, 3);
});

test('acks=all waiters resolve once the high watermark covers them, in any order', async () => {
  const p = leader();
  write(p, 3);
  const w2 = p.waitForHighWatermark(2, 5000);
  const w3 = p.waitForHighWatermark(3, 5000);
  assert.is(await settled(w2), 'pending');
  p.recordFollowerFetch(2, 2, T + 1);
  p.recordFollowerFetch(3, 2, T + 1);
  assert.is(await settled(w2), 'resolved');
  assert.is(await settled(w3), 'pending');
  p.recordFollowerFetch(2, 3, T + 2);
  p.recordFollowerFetch(3, 3, T + 2);
  assert.is(await settled(w3), 'resolved');
  assert.is(await settled(p.waitForHighWatermark(1, 5000)), 'resolved', 'already covered');
});

test('losing leadership fails the waiters with NOT_LEADER_OR_FOLLOWER', async () => {
  const p = leader();
  write(p, 2);
  const w = p.waitForHighWatermark(2, 5000);
  p.becomeFollower(state({ leader: 2, leaderEpoch: 1 }));
  const r = await settled(w);
  assert.instance(r, KafkaError);
  assert.is((r as KafkaError).code, ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

test('a waiter that is not covered in time fails with REQUEST_TIMED_OUT', async () => {
  const p = leader();
  write(p, 1);
  const w = track(p.waitForHighWatermark(1, 20));
  assert.is(w(), 'pending');
  await new Promise((r) => setTimeout(r, 80));
  const r = w();
  assert.instance(r, KafkaError);
  assert.is((r as KafkaError).code, ErrorCode.REQUEST_TIMED_OUT);
});

test('waiters share one expiry timer: a shorter deadline after a longer one still expires on time, the longer one waits on', async () => {
  const p = leader();
  write(p, 2);
  const long = track(p.waitForHighWatermark(1, 60_000));
  const short = track(p.waitForHighWatermark(2, 20));
  await new Promise((r) => setTimeout(r, 80));
  assert.instance(short(), KafkaError);
  assert.is((short() as KafkaError).code, ErrorCode.REQUEST_TIMED_OUT);
  assert.is(long(), 'pending');
  p.recordFollowerFetch(2, 1, T + 1);
  p.recordFollowerFetch(3, 1, T + 1);
  await new Promise((r) => setImmediate(r));
  assert.is(long(), 'resolved');
});

test('acks=all writes answered one after another arm the expiry timer once, not once each; a later one still expires on time', async () => {
  const p = leader();
  let timers = 0;
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => (timers++, realSetTimeout(...args))) as typeof setTimeout;
  try {
    for (let i = 1; i <= 50; i++) {
      write(p, 1);
      const w = track(p.waitForHighWatermark(i, 30_000));
      p.recordFollowerFetch(2, i, T + i);
      p.recordFollowerFetch(3, i, T + i);
      await Promise.resolve();
      assert.is(w(), 'resolved');
    }
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.is(timers, 1, 'one timer for 50 requests');
  write(p, 1);
  const late = track(p.waitForHighWatermark(51, 20));
  await new Promise((r) => setTimeout(r, 80));
  assert.instance(late(), KafkaError, 'a shorter deadline re-arms it');
  assert.is((late() as KafkaError).code, ErrorCode.REQUEST_TIMED_OUT);
});

test('waiting fetches wake at what they wait for: followers at an append, consumers when the high watermark moves, all at a role change', () => {
  const p = leader();
  const woken: string[] = [];
  p.onData('append', () => woken.push('append'));
  p.onData('highWatermark', () => woken.push('hw'));
  write(p, 1); // appended; the followers have not fetched, so the high watermark stays
  p.leaderAppendCommitted();
  assert.equal(woken, ['append']);
  p.recordFollowerFetch(2, 0, T + 1);
  assert.equal(woken, ['append'], 'a follower fetch that moves nothing wakes no consumer');
  p.recordFollowerFetch(2, 1, T + 2);
  p.recordFollowerFetch(3, 1, T + 2);
  assert.equal(woken, ['append', 'hw']);
  const stopped = () => woken.push('stopped one');
  p.onData('highWatermark', stopped);
  p.offData('highWatermark', stopped);
  p.onData('append', () => woken.push('append at role change'));
  p.becomeFollower(state({ leader: 2, leaderEpoch: 1 }));
  assert.equal(woken, ['append', 'hw', 'append at role change']);
});

test('an ISR shrink below min.insync.replicas does not acknowledge waiting acks=all writes (Kafka: NOT_ENOUGH_REPLICAS_AFTER_APPEND)', async () => {
  const p = leader({ minIsr: 2 });
  write(p, 2);
  const w = p.waitForHighWatermark(2, 5000);
  // Both followers die: the coordinator confirms ISR [1].
  p.updateState(state({ isr: [1] }), T);
  const r = await settled(w);
  assert.is.not(r, 'resolved', 'acknowledged on the leader alone while min.insync.replicas=2');
  assert.instance(r, KafkaError);
  assert.is((r as KafkaError).code, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
});

test('an ISR shrink that keeps min.insync.replicas acknowledges the waiters the remaining ISR covers', async () => {
  const p = leader({ minIsr: 2 });
  write(p, 2);
  p.recordFollowerFetch(2, 2, T + 1);
  const w = p.waitForHighWatermark(2, 5000);
  assert.is(await settled(w), 'pending', 'broker 3 lags');
  p.updateState(state({ isr: [1, 2] }), T);
  assert.is(await settled(w), 'resolved');
  assert.is(p.log.highWatermark, 2);
});

test('a follower outside the ISR is proposed back once it reaches the high watermark and the current epoch', () => {
  const p = leader({ epoch: 3, isr: [1, 2] });
  write(p, 4); // all in epoch 3, from offset 0
  assert.is(p.recordFollowerFetch(2, 4, T + 1), null, 'already in the ISR');
  assert.is(p.log.highWatermark, 4);
  assert.is(p.recordFollowerFetch(3, 2, T + 2), null, 'below the high watermark');
  assert.equal(p.recordFollowerFetch(3, 4, T + 3), [1, 2, 3]);
});

test('a follower that reached the high watermark but not the start of the leader epoch stays out', () => {
  const p = leader({ epoch: 0, isr: [1, 3], minIsr: 1 });
  write(p, 3); // epoch 0: offsets 0..2
  p.recordFollowerFetch(3, 1, T + 1); // broker 3 lags: high watermark 1
  assert.is(p.log.highWatermark, 1);
  p.becomeLeader(state({ leaderEpoch: 1, isr: [1, 3] }), T + 10);
  write(p, 2); // epoch 1 starts at offset 3
  assert.is(p.log.highWatermark, 1);
  assert.is(p.recordFollowerFetch(2, 2, T + 11), null, 'at the high watermark but before the epoch start');
  assert.equal(p.recordFollowerFetch(2, 3, T + 12), [1, 3, 2]);
});

test('lag: a follower that keeps reaching what the leader had at its previous fetch stays in; one that stops fetching is proposed out', () => {
  const lag = 1000;
  const p = leader();
  write(p, 1);
  // broker 2 fetches every 100 ms and each time reaches what the leader had at its previous fetch,
  // though the leader has written one more meanwhile (caught up in Kafka's sense); broker 3 fetched once.
  p.recordFollowerFetch(3, 1, T + 50);
  let prevEnd = p.log.logEndOffset;
  p.recordFollowerFetch(2, prevEnd, T);
  let t = T;
  for (let i = 0; i < 30; i++) {
    t += 100;
    write(p, 1);
    const endNow = p.log.logEndOffset;
    p.recordFollowerFetch(2, prevEnd, t);
    assert.ok(prevEnd < endNow, 'broker 2 is behind at every fetch');
    prevEnd = endNow;
  }
  assert.equal(p.laggingIsr(t, lag), [1, 2], 'broker 3 has not been caught up for more than the lag limit');
  assert.equal(p.laggingIsr(T + 500, lag), null, 'nobody lags yet at T + 500');
});

test('OffsetForLeaderEpoch: the end of each epoch is the start of the next, the latest ends at the log end', () => {
  const p = leader({ epoch: 0, isr: [1], minIsr: 1 });
  write(p, 3); // epoch 0: 0..2
  p.becomeLeader(state({ leaderEpoch: 2, isr: [1] }), T);
  write(p, 2); // epoch 2: 3..4
  p.becomeLeader(state({ leaderEpoch: 5, isr: [1] }), T);
  write(p, 1); // epoch 5: 5
  assert.equal(p.endOffsetForEpoch(0), { leaderEpoch: 0, endOffset: 3 });
  assert.equal(p.endOffsetForEpoch(1), { leaderEpoch: 0, endOffset: 3 }, 'an epoch this log never had: the largest below it');
  assert.equal(p.endOffsetForEpoch(2), { leaderEpoch: 2, endOffset: 5 });
  assert.equal(p.endOffsetForEpoch(4), { leaderEpoch: 2, endOffset: 5 });
  assert.equal(p.endOffsetForEpoch(5), { leaderEpoch: 5, endOffset: 6 });
  assert.equal(p.endOffsetForEpoch(9), { leaderEpoch: 5, endOffset: 6 });
  assert.equal(p.endOffsetForEpoch(-1), { leaderEpoch: -1, endOffset: -1 }, 'before the first epoch');
});

test("a follower's high watermark is the leader's, bounded by its own log end, and never moves back", () => {
  const p = new Partition(2, store.partition('t', 0), state({ leader: 1 }), 'topic-id', 2);
  const b = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: 0 }, { key: null, value: Buffer.from('y'), timestamp: 0 }]))[0]!;
  store.transaction(() => p.log.appendAsLeader([b], 0)); // stands in for a replicated batch: offsets 0..1
  assert.is(p.updateFollowerHighWatermark(10), true);
  assert.is(p.log.highWatermark, 2);
  assert.is(p.updateFollowerHighWatermark(1), false);
  assert.is(p.log.highWatermark, 2);
});


/** A leader append as ReplicaManager makes it (appendRecordsToLeader in a transaction), acks=1. */
function leaderWrite(p: Partition, value: string): void {
  const b = splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from(value), timestamp: 0 }]))[0]!;
  store.transaction(() => p.appendRecordsToLeader([b], 1));
  p.leaderAppendCommitted();
}

/** Watches a quiet read the way a fetch session does; says whether it has ended. */
function watched(p: Partition, q: QuietRead): () => boolean {
  let ended = false;
  p.watchQuiet(q, () => (ended = true));
  return () => ended;
}

test("quiet reads: a caught-up follower in the ISR reading nothing with its session's clock gets a QuietRead; its watcher is told once the partition's state moves", () => {
  const p = leader();
  leaderWrite(p, 'a');
  p.recordFollowerFetch(3, 1, T);
  const clock = { lastFetchMs: T };
  const q = p.readForFollower(2, 1, 1 << 20, T, clock).quiet;
  assert.ok(q, 'caught up, nothing to send: quiet');
  const first = watched(p, q!);
  assert.not.ok(first(), 'nothing moved');
  assert.is(p.readForFollower(2, 1, 1 << 20, T, null).quiet, null, 'no session clock, no quiet read');
  assert.ok(first(), 'another read of it for that follower ends it');
  assert.is(p.readForFollower(2, 0, 1 << 20, T, clock).quiet, null, 'behind: records to send');
  // An append ends it, and so does one tried and rolled back (a storage fault).
  const tried = watched(p, p.readForFollower(2, 1, 1 << 20, T, clock).quiet!);
  const saved = p.log.snapshot();
  assert.throws(() =>
    store.transaction(() => {
      p.appendRecordsToLeader(splitAndValidateBatches(encodeRecordBatch([{ key: null, value: Buffer.from('x'), timestamp: 0 }])), 1);
      throw new Error('disk full');
    }),
  );
  p.log.restore(saved);
  assert.is(p.log.logEndOffset, 1, 'nothing was appended');
  assert.ok(tried(), 'an append was tried');
  const metadata = watched(p, p.readForFollower(2, 1, 1 << 20, T, clock).quiet!);
  p.updateState(state(), T);
  assert.not.ok(metadata(), "metadata with this partition's ISR and replicas unchanged (another topic's change)");
  p.updateState(state({ isr: [1, 2] }), T);
  assert.ok(metadata(), 'a new ISR');
  const logStart = watched(p, p.readForFollower(2, 1, 1 << 20, T, clock).quiet!);
  p.logStartMoved();
  assert.ok(logStart(), 'the log start moved');
  const deleted = watched(p, p.readForFollower(2, 1, 1 << 20, T, clock).quiet!);
  p.retire(new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
  assert.ok(deleted(), 'deleted');
});

test('quiet reads: a follower out of the ISR is never quiet (it is proposed back instead)', () => {
  const p = leader({ isr: [1, 2] });
  leaderWrite(p, 'a');
  assert.is(p.readForFollower(3, 1, 1 << 20, T, { lastFetchMs: T }).quiet, null);
});

test('quiet reads: another follower moving the high watermark ends a quiet read (the follower must be told), also one moved before the watch began', () => {
  const p = leader();
  leaderWrite(p, 'a');
  const q = p.readForFollower(2, 1, 1 << 20, T, { lastFetchMs: T }).quiet!;
  const ended = watched(p, q);
  assert.not.ok(ended());
  p.recordFollowerFetch(3, 1, T);
  assert.is(p.log.highWatermark, 1);
  assert.ok(ended());
  const late = p.readForFollower(2, 1, 1 << 20, T, { lastFetchMs: T }).quiet!;
  leaderWrite(p, 'b');
  assert.ok(watched(p, late)(), 'the state moved between the read and the watch: told at once');
});

test("quiet reads: a follower left out keeps counting as caught up while its session's clock ticks; not once the clock stops, nor after an append it has not fetched", () => {
  const lag = 1000;
  const p = leader();
  leaderWrite(p, 'a');
  const clock2 = { lastFetchMs: T };
  const clock3 = { lastFetchMs: T };
  p.readForFollower(2, 1, 1 << 20, T, clock2);
  p.readForFollower(3, 1, 1 << 20, T, clock3);
  // Broker 2's session keeps fetching (its quiet partition left out); broker 3's stopped at T.
  clock2.lastFetchMs = T + 5000;
  assert.equal(p.laggingIsr(T + 5500, lag), [1, 2], 'broker 3 stopped fetching');
  assert.is(p.followerProgress(2)!.lastFetchMs, T + 5000);
  assert.is(p.followerProgress(2)!.lastCaughtUpMs, T + 5000);
  clock2.lastFetchMs = T + 5900;
  leaderWrite(p, 'b');
  clock2.lastFetchMs = T + 6950;
  assert.equal(p.laggingIsr(T + 6800, lag), [1, 2], 'broker 2 was caught up at its last fetch before the append');
  assert.equal(p.laggingIsr(T + 7000, lag), [1], 'the append is not fetched: the clock no longer counts for it');
});
test('replicas changed at the same epoch: the leader tracks an added follower (it can join the ISR) and forgets a removed one', () => {
  const p = leader();
  write(p, 2);
  p.recordFollowerFetch(2, 2, T + 1);
  p.recordFollowerFetch(3, 2, T + 1);
  p.updateState(state({ replicas: [1, 2, 3, 4], addingReplicas: [4] }), T + 2);
  assert.is(p.followerProgress(4)?.lastCaughtUpMs, T + 2, 'a full lag window from the change');
  assert.equal(p.recordFollowerFetch(4, 2, T + 3), [1, 2, 3, 4], 'caught up: proposed into the ISR');
  p.updateState(state({ replicas: [1, 2, 4], isr: [1, 2, 4] }), T + 4);
  assert.is(p.followerProgress(3), undefined);
  assert.is(p.followerProgress(2)?.logEndOffset, 2, 'a follower kept keeps its progress');
});

test.run();
