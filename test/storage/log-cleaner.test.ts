/**
 * The log cleaner over a real SQLite file (LogStore) in a temp dir, its clock given: the key map
 * (latest record per key kept, offsets unchanged, batches re-encoded with valid CRCs), tombstones
 * until delete.retention.ms after the pass that first kept them (KIP-534 horizon in the batch),
 * min.cleanable.dirty.ratio, min/max.compaction.lag.ms, the segment boundary (the active segment and
 * what is at or above the last stable offset stay), emptied batches removed unless they carry a
 * producer's state, transactions (committed records compacted, aborted ones removed, markers removed
 * after delete.retention.ms once no batch of theirs is left, the aborted index row with them), and
 * readers between two chunks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { DEFAULT_COMPACTION, type CompactionConfig } from '../../src/common/topic-configs.js';
import type { Logger } from '../../src/common/logger.js';
import { CompressionCodec } from '../../src/protocol/compression.js';
import { readControlBatch } from '../../src/protocol/control-batch.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { ATTR_CONTROL, ATTR_DELETE_HORIZON, ATTR_TRANSACTIONAL, decodeRecordBatches, encodeRecordBatch, readBatchHeader, splitAndValidateBatches, splitReplicatedBatches, stampBatch } from '../../src/protocol/record-batch.js';
import { LogCleaner, walkDirtyPart } from '../../src/storage/log-cleaner.js';
import { openDatabase } from '../../src/storage/database.js';
import { LogStore } from '../../src/storage/log-store.js';
import type { PartitionLog } from '../../src/storage/partition-log.js';

const test = suite('LogCleaner: compaction of a PartitionLog');
const T0 = 1_700_000_000_000;
let dir = '';
let store: LogStore;
let log: PartitionLog;
let lines: string[];
let now = T0;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-cleaner-test-'));
  store = new LogStore(dir);
  log = store.partition('t', 0);
  lines = [];
  now = T0 + 1000;
});
test.after.each(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`) };

/** Segments of one batch each unless a test says otherwise: everything but the last batch is cleanable. */
const compacted = (over: Partial<CompactionConfig> = {}): CompactionConfig => ({ ...DEFAULT_COMPACTION, compact: true, segmentBytes: 1, ...over });

function cleaner(config: CompactionConfig, opts: { chunkBytes?: number } = {}): LogCleaner {
  return new LogCleaner({ logs: () => [{ log, config }], holds: () => true, logger, now: () => now, chunkBytes: opts.chunkBytes });
}

type Entry = [key: string | null, value: string | null];

/** Appends one batch as leader (records stamped `ts`) and commits it (high watermark at the log end). */
function put(entries: Entry[], ts = T0, opts: { producerId?: number; baseSequence?: number; compression?: number } = {}): void {
  const bytes = encodeRecordBatch(
    entries.map(([k, v]) => ({ key: k === null ? null : Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: ts })),
    { producerId: opts.producerId, producerEpoch: opts.producerId === undefined ? -1 : 0, baseSequence: opts.baseSequence ?? (opts.producerId === undefined ? -1 : 0), compression: opts.compression },
  );
  append(bytes);
}

/** Appends a batch as a follower would (at the log end, no sequence checks: markers of other helpers' making) and commits it. */
function append(bytes: Buffer): void {
  stampBatch(bytes, log.logEndOffset, 0);
  store.transaction(() => log.appendAsFollower(splitAndValidateBatches(bytes)));
  log.setHighWatermark(log.logEndOffset);
}

/** A batch with the transactional bit set and its CRC fixed. */
function transactional(entries: Entry[], producerId: number): Buffer {
  const bytes = encodeRecordBatch(
    entries.map(([k, v]) => ({ key: k === null ? null : Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: T0 })),
    { producerId, producerEpoch: 0, baseSequence: 0 },
  );
  return withAttributes(bytes, ATTR_TRANSACTIONAL);
}

/** A COMMIT or ABORT marker of `producerId` as Kafka writes one: key version 0 and type 1 or 0, value version 0 and coordinator epoch 0. */
function marker(producerId: number, commit: boolean): Buffer {
  const key = Buffer.from([0, 0, 0, commit ? 1 : 0]);
  const value = Buffer.from([0, 0, 0, 0, 0, 0]);
  return withAttributes(encodeRecordBatch([{ key, value, timestamp: T0 }], { producerId, producerEpoch: 0, baseSequence: -1 }), ATTR_TRANSACTIONAL | ATTR_CONTROL);
}

