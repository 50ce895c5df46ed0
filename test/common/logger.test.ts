import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger, isoTimestamp, parseLogLine } from '../../src/common/logger.js';

test('isoTimestamp writes what toISOString does, from the date\'s UTC fields', () => {
  const instants = [0, 1, 999, 1000, 59_999, 951_782_400_000 /* 2000-02-29 */, 1_764_633_599_999, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.now()];
  for (const ms of instants) assert.is(isoTimestamp(ms), new Date(ms).toISOString(), `at ${ms}`);
});

test('a logger line carries its time, level, name and message, as parseLogLine reads them', () => {
  const out = new PassThrough();
  createLogger('broker-1', out).warn('disk is slow');
  const line = parseLogLine(String(out.read()).trimEnd());
  assert.ok(line);
  assert.equal({ level: line.level, source: line.source, message: line.message }, { level: 'WARN', source: 'broker-1', message: 'disk is slow' });
});

test.run();
