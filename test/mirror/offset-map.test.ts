import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PartitionOffsetMap } from '../../src/mirror/offset-map.js';
import { configsToCopy } from '../../src/mirror/mirror.js';

/** Source offsets 0-2 copied to 0-2, a gap (a transaction's marker and aborted records at 3-7), 8-10 copied to 3-5. */
function withGap(): PartitionOffsetMap {
  const map = new PartitionOffsetMap();
  [0, 1, 2].forEach((s) => map.add(s, s));
  [8, 9, 10].forEach((s, i) => map.add(s, 3 + i));
  return map;
}

test('consecutive records make one segment; a gap in the source offsets starts the next', () => {
  const map = withGap();
  assert.is(map.segmentCount, 2);
  assert.equal(map.takeChanged(), [{ source: 0, destination: 0, count: 3 }, { source: 8, destination: 3, count: 3 }]);
  assert.equal(map.takeChanged(), [], 'each change is taken once');
  map.add(11, 6);
  assert.equal(map.takeChanged(), [{ source: 8, destination: 3, count: 4 }], 'a grown segment is written again, whole');
  assert.is(map.nextSource, 12);
  assert.is(map.nextDestination, 7);
});

test('a committed offset translates to the destination offset of the first copied record at or after it', () => {
  const map = withGap();
  assert.is(map.translate(0), 0);
  assert.is(map.translate(2), 2);
  assert.is(map.translate(3), 3, 'on the commit marker: the next record copied, source 8');
  assert.is(map.translate(5), 3, 'inside the aborted records');
  assert.is(map.translate(9), 4);
  assert.is(map.translate(11), 6, 'past everything copied: the destination end');
  assert.is(map.translate(99), 6);
  assert.is(new PartitionOffsetMap().translate(0), null, 'nothing copied: nothing to name');
  const trimmed = new PartitionOffsetMap([{ source: 100, destination: 0, count: 5 }]);
  assert.is(trimmed.translate(40), 0, 'before the first copied record (the source log had been trimmed): its destination offset');
});

test('segments read back from checkpoints in any order translate the same', () => {
  const map = new PartitionOffsetMap([{ source: 8, destination: 3, count: 3 }, { source: 0, destination: 0, count: 3 }]);
  assert.is(map.translate(4), 3);
  assert.is(map.nextSource, 11);
});

test('a record answered out of order is refused rather than mapped wrong', () => {
  const map = withGap();
  assert.throws(() => map.add(9, 10), /out of order/);
  assert.throws(() => map.add(20, 4), /out of order/);
});

test('configs to copy: those set on the topic; min.insync.replicas only when set by hand, at most the destination RF', () => {
  const c = (entries: Record<string, [string | null, boolean]>) => new Map(Object.entries(entries).map(([k, [value, isDefault]]) => [k, { value, isDefault }]));
  assert.equal(configsToCopy(c({ 'retention.ms': ['1000', false], 'segment.bytes': ['1', true], 'min.insync.replicas': ['1', false] }), 2, 2), { 'retention.ms': '1000' });
  assert.equal(configsToCopy(c({ 'min.insync.replicas': ['2', false] }), 3, 3), {}, "YaK's derived default with RF 3");
  assert.equal(configsToCopy(c({ 'min.insync.replicas': ['3', false] }), 3, 3), { 'min.insync.replicas': '3' });
  assert.equal(configsToCopy(c({ 'min.insync.replicas': ['3', false] }), 3, 1), { 'min.insync.replicas': '1' }, 'clamped with the replication factor');
});

test.run();
