import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { check, violations, type AckedRecord, type ReadRecord } from '../../src/chaos/checker.js';

const test = suite('chaos checker: hand-made histories');

const P = 3;
/** seq -> the record as the log holds it, offsets assigned per partition in seq order. */
function cleanLog(sent: number): ReadRecord[] {
  const next = [0, 0, 0];
  return Array.from({ length: sent }, (_, seq) => ({ partition: seq % P, offset: next[seq % P]!++, value: String(seq) }));
}
function acksFor(log: ReadRecord[], seqs?: number[]): AckedRecord[] {
  const want = seqs ? new Set(seqs) : null;
  return log.filter((r) => !want || want.has(Number(r.value))).map((r) => ({ seq: Number(r.value), partition: r.partition, offset: r.offset }));
}

test('a clean history has no violations', () => {
  const log = cleanLog(12);
  const r = check({ sent: 12, partitions: P, acked: acksFor(log), read: log, seenDuringRun: log.slice(0, 5) });
  assert.equal(violations(r), []);
  assert.is(r.acknowledged, 12);
  assert.is(r.unacknowledged, 0);
  assert.is(r.read, 12);
});

test('the order of the read list does not matter (it is sorted by partition and offset)', () => {
  const log = cleanLog(12);
  const r = check({ sent: 12, partitions: P, acked: acksFor(log), read: [...log].reverse() });
  assert.equal(violations(r), []);
});

test('an acknowledged record missing from the log is lost', () => {
  const log = cleanLog(12);
  const read = log.filter((r) => r.value !== '7');
  const r = check({ sent: 12, partitions: P, acked: acksFor(log), read });
  assert.equal(r.lost, [{ seq: 7, partition: 1, offset: 2 }]);
  assert.equal(violations(r), ['1 lost']);
});

test('an unacknowledged record may be missing or present: neither is a violation', () => {
  const log = cleanLog(12);
  // 10 and 11 were never acknowledged; 10 made it into the log anyway, 11 did not.
  const read = log.filter((r) => r.value !== '11');
  const r = check({ sent: 12, partitions: P, acked: acksFor(log, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), read });
  assert.equal(violations(r), []);
  assert.is(r.unacknowledged, 2);
  assert.is(r.recovered, 1);
});

test('a record stored twice is duplicated (and the extra copy is not also called reordered)', () => {
  const log = cleanLog(9);
  // Partition 0 holds 0, 3, 3, 6: the retry of seq 3 was stored again at offset 2.
  const read = [...log.filter((r) => r.partition !== 0), { partition: 0, offset: 0, value: '0' }, { partition: 0, offset: 1, value: '3' }, { partition: 0, offset: 2, value: '3' }, { partition: 0, offset: 3, value: '6' }];
  const acked = acksFor(log).map((a) => (a.seq === 6 ? { ...a, offset: 3 } : a));
  const r = check({ sent: 9, partitions: P, acked, read });
  assert.equal(r.duplicated, [{ seq: 3, partition: 0, offset: 2, firstOffset: 1 }]);
  assert.equal(violations(r), ['1 duplicated']);
});

test('records of a partition out of seq order are reordered', () => {
  const log = cleanLog(9);
  // Partition 1 should hold 1, 4, 7; it holds 1, 7, 4.
  const read = log.map((r) => (r.partition === 1 && r.offset === 1 ? { ...r, value: '7' } : r.partition === 1 && r.offset === 2 ? { ...r, value: '4' } : r));
  const acked = acksFor(read);
  const r = check({ sent: 9, partitions: P, acked, read });
  assert.equal(r.reordered, [{ partition: 1, offset: 2, seq: 4, previousSeq: 7 }]);
  assert.equal(violations(r), ['1 reordered']);
});

test('a gap left by an unacknowledged record is not a reorder', () => {
  const log = cleanLog(9).filter((r) => r.value !== '4');
  const r = check({ sent: 9, partitions: P, acked: acksFor(log), read: log });
  assert.equal(violations(r), []);
});

test('an acknowledged record found at another offset than its ack named is misplaced', () => {
  const log = cleanLog(6);
  const acked = acksFor(log).map((a) => (a.seq === 4 ? { ...a, offset: 5 } : a));
  const r = check({ sent: 6, partitions: P, acked, read: log });
  assert.equal(r.misplaced, [{ seq: 4, ackedPartition: 1, ackedOffset: 5, readOffset: 1 }]);
  assert.equal(violations(r), ['1 misplaced']);
});

test('values that are not seqs we sent, or in the wrong partition, are unexpected', () => {
  const log = cleanLog(6);
  const read = [...log, { partition: 0, offset: 2, value: 'hello' }, { partition: 0, offset: 3, value: '99' }, { partition: 0, offset: 4, value: '1' }, { partition: 2, offset: 2, value: null }];
  const r = check({ sent: 6, partitions: P, acked: acksFor(log), read });
  assert.is(r.unexpected.length, 4);
  assert.equal(violations(r), ['4 unexpected']);
});

test('a record seen during the run but not in the final log is a phantom', () => {
  const log = cleanLog(6);
  const seen = [...log.slice(0, 3), { partition: 2, offset: 1, value: '8' }, { partition: 0, offset: 7, value: '21' }];
  const r = check({ sent: 6, partitions: P, acked: acksFor(log), read: log, seenDuringRun: seen });
  assert.equal(
    r.phantom.map((x) => [x.partition, x.offset, x.value, x.finalValue]),
    [
      [2, 1, '8', '5'],
      [0, 7, '21', null],
    ],
  );
  assert.equal(violations(r), ['2 phantom']);
});

test('several violations are all reported', () => {
  const log = cleanLog(12);
  const read = log.filter((r) => r.value !== '0').concat([{ partition: 1, offset: 4, value: '10' }]);
  const r = check({ sent: 12, partitions: P, acked: acksFor(log), read });
  assert.equal(violations(r), ['1 lost', '1 duplicated']);
});

test.run();
