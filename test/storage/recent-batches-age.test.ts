/**
 * The recent-batch cache gives its memory back once appends stop: a sweep (every
 * recentBatchesMaxAgeMs, from LogStore) drops what was appended before the previous sweep, so an idle
 * broker does not keep a bench's last batches, and a batch stays between one and two sweeps; the
 * sweep that empties it asks for the garbage collection that frees them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecentBatches } from '../../src/storage/recent-batches.js';

const bytes = (n: number) => Buffer.alloc(n, 1);

test('a batch outlives the first sweep after its append and is dropped by the second, across partitions', () => {
  const cache = new RecentBatches(1 << 20);
  const a = cache.tail();
  const b = cache.tail();
  a.append(0, 0, bytes(100));
  b.append(0, 0, bytes(100));
  cache.sweep();
  assert.is(cache.sizeBytes, 200, 'appended since the last sweep: kept');
  a.append(1, 1, bytes(100));
  cache.sweep();
  assert.is(cache.sizeBytes, 100, "only a's offset 1, appended after the first sweep, is left");
  assert.is(a.read(0, 10, 1 << 20), null, 'offset 0 is answered by SQLite again');
  assert.is(a.read(1, 10, 1 << 20)!.length, 1);
  assert.is(b.read(0, 10, 1 << 20), null);
  cache.sweep();
  assert.is(cache.sizeBytes, 0, 'nothing appended: the cache is empty');
  b.append(1, 1, bytes(100));
  assert.is(b.read(1, 10, 1 << 20)!.length, 1, 'a partition fills its tail again after a sweep emptied it');
});

test('a partition cleared between sweeps is skipped by the sweep, its newer entries kept', () => {
  const cache = new RecentBatches(1 << 20);
  const a = cache.tail();
  a.append(0, 0, bytes(100));
  a.clear();
  a.append(5, 5, bytes(100));
  cache.sweep();
  cache.sweep();
  assert.is(cache.sizeBytes, 0);
  a.append(6, 6, bytes(100));
  cache.sweep();
  assert.is(a.read(6, 10, 1 << 20)!.length, 1);
});

test('a sweep that empties the cache asks for a garbage collection once, after it returned; one that leaves batches, or finds none, does not', async () => {
  let collections = 0;
  const cache = new RecentBatches(1 << 20, 64 * 1024, () => collections++);
  const a = cache.tail();
  cache.sweep();
  a.append(0, 0, bytes(100));
  cache.sweep();
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(collections, 0, 'an empty cache, then one still holding its batch');
  cache.sweep();
  assert.is(collections, 0, 'not while the sweep runs');
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(collections, 1, 'emptied');
  cache.sweep();
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(collections, 1, 'already empty');
  a.append(1, 1, bytes(100));
  assert.is(a.read(1, 2, 1 << 20)![0]!.buffer.byteLength, 64 * 1024, 'appends after it start a new slab');
});

test.run();
