import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest, unknownFlags } from '../../src/cli/usage-errors.js';

test('closest: a typo finds the flag or command meant; something far off finds none', () => {
  const known = ['topic', 'from-beginning', 'partition', 'offset', 'json'];
  assert.is(closest('topci', known), 'topic', 'two letters swapped');
  assert.is(closest('fro-beginning', known), 'from-beginning');
  assert.is(closest('jsno', known), 'json');
  assert.is(closest('partitoin', known), 'partition');
  assert.is(closest('bootstrap', known), null);
});

test('unknownFlags: long, short, --no- and --x=v forms; numbers and what follows -- are not flags', () => {
  const known = new Set(['topic', 't', 'json', 'offset', 'o']);
  assert.equal(unknownFlags(['--topci', 'x', '--json', '--no-json', '--offset=-10', '-o', '-10', '-tq', '--', '--later'], known), ['topci', 'q']);
});

test.run();
