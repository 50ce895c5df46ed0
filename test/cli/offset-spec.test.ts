import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/common/errors.js';
import { parseOffsets, parseTime } from '../../src/cli/offset-spec.js';

const usageError = (err: Error) => err instanceof UserError && err.exitCode === 2;

test('--offset as kcat -o: beginning, end, N, -N, +N, s@ms, @RFC 3339; e@ a stop', () => {
  assert.equal(parseOffsets(undefined, false), { start: { kind: 'end' }, stopAtTime: null });
  assert.equal(parseOffsets(undefined, true), { start: { kind: 'beginning' }, stopAtTime: null });
  assert.equal(parseOffsets('beginning', false).start, { kind: 'beginning' });
  assert.equal(parseOffsets('earliest', false).start, { kind: 'beginning' });
  assert.equal(parseOffsets('end', false).start, { kind: 'end' });
  assert.equal(parseOffsets('42', false).start, { kind: 'offset', offset: 42 });
  assert.equal(parseOffsets('-10', false).start, { kind: 'fromEnd', count: 10 });
  assert.equal(parseOffsets('+3', false).start, { kind: 'fromBeginning', count: 3 });
  assert.equal(parseOffsets('s@1700000000000', false).start, { kind: 'time', timestamp: 1_700_000_000_000 });
  assert.equal(parseOffsets('@2026-12-01T10:00:00Z', false).start, { kind: 'time', timestamp: Date.UTC(2026, 11, 1, 10) });
  assert.equal(parseOffsets(['s@1000', 'e@2000'], false), { start: { kind: 'time', timestamp: 1000 }, stopAtTime: 2000 });
  assert.equal(parseOffsets('e@2000', true), { start: { kind: 'beginning' }, stopAtTime: 2000 }, 'a stop alone starts where --from-beginning says');
});

test('--offset mistakes are usage errors', () => {
  for (const bad of ['abc', '1.5', 's@yesterday', '@2026-13-45T00:00:00Z', 'e@soon']) assert.throws(() => parseOffsets(bad, false), usageError, bad);
  assert.throws(() => parseOffsets('5', true), usageError, 'a start and --from-beginning');
  assert.throws(() => parseOffsets(['1', '2'], false), usageError, 'two starts');
});

test('times: ms since the epoch or RFC 3339 with a zone (a date alone is midnight UTC)', () => {
  assert.is(parseTime('0', 'x'), 0);
  assert.is(parseTime('2026-12-01T10:00:00.250+01:00', 'x'), Date.UTC(2026, 11, 1, 9, 0, 0, 250));
  assert.is(parseTime('2026-12-01', 'x'), Date.UTC(2026, 11, 1));
  assert.throws(() => parseTime('2026-12-01T10:00:00', 'x'), usageError, 'no zone: which one?');
  assert.throws(() => parseTime('-5', 'x'), usageError);
});

test.run();