function withAttributes(bytes: Buffer, attributes: number): Buffer {
  bytes.writeInt16BE(attributes, 21);
  bytes.writeUInt32BE(crc32c(bytes, 21), 17);
  return bytes;
}

/** What a consumer reading the whole log gets: [offset, key, value] of every record. */
function contents(): [number, string | null, string | null][] {
  return decodeRecordBatches(Buffer.concat(log.read(0, log.logEndOffset, 1 << 30))).flatMap((b) =>
    b.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null] as [number, string | null, string | null]),
  );
}

const storedBatches = () => log.read(0, log.logEndOffset, 1 << 30);

/** [base offset, values] of every stored batch (a marker's control record is not a value). */
const batchValues = () => decodeRecordBatches(Buffer.concat(storedBatches())).map((b) => [b.header.baseOffset, b.records.map((r) => r.value?.toString() ?? null)]);

/**
 * What a read_committed consumer gets from the whole log, as Kafka's clients drop aborted records:
 * the fetch lists aborted transactions (producer, first offset); from a listed one's first offset the
 * producer's transactional records are dropped until its ABORT marker.
 */
function readCommitted(): [number, string | null, string | null][] {
  const pending = log.abortedTransactions(0, log.logEndOffset);
  const dropping = new Set<number>();
  const out: [number, string | null, string | null][] = [];
  for (const bytes of storedBatches()) {
    const { producerId, baseOffset, attributes } = readBatchHeader(bytes);
    for (const t of pending.filter((t) => t.firstOffset <= baseOffset)) {
      dropping.add(t.producerId);
      pending.splice(pending.indexOf(t), 1);
    }
    if (attributes & ATTR_CONTROL) {
      if (!readControlBatch(bytes).commit) dropping.delete(producerId);
      continue;
    }
    if (attributes & ATTR_TRANSACTIONAL && dropping.has(producerId)) continue;
    for (const r of decodeRecordBatches(bytes)[0]!.records) out.push([r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null]);
  }
  return out;
}

/** The last record of each key, in offset order. */
const latestPerKey = (records: [number, string | null, string | null][]) => [...new Map(records.map((r) => [r[1], r])).values()].sort((a, b) => a[0] - b[0]);

test('keeps the latest record per key, at its offset, in batches with fresh valid CRCs (compressed ones too); the active segment stays', async () => {
  put([['a', 'a0'], ['b', 'b0'], ['c', 'c0']]); // 0-2
  put([['a', 'a1'], ['b', 'b1'], ['b', 'b2']], T0, { compression: CompressionCodec.gzip }); // 3-5
  put([['c', 'c1'], [null, 'no key']]); // 6-7
  put([['a', 'a2'], ['a', 'a3']]); // 8-9: the active segment
  const before = log.sizeBytes();
  assert.ok(await cleaner(compacted()).cleanFilthiest());
  assert.equal(contents(), [
    [3, 'a', 'a1'],
    [5, 'b', 'b2'],
    [6, 'c', 'c1'],
    [8, 'a', 'a2'],
    [9, 'a', 'a3'],
  ], 'a record survives only if no later one before the active segment has its key; a keyless one goes');
  const batches = storedBatches();
  assert.equal(batches.map((b) => [readBatchHeader(b).baseOffset, readBatchHeader(b).lastOffsetDelta, readBatchHeader(b).recordCount]), [
    [3, 2, 2],
    [6, 1, 1],
    [8, 1, 2],
  ], 'batch 0-2 emptied and removed; the others keep their base and last offsets');
  assert.is(readBatchHeader(batches[0]!).attributes & 0x07, CompressionCodec.gzip, 'the codec is kept');
  assert.is(splitReplicatedBatches(Buffer.concat(batches)).length, 3, 'CRCs valid (as a follower checks them)');
  assert.equal(decodeRecordBatches(Buffer.concat(batches)).map((b) => b.records.length), [2, 1, 2], 'and the records framed right');
  assert.throws(() => splitAndValidateBatches(batches[0]!), /record count and last offset delta disagree/, 'a producer may not send such a batch');
  assert.is(log.logEndOffset, 10);
  assert.ok(log.sizeBytes() < before);
  assert.match(lines.join('\n'), /^cleaned t-0 offsets 0-7: \d+ -> \d+ bytes, 5 record\(s\) and 1 batch\(es\) removed \(dirty ratio 1\.00 > min\.cleanable\.dirty\.ratio 0\.5\)$/m);
});

