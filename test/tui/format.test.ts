import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clip, compact, duration, fit, printable, sparkline } from '../../src/tui/format.js';

test('fit pads or cuts to exactly the width, with an ellipsis when cut', () => {
  assert.is(fit('abc', 5), 'abc  ');
  assert.is(fit('abc', 5, 'right'), '  abc');
  assert.is(fit('abcdef', 4), 'abc…');
  assert.is(fit('abc', 1), '…');
  assert.is(fit('abc', 0), '');
  assert.is(clip('abc', 5), 'abc');
  assert.is(clip('abcdef', 4), 'abc…');
});

test('compact keeps counts to a few columns', () => {
  assert.equal([950, 1234, 34_567, 1_500_000, 25_000_000, NaN].map(compact), ['950', '1.2k', '35k', '1.5M', '25M', '-']);
});

test('duration: tenths under 10 s, then s, m, h', () => {
  assert.equal([300, 12_000, 245_000, 7_380_000, -1].map(duration), ['0.3s', '12s', '4m05s', '2h03m', '-']);
});

test('sparkline: one bar per value scaled to the largest, blanks before the history starts', () => {
  assert.is(sparkline([0, 5, 10], 5), '  ▁▅█');
  assert.is(sparkline([0, 0], 2), '▁▁');
  assert.is(sparkline([1, 2, 3, 4], 2).length, 2);
});

test('printable shows control characters as dots, null as null, and cuts long values', () => {
  assert.is(printable(Buffer.from('a\nb\u0000c')), 'a·b·c');
  assert.is(printable(null), 'null');
  assert.is(printable(Buffer.from('x'.repeat(50)), 10), 'xxxxxxxxx…');
});

test.run();
