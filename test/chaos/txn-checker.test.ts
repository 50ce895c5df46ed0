import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkTxn, parseOutput, txnViolations, type OutputRecord, type TxnAttempt } from '../../src/chaos/txn-checker.js';

const test = suite('chaos txn checker: hand-made histories of a consume-transform-produce pipeline');

const P = 3;
/** A transaction writing `seqs`, seq s to output partition s % P. */
const txn = (id: string, outcome: TxnAttempt['outcome'], seqs: number[], deliberate = false): TxnAttempt => ({ id, outcome, deliberate, records: seqs.map((seq) => ({ seq, partition: seq % P })) });

/** The output log as read_committed readers see it when `visible` transactions' records are all there, in order. */
function log(visible: TxnAttempt[]): OutputRecord[] {
  const next = [0, 0, 0];
  return visible.flatMap((t) => t.records.map((r) => ({ partition: r.partition, offset: next[r.partition]!++, value: `${r.seq}@${t.id}` })));
}
const inputs = (n: number) => new Set(Array.from({ length: n }, (_, i) => i));

test('output values name their input and transaction', () => {
  assert.equal(parseOutput('12@t0.3'), { seq: 12, txn: 't0.3' });
  assert.is(parseOutput('12'), null);
  assert.is(parseOutput(null), null);
  assert.is(parseOutput('012@t'), null);
});

test('a clean history: every input once, aborted ones invisible, one retried after its abort', () => {
  const a = txn('t0.0', 'committed', [0, 1, 2]);
  const b = txn('t0.1', 'aborted', [3, 4, 5], true);
  const c = txn('t0.2', 'committed', [3, 4, 5]);
  const d = txn('t1.0', 'unknown', [6, 7]);
  const output = log([a, c, d]);
  const r = checkTxn({ inputs: inputs(8), txns: [a, b, c, d], output, seenDuringRun: output.slice(0, 4) });
  assert.equal(txnViolations(r), []);
  assert.is(r.committed, 2);
  assert.is(r.aborted, 1);
  assert.is(r.deliberatelyAborted, 1);
  assert.is(r.unknown, 1);
  assert.is(r.inputs, 8);
  assert.is(r.outputRead, 8);
});

test('a transaction of unknown outcome may be absent entirely (it aborted); its input then appears in a later one', () => {
  const a = txn('t0.0', 'unknown', [0, 1]);
  const b = txn('t1.0', 'committed', [0, 1]);
  const r = checkTxn({ inputs: inputs(2), txns: [a, b], output: log([b]) });
  assert.equal(txnViolations(r), []);
});

test('an input no transaction carried over is lost', () => {
  const a = txn('t0.0', 'committed', [0, 1]);
  const r = checkTxn({ inputs: inputs(3), txns: [a], output: log([a]) });
  assert.equal(r.lost, [2]);
  assert.equal(txnViolations(r), ['1 lost']);
});

test('an input carried over by two committed transactions is duplicated (a zombie that was not fenced)', () => {
  const a = txn('t0.0', 'committed', [0, 1]);
  const b = txn('t1.0', 'committed', [1]);
  const r = checkTxn({ inputs: inputs(2), txns: [a, b], output: log([a, b]) });
  assert.equal(r.duplicated, [{ seq: 1, partition: 1, offset: 1, txn: 't1.0' }]);
  assert.equal(txnViolations(r), ['1 duplicated']);
});

test('a record of an aborted transaction read at the end or during the run is an aborted read (G1a)', () => {
  const a = txn('t0.0', 'committed', [0, 1, 2]);
  const b = txn('t0.1', 'aborted', [3], true);
  const c = txn('t0.2', 'committed', [3]);
  const withAborted = log([a, b, c]);
  const r = checkTxn({ inputs: inputs(4), txns: [a, b, c], output: withAborted });
  assert.equal(r.abortedReads, [{ partition: 0, offset: 1, value: '3@t0.1', txn: 't0.1', during: 'final read' }]);
  assert.equal(txnViolations(r), ['1 aborted read(s)']);
  // Seen only by the reader along the way (and gone at the end: a phantom too).
  const during = checkTxn({ inputs: inputs(4), txns: [a, b, c], output: log([a, c]), seenDuringRun: [{ partition: 0, offset: 1, value: '3@t0.1' }] });
  assert.equal(during.abortedReads.map((x) => x.during), ['run']);
  assert.equal(txnViolations(during), ['1 aborted read(s)', '1 phantom']);
});

test('a transaction visible on some of its partitions only is torn, committed or of unknown outcome', () => {
  const a = txn('t0.0', 'committed', [0, 1, 2]);
  const b = txn('t1.0', 'unknown', [3, 4, 5]);
  const output = log([a, b]).filter((r) => r.value !== '2@t0.0' && r.value !== '4@t1.0');
  const r = checkTxn({ inputs: inputs(6), txns: [a, b], output });
  assert.equal(r.torn, [
    { txn: 't0.0', outcome: 'committed', visible: 2, written: 3 },
    { txn: 't1.0', outcome: 'unknown', visible: 2, written: 3 },
  ]);
  assert.equal(txnViolations(r), ['2 lost', '2 torn transaction(s)']);
});

test('a committed transaction with none of its records visible is torn (and its inputs lost)', () => {
  const a = txn('t0.0', 'committed', [0, 1]);
  const r = checkTxn({ inputs: inputs(2), txns: [a], output: [] });
  assert.equal(r.torn, [{ txn: 't0.0', outcome: 'committed', visible: 0, written: 2 }]);
  assert.equal(txnViolations(r), ['2 lost', '1 torn transaction(s)']);
});

test('a record no transaction wrote is unexpected: garbage, an unknown transaction, or one at a partition its transaction did not write', () => {
  const a = txn('t0.0', 'committed', [0]);
  const output = [...log([a]), { partition: 1, offset: 0, value: 'junk' }, { partition: 1, offset: 1, value: '1@nobody' }, { partition: 2, offset: 0, value: '0@t0.0' }];
  const r = checkTxn({ inputs: inputs(1), txns: [a], output });
  assert.is(r.unexpected.length, 3);
  assert.equal(txnViolations(r), ['3 unexpected']);
});

test('an output record of an input the input topic does not hold is unexpected', () => {
  const a = txn('t0.0', 'committed', [0, 1]);
  const r = checkTxn({ inputs: new Set([0]), txns: [a], output: log([a]) });
  assert.equal(r.unexpected, [{ partition: 1, offset: 0, value: '1@t0.0' }]);
});

test.run();