test('nothing is cleaned in the active segment, nor past the high watermark', async () => {
  put([['a', 'a0']]);
  put([['a', 'a1']]);
  put([['a', 'a2']]);
  assert.not.ok(await cleaner(compacted({ segmentBytes: 1 << 20 })).cleanFilthiest(), 'one segment: the active one');
  log.setHighWatermark(1);
  assert.ok(await cleaner(compacted()).cleanFilthiest());
  assert.equal(contents().map((r) => r[0]), [0, 1, 2], 'only batch 0 was below the high watermark, and it is the latest below it');
});

test('segment.ms cuts segments by batch timestamps: the newest span is the active segment', async () => {
  put([['a', 'a0']], T0);
  put([['a', 'a1']], T0 + 10);
  put([['a', 'a2']], T0 + 5000);
  put([['a', 'a3']], T0 + 5010);
  assert.ok(await cleaner(compacted({ segmentBytes: 1 << 20, segmentMs: 1000 })).cleanFilthiest());
  assert.equal(contents().map((r) => r[2]), ['a1', 'a2', 'a3'], 'segment [a0, a1] cleaned; [a2, a3] is active');
});

test('min.cleanable.dirty.ratio: a log whose dirty part is small next to its clean part waits', async () => {
  for (let i = 0; i < 10; i++) put([[`k${i}`, 'x'.repeat(200)]]);
  put([['last', '']]);
  const config = compacted({ minCleanableDirtyRatio: 0.5 });
  const c = cleaner(config);
  assert.ok(await c.cleanFilthiest(), 'all dirty after a start');
  assert.not.ok(await c.cleanFilthiest(), 'all clean now');
  put([['k0', 'y']]);
  put([['last', '']]);
  const plan = (await c.plan({ log, config }, now))!;
  assert.ok(plan.dirtyRatio > 0 && plan.dirtyRatio < 0.2, `ratio ${plan.dirtyRatio}`);
  assert.not.ok(await c.cleanFilthiest(), 'below the ratio');
  config.minCleanableDirtyRatio = 0.01;
  assert.ok(await c.cleanFilthiest(), 'above a lower one');
  assert.equal(contents().map((r) => r[1]), ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'last', 'k0', 'last']);
});

test('min.compaction.lag.ms keeps young records; max.compaction.lag.ms cleans old ones whatever the ratio', async () => {
  put([['a', 'a0']], T0);
  put([['a', 'a1']], T0 + 60_000);
  put([['a', 'a2']], T0 + 60_000);
  now = T0 + 61_000;
  const lagged = compacted({ minCompactionLagMs: 30_000 });
  assert.equal((await cleaner(lagged).plan({ log, config: lagged }, now))!.cleanableEnd, 1, 'a1 is younger than the lag: its segment and all after stay');
  await cleaner(lagged).cleanFilthiest();
  assert.equal(contents().map((r) => r[2]), ['a0', 'a1', 'a2'], 'so a0 has no later record to give way to');
  now = T0 + 100_000;
  assert.ok(await cleaner(lagged).cleanFilthiest());
  assert.equal(contents().map((r) => r[2]), ['a1', 'a2']);

  put([['a', 'a3']], T0 + 100_000);
  put([['a', 'a4']], T0 + 100_000);
  const lazy = compacted({ minCleanableDirtyRatio: 0.99 });
  const c = cleaner(lazy);
  assert.ok(await c.cleanFilthiest(), 'all dirty after a start');
  put([['a', 'a5']], T0 + 100_001);
  put([['a', 'a6']], T0 + 100_002);
  assert.not.ok(await c.cleanFilthiest(), 'below the ratio, no max lag');
  now = T0 + 200_000;
  lazy.maxCompactionLagMs = 50_000;
  assert.ok(await c.cleanFilthiest(), 'a dirty batch older than max.compaction.lag.ms');
  assert.match(lines[lines.length - 1]!, 'older than max.compaction.lag.ms 50000');
  assert.equal(contents().map((r) => r[2]), ['a5', 'a6']);
});

