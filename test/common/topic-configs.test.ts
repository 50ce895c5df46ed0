/**
 * The compaction configs a topic may set (Kafka's names and bounds) and what the log cleaner makes of
 * them: cleanup.policy with `compact` in it, Kafka's defaults, Long.MAX_VALUE as no limit, and
 * segment.ms capped by max.compaction.lag.ms as Kafka rolls compacted logs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compactionConfig, DEFAULT_COMPACTION, NO_TIMESTAMP_LIMIT_MS, retentionLimits, topicConfigProblem } from '../../src/common/topic-configs.js';

test('cleanup.policy: compact, delete or both; compaction and retention each apply where named', () => {
  assert.is(compactionConfig({}).compact, false);
  assert.is(compactionConfig({ 'cleanup.policy': 'compact' }).compact, true);
  const both = { 'cleanup.policy': 'compact, delete', 'retention.ms': '1000' };
  assert.is(compactionConfig(both).compact, true);
  assert.is(retentionLimits(both, { retentionMs: -1, retentionBytes: -1 }).retentionMs, 1000);
  assert.is(retentionLimits({ 'cleanup.policy': 'compact', 'retention.ms': '1000' }, { retentionMs: -1, retentionBytes: -1 }).retentionMs, -1, 'compact alone: no retention');
});

test("Kafka's defaults, topic values over them, Long.MAX_VALUE is no limit, segment.ms at most max.compaction.lag.ms", () => {
  assert.equal(compactionConfig({ 'cleanup.policy': 'compact' }), { ...DEFAULT_COMPACTION, compact: true });
  const c = compactionConfig({ 'segment.bytes': '4096', 'segment.ms': '60000', 'min.cleanable.dirty.ratio': '0.1', 'min.compaction.lag.ms': '5', 'max.compaction.lag.ms': '1000', 'delete.retention.ms': '0' });
  assert.equal([c.segmentBytes, c.segmentMs, c.minCleanableDirtyRatio, c.minCompactionLagMs, c.maxCompactionLagMs, c.deleteRetentionMs], [4096, 1000, 0.1, 5, 1000, 0]);
  assert.is(compactionConfig({ 'max.compaction.lag.ms': NO_TIMESTAMP_LIMIT_MS }).maxCompactionLagMs, Infinity);
});

test('bad compaction configs are refused with a reason; good ones pass', () => {
  for (const [name, value] of [
    ['min.cleanable.dirty.ratio', '0.5'], ['min.cleanable.dirty.ratio', '1'], ['min.cleanable.dirty.ratio', '0'], ['segment.bytes', '14'],
    ['segment.ms', '1'], ['max.compaction.lag.ms', NO_TIMESTAMP_LIMIT_MS], ['min.compaction.lag.ms', '0'], ['delete.retention.ms', '86400000'],
  ]) assert.is(topicConfigProblem(name!, value!, 3), null, `${name}=${value}`);
  for (const [name, value, why] of [
    ['min.cleanable.dirty.ratio', '1.5', /from 0 to 1/], ['min.cleanable.dirty.ratio', 'half', /from 0 to 1/], ['segment.bytes', '13', /from 14/],
    ['segment.bytes', '4294967296', /to 2147483647/], ['segment.ms', '0', /at least 1/], ['max.compaction.lag.ms', '-1', /at least 1/],
    ['min.compaction.lag.ms', '-5', /whole number/], ['delete.retention.ms', '1e3', /whole number/],
  ] as const) assert.match(topicConfigProblem(name, value, 3) ?? '', why, `${name}=${value}`);
});

test.run();
