/**
 * The accumulator's batch buffers: a finished batch's buffer is reused for a later one, never while
 * its bytes may still be sent (waiting for an answer, a retry), and a batch written into a reused
 * buffer has exactly the bytes a fresh one would.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordAccumulator, type ProducerBatch } from '../../src/client/record-accumulator.js';
import { producerSpareBatchBufferBytes } from '../../src/common/limits.js';
import { decodeRecordBatches, encodeRecordBatch } from '../../src/protocol/record-batch.js';

const T = 1_700_000_000_000;
const value = (i: number) => Buffer.from(`value-${String(i).padStart(4, '0')}-${'x'.repeat(25)}`);

function accumulator(batchBytes = 300) {
  const acc = new RecordAccumulator({ lingerMs: 60_000, batchBytes, maxBufferedBytes: 1 << 30 }, () => 1, () => undefined);
  /** The next batch the accumulator queued, built as the Sender builds it. */
  const take = (): ProducerBatch => {
    const q = acc.ready.get('t\u00000')!;
    const b = q.shift()!;
    b.encoded = b.builder!.build({ producerId: 7, producerEpoch: 0, baseSequence: b.id });
    b.builder = null;
    acc.built(b);
    return b;
  };
  const append = (from: number, n: number) => {
    for (let i = from; i < from + n; i++) acc.append('t', 0, 1, null, value(i), T + i, undefined);
  };
  const nextBuffer = () => acc.ready.get('t\u00000')![0]!.buffer;
  return { acc, take, append, nextBuffer };
}

const values = (b: ProducerBatch) => decodeRecordBatches(b.encoded!)[0]!.records.map((r) => r.value!.toString());

test('a full batch keeps its buffer until its answer; a later batch gets it then, and its bytes equal a fresh builder\'s', () => {
  const { acc, take, append } = accumulator();
  append(0, 5); // 5 x 60 estimated bytes (24 + the value): the fifth fills batch.size and closes the batch
  const a = take();
  const aBytes = Buffer.from(a.encoded!);
  const aBuffer = a.buffer!;
  assert.ok(aBuffer && a.encoded!.buffer === aBuffer.buffer, 'a full batch is sent from its own buffer');
  append(5, 5);
  const b = take();
  assert.is.not(b.buffer, aBuffer, 'not reused while the first batch waits for its answer');
  assert.equal(a.encoded, aBytes, 'the first batch\'s bytes are untouched');
  acc.release(a);
  append(10, 5);
  const c = take();
  assert.is(c.buffer, aBuffer, 'reused once answered');
  assert.equal(values(c), [10, 11, 12, 13, 14].map((i) => value(i).toString()));
  const fresh = encodeRecordBatch([10, 11, 12, 13, 14].map((i) => ({ key: null, value: value(i), timestamp: T + i })), { producerId: 7, producerEpoch: 0, baseSequence: c.id });
  assert.equal(c.encoded, fresh, 'same bytes (CRC included) as a batch built in a fresh buffer');
  acc.release(a); // a second release gives nothing back twice
  acc.release(b);
  append(15, 5);
  append(20, 5);
  const d = take();
  const e = take();
  assert.is.not(d.buffer, e.buffer, 'two live batches never share a buffer');
  assert.equal(values(d), [15, 16, 17, 18, 19].map((i) => value(i).toString()));
  assert.equal(values(e), [20, 21, 22, 23, 24].map((i) => value(i).toString()));
});

test('a batch closed short is copied to its size at build: its buffer goes to the next batch at once', () => {
  const { acc, take, append } = accumulator();
  append(0, 1);
  acc.closeAll();
  const a = take();
  assert.is(a.buffer, null, 'given back at build: the batch holds a copy of its bytes');
  append(1, 5);
  const b = take();
  assert.equal(values(a), [value(0).toString()], 'the short batch\'s copy is untouched by the next batch');
  assert.equal(values(b), [1, 2, 3, 4, 5].map((i) => value(i).toString()));
});

test('no buffer is kept past producerSpareBatchBufferBytes: a batch.size above it allocates per batch', () => {
  const { acc, take, append, nextBuffer } = accumulator(producerSpareBatchBufferBytes);
  append(0, 1);
  acc.closeAll();
  const first = nextBuffer();
  take();
  append(1, 1);
  acc.closeAll();
  assert.ok(first && nextBuffer() && nextBuffer() !== first, 'not kept');
  const small = accumulator(); // the default-sized case keeps it (see above)
  small.append(0, 1);
  small.acc.closeAll();
  const kept = small.nextBuffer();
  small.take();
  small.append(1, 1);
  small.acc.closeAll();
  assert.is(small.nextBuffer(), kept);
});

test('records after linger.ms closed a batch fill it while it waits to be sent; one failed unsent takes no more, the next record starts a batch', () => {
  const { acc, take, append } = accumulator();
  append(0, 2);
  acc.closeAll(); // linger expired: the batch is queued with room for three more
  append(2, 2);
  const q = acc.ready.get('t\u00000')!;
  assert.is(q.length, 1, 'the queued batch took them');
  assert.is(q[0]!.recordCount, 4);
  const [failed] = acc.takeAllReady(); // as the Sender fails what waits (a fenced or aborted transaction)
  acc.release(failed!);
  append(4, 1);
  acc.closeAll();
  const next = take();
  assert.is.not(next, failed);
  assert.equal(values(next), [value(4).toString()]);
  assert.is(failed!.recordCount, 4, 'the failed batch took no record after its failure');
});

test.run();