test('tombstones: the pass that first keeps one stamps a delete horizon; they go once it passed, with the values they deleted long gone', async () => {
  put([['a', 'a0'], ['b', 'b0']]);
  put([['a', null]]); // 2: deletes a
  put([['c', 'c0']]); // active
  const config = compacted({ deleteRetentionMs: 60_000 });
  const c = cleaner(config);
  assert.ok(await c.cleanFilthiest());
  assert.equal(contents(), [
    [1, 'b', 'b0'],
    [2, 'a', null],
    [3, 'c', 'c0'],
  ], 'a0 went, the tombstone stays');
  const marked = readBatchHeader(storedBatches()[1]!);
  assert.ok(marked.attributes & ATTR_DELETE_HORIZON, 'the batch carries its delete horizon (KIP-534)');
  assert.is(marked.baseTimestamp, now + 60_000);
  const recordTime = decodeRecordBatches(storedBatches()[1]!)[0]!.records[0]!.timestamp;
  assert.is(recordTime, T0, 'record timestamps read the same with the new base');

  now += 59_000;
  assert.not.ok(await c.cleanFilthiest(), 'before the horizon nothing is due');
  now += 2000;
  assert.ok(await c.cleanFilthiest(), 'the horizon passed: a pass is due with nothing dirty');
  assert.equal(contents(), [
    [1, 'b', 'b0'],
    [3, 'c', 'c0'],
  ]);
  assert.match(lines[lines.length - 1]!, 'tombstones or markers past delete.retention.ms 60000');
});

test('segments are cut in the dirty part: a log that compacted to less than a segment still has its tombstones cleaned', async () => {
  for (let i = 0; i < 7; i++) put([['a', `a${i}`]]); // 0-6: about 70 bytes each, 4 to a 300-byte segment
  put([['a', null]]); // 7
  put([['f', 'f1']]); // 8: the active segment from here
  put([['f', 'f2']]); // 9
  const config = compacted({ segmentBytes: 300, deleteRetentionMs: 1000 });
  const c = cleaner(config);
  assert.ok(await c.cleanFilthiest());
  assert.equal(contents().map((r) => r[0]), [7, 8, 9], 'the log now fits in one segment');
  now += 2000;
  assert.ok(await c.cleanFilthiest(), 'the tombstone is still before the active segment');
  assert.equal(contents().map((r) => r[0]), [8, 9]);
});

test("an idempotent producer's emptied last batch stays, empty, so its sequence survives a reopen; its older emptied batches go", async () => {
  put([['a', 'a0']], T0, { producerId: 7, baseSequence: 0 }); // 0
  put([['a', 'a1'], ['b', 'b1']], T0, { producerId: 7, baseSequence: 1 }); // 1-2
  put([['a', 'a2'], ['b', 'b2']]); // 3-4, no producer
  put([['z', 'z']]); // active
  assert.ok(await cleaner(compacted()).cleanFilthiest());
  const batches = storedBatches().map((b) => readBatchHeader(b));
  assert.equal(batches.map((h) => [h.baseOffset, h.lastOffsetDelta, h.recordCount, h.producerId]), [
    [1, 1, 0, 7],
    [3, 1, 2, -1],
    [5, 0, 1, -1],
  ]);
  store.close();
  store = new LogStore(dir);
  log = store.partition('t', 0);
  // The producer's next batch is sequence 3: accepted, as its state was rebuilt from the empty batch.
  put([['a', 'a3']], T0, { producerId: 7, baseSequence: 3 });
  assert.is(log.logEndOffset, 7);
  assert.equal(log.producers.active().map((p) => [p.producerId, p.lastSequence]), [[7, 3]]);
});

test('transactions: the cleanable part ends at the last stable offset; committed transactional records stand for their keys; a marker stays while its transaction has a batch left', async () => {
  put([['a', 'a0'], ['b', 'b0']]); // 0-1
  append(transactional([['a', 'tx-a'], ['b', 'tx-b']], 9)); // 2-3
  append(marker(9, true)); // 4: its marker
  put([['b', 'b1']]); // 5
  append(transactional([['b', 'open']], 11)); // 6: never ended
  put([['b', 'b2']]); // 7
  put([['z', 'z']]); // 8, active
  assert.is(log.lastStableOffset, 6);
  assert.ok(await cleaner(compacted()).cleanFilthiest());
  assert.equal(batchValues(), [
    [2, ['tx-a']],
    [4, []],
    [5, ['b1']],
    [6, ['open']],
    [7, ['b2']],
    [8, ['z']],
  ], 'a0 is shadowed by the committed tx-a, b0 and tx-b by b1; the marker stays with tx-a; nothing from the open transaction on is touched');
  assert.is(readBatchHeader(storedBatches()[1]!).attributes & (ATTR_CONTROL | ATTR_DELETE_HORIZON), ATTR_CONTROL, 'no delete horizon: tx-a is left');
});

test("an aborted transaction's batches go, never standing for a key; its index row goes with the last of them, its marker after delete.retention.ms; read_committed reads the same all along", async () => {
  put([['a', 'a0']]); // 0
  append(transactional([['a', 'aborted-a']], 7)); // 1
  put([['b', 'b0']]); // 2
  append(transactional([['b', 'aborted-b']], 7)); // 3
  append(marker(7, false)); // 4: ABORT
  append(transactional([['a', 'a1']], 7)); // 5: the producer's next transaction
  append(marker(7, true)); // 6: COMMIT
  put([['z', 'z']]); // 7, active
  const committed = [[2, 'b', 'b0'], [5, 'a', 'a1'], [7, 'z', 'z']];
  assert.equal(latestPerKey(readCommitted()), committed);
  assert.equal(log.abortedTransactions(0, 8), [{ producerId: 7, firstOffset: 1, lastOffset: 4 }]);
  const c = cleaner(compacted({ deleteRetentionMs: 60_000 }));
  assert.ok(await c.cleanFilthiest());
  assert.equal(batchValues(), [
    [2, ['b0']],
    [4, []],
    [5, ['a1']],
    [6, []],
    [7, ['z']],
  ], 'a0 is shadowed by the committed a1, not b0 by the aborted b; the aborted batches are gone, both markers still there');
  assert.equal(log.abortedTransactions(0, 8), [], 'the row went with the batches it covered');
  assert.ok(readBatchHeader(storedBatches()[1]!).attributes & ATTR_DELETE_HORIZON, 'the ABORT marker has a delete horizon');
  assert.not.ok(readBatchHeader(storedBatches()[3]!).attributes & ATTR_DELETE_HORIZON, 'the COMMIT marker has none: a1 is left');
  assert.equal(readCommitted(), committed);
  now += 30_000;
  assert.not.ok(await c.cleanFilthiest(), 'nothing to do before the horizon');
  now += 31_000;
  assert.ok(await c.cleanFilthiest());
  assert.match(lines[lines.length - 1]!, 'tombstones or markers past delete.retention.ms 60000');
  assert.equal(batchValues().map(([o]) => o), [2, 5, 6, 7], 'the ABORT marker is gone');
  assert.equal(readCommitted(), committed, "the producer's committed transaction after it is still read");
  store.close();
  store = new LogStore(dir);
  log = store.partition('t', 0);
  assert.is(log.lastStableOffset, log.highWatermark, 'no transaction open after a reopen');
});

/** Producer 9's transaction, producer 10's (its last batch), 9's second (its last), then a record overwriting k and an active one. */
function appendTwoProducersTransactions(): void {
  append(transactional([['k', 't9']], 9)); // 0
  append(marker(9, true)); // 1
  append(transactional([['k', 't10']], 10)); // 2: producer 10's last batch
  append(marker(10, true)); // 3
  append(transactional([['x', 'x9']], 9)); // 4: producer 9's last batch
  append(marker(9, true)); // 5
  put([['k', 'final']]); // 6
  put([['z', 'z']]); // 7, active
}

test("a committed transaction's marker goes once its records are compacted away, unless a batch of it is kept (empty) for its producer's state; a replica fetching the result has no transaction open", async () => {
  appendTwoProducersTransactions();
  const c = cleaner(compacted({ deleteRetentionMs: 1000 }));
  assert.ok(await c.cleanFilthiest());
  assert.equal(batchValues(), [[1, []], [2, []], [3, []], [4, ['x9']], [5, []], [6, ['final']], [7, ['z']]]);
  now += 2000;
  assert.ok(await c.cleanFilthiest());
  assert.equal(batchValues(), [[2, []], [3, []], [4, ['x9']], [5, []], [6, ['final']], [7, ['z']]], "only the marker of 9's first transaction went: 10's empty batch keeps its marker");
  const replica = store.partition('t', 1);
  store.transaction(() => replica.appendAsFollower(splitReplicatedBatches(Buffer.concat(storedBatches()))));
  replica.setHighWatermark(replica.logEndOffset);
  assert.is(replica.lastStableOffset, 8, 'a replica of the compacted log has every transaction closed');
  assert.equal(replica.producers.active().map((p) => [p.producerId, p.currentTxnStartOffset]), [[9, -1], [10, -1]]);
});

/** [producer id, base offset] of the partition's txn_boundaries rows (read through a second connection). */
function boundaryRows(): [number, number][] {
  const db = openDatabase(path.join(dir, 'log.db'), []);
  try {
    return (db.prepare("SELECT producer_id, base_offset FROM txn_boundaries WHERE topic = 't' AND partition = 0 ORDER BY base_offset").all() as { producer_id: number; base_offset: number }[]).map((r) => [r.producer_id, r.base_offset]);
  } finally {
    db.close();
  }
}

test("a transaction the cleaner removed whole leaves no txn_boundaries rows (a compacted log's start never moves to drop them), a truncation into it opens no transaction", async () => {
  appendTwoProducersTransactions();
  const c = cleaner(compacted({ deleteRetentionMs: 1000 }));
  assert.ok(await c.cleanFilthiest());
  now += 2000;
  assert.ok(await c.cleanFilthiest());
  assert.equal(batchValues().map(([o]) => o), [2, 3, 4, 5, 6, 7], "9's first transaction is gone, its marker too");
  assert.equal(boundaryRows(), [[10, 2], [10, 3], [9, 4], [9, 5]], "so are its rows: each producer's latest transaction's stay");
  store.close();
  store = new LogStore(dir);
  log = store.partition('t', 0);
  assert.equal(log.producers.active().map((p) => [p.producerId, p.producerEpoch, p.currentTxnStartOffset]), [[9, 0, -1], [10, 0, -1]], 'a reopen restores every producer');
  log.truncateTo(1);
  assert.is(log.lastStableOffset, log.highWatermark, 'cut where 9\'s first transaction was: none of it is left to reopen');
});

test("a removed marker that is its producer's latest txn_boundaries row keeps the row (the producer's epochs for a rebuild) until a later removal of that producer's", async () => {
  append(marker(12, false)); // 0: an ABORT that closed nothing here
  put([['z', 'z0']]); // 1
  const c = cleaner(compacted({ deleteRetentionMs: 1000 }));
  assert.ok(await c.cleanFilthiest());
  now += 2000;
  assert.ok(await c.cleanFilthiest());
  assert.equal(batchValues().map(([o]) => o), [1], 'the marker is gone');
  assert.equal(boundaryRows(), [[12, 0]]);
  append(transactional([['k', 'a']], 12)); // 2
  append(marker(12, true)); // 3
  append(transactional([['q', 'q']], 12)); // 4: the producer's last batch
  append(marker(12, true)); // 5
  put([['k', 'final']]); // 6
  put([['z', 'z']]); // 7, active
  assert.ok(await c.cleanFilthiest());
  now += 2000;
  assert.ok(await c.cleanFilthiest());
  assert.equal(batchValues().map(([o]) => o), [1, 4, 5, 6, 7]);
  assert.equal(boundaryRows(), [[12, 4], [12, 5]], 'the transaction at 2-3 went, and the row of the marker at 0 with it');
});

test('a reader between two chunks sees the latest value of every key at its offset, whatever the cleaner has done so far', async () => {
  const latest = new Map<string, [number, string]>();
  for (let i = 0; i < 200; i++) {
    const k = `k${i % 10}`;
    put([[k, `v${i}`]]);
    latest.set(k, [i, `v${i}`]);
  }
  put([['end', '']]);
  const c = cleaner(compacted(), { chunkBytes: 500 });
  let reads = 0;
  let done = false;
  const pass = c.cleanFilthiest().then((r) => ((done = true), r));
  while (!done) {
    const seen = new Map(contents().map(([o, k, v]) => [k!, [o, v!] as [number, string]]));
    for (const [k, v] of latest) assert.equal(seen.get(k), v, `${k} after ${reads} reads`);
    reads++;
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(await pass);
  assert.ok(reads > 5, `the pass let readers in between chunks (${reads} reads)`);
  assert.equal(contents().map(([o]) => o), [...[...latest.values()].map(([o]) => o).sort((a, b) => a - b), 200]);
});

test('planning walks the batches a step at a time and finds the same as in one go (segments, an open transaction, the high watermark)', async () => {
  for (let i = 0; i < 20; i++) put([[`k${i % 3}`, 'x'.repeat(i * 7)]], T0 + i * 100);
  append(transactional([['k0', 'tx']], 5));
  for (let i = 0; i < 5; i++) put([['k1', `after-${i}`]]);
  log.setHighWatermark(log.logEndOffset - 2);
  for (const config of [compacted({ segmentBytes: 400 }), compacted({ segmentBytes: 1 << 20, segmentMs: 500 }), compacted({ segmentBytes: 300, minCompactionLagMs: 60_000 })]) {
    now = T0 + 61_000;
    const whole = await walkDirtyPart(log, config, now, 0);
    for (const step of [1, 2, 7]) assert.equal(await walkDirtyPart(log, config, now, 0, { batchesPerStep: step }), whole, `${step} batch(es) a step`);
    assert.equal(await walkDirtyPart(log, config, now, 4, { batchesPerStep: 3 }), await walkDirtyPart(log, config, now, 4));
  }
  assert.equal((await walkDirtyPart(log, compacted(), now, 0))!.cleanableEnd, 20, 'up to the open transaction');
  let changed = false;
  assert.is(await walkDirtyPart(log, compacted(), now, 0, { batchesPerStep: 2, gone: () => (changed = true) }), null, 'a walk gives up when told the log changed');
  assert.ok(changed);
});

test('after a restart the whole log is dirty once; the pass over an already compacted log rewrites nothing', async () => {
  for (let i = 0; i < 30; i++) put([[`k${i % 4}`, i % 7 === 0 ? null : `v${i}`]]);
  put([['end', '']]);
  assert.ok(await cleaner(compacted()).cleanFilthiest());
  const before = storedBatches();
  lines = [];
  const restarted = cleaner(compacted());
  assert.ok(await restarted.cleanFilthiest(), 'all dirty to a fresh cleaner');
  assert.match(lines[0]!, / (\d+) -> \1 bytes, 0 record\(s\) and 0 batch\(es\) removed/);
  assert.equal(storedBatches(), before, 'byte for byte, tombstone horizons included');
  assert.not.ok(await restarted.cleanFilthiest());
});

test('a write that fails (a full disk) stops the pass with what it did so far, every key still readable; the next pass finishes', async () => {
  const latest = new Map<string, string>();
  for (let i = 0; i < 100; i++) {
    put([[`k${i % 5}`, `v${i}`]]);
    latest.set(`k${i % 5}`, `v${i}`);
  }
  put([['end', '']]);
  const replace = log.replaceBatches.bind(log);
  let writes = 0;
  log.replaceBatches = (changes) => {
    if (++writes === 3) throw new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR, 'SQLITE_FULL: database or disk is full');
    replace(changes);
  };
  const c = cleaner(compacted(), { chunkBytes: 400 });
  assert.not.ok(await c.cleanFilthiest());
  assert.match(lines.join('\n'), /WARN cleaning t-0 stopped, will retry: .*SQLITE_FULL/);
  const seen = new Map(contents().map(([, k, v]) => [k!, v!]));
  for (const [k, v] of latest) assert.is(seen.get(k), v);
  assert.ok(contents().length < 101 && contents().length > 6, 'partly cleaned');
  log.replaceBatches = replace;
  assert.ok(await c.cleanFilthiest());
  assert.equal(contents().map(([, k, v]) => `${k}=${v}`), ['k0=v95', 'k1=v96', 'k2=v97', 'k3=v98', 'k4=v99', 'end=']);
});

test('a pass gives up when the log is truncated under it', async () => {
  for (let i = 0; i < 50; i++) put([['a', `v${i}`]]);
  const c = cleaner(compacted(), { chunkBytes: 200 });
  const pass = c.clean({ log, config: compacted() }, (await c.plan({ log, config: compacted() }, now))!, now);
  await new Promise((r) => setImmediate(r));
  log.truncateTo(40);
  assert.is(await pass, null);
  assert.is(contents()[39]![2], 'v39', 'the new log end is still there');
});

test.run();
