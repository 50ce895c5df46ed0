/** The config a broker runs with: its flags under the cluster's dynamic defaults under its own dynamic values. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_BROKER_CONFIG } from '../../src/broker/context.js';
import { configLevels, effectiveConfig } from '../../src/broker/dynamic-configs.js';

const started = { ...DEFAULT_BROKER_CONFIG, logRetentionMs: 60_000 };

test('no dynamic configs: the flags, a flag left at its default counting as the default', () => {
  assert.equal(effectiveConfig(started, undefined, 1), started);
  assert.equal(configLevels('log.retention.ms', started, {}, 1), [{ value: '60000', origin: 'static' }]);
  assert.equal(configLevels('auto.create.topics.enable', started, {}, 1), [{ value: 'true', origin: 'default' }]);
});

test("the cluster default over the flag, the broker's own value over both; other brokers' values do not apply", () => {
  const overrides = { '': { 'log.retention.ms': '1000', 'auto.create.topics.enable': 'false' }, '2': { 'log.retention.ms': '5' }, '3': { 'log.retention.bytes': '7' } };
  const onTwo = effectiveConfig(started, overrides, 2);
  assert.equal([onTwo.logRetentionMs, onTwo.autoCreateTopics, onTwo.logRetentionBytes], [5, false, -1]);
  const onOne = effectiveConfig(started, overrides, 1);
  assert.equal([onOne.logRetentionMs, onOne.autoCreateTopics], [1000, false]);
  assert.equal(configLevels('log.retention.ms', started, overrides, 2).map((l) => [l.value, l.origin]), [['5', 'dynamic-broker'], ['1000', 'dynamic-default'], ['60000', 'static']]);
  assert.is(started.logRetentionMs, 60_000, 'the flags are not changed');
});

test('log.message.timestamp.type applies as its type', () => {
  assert.is(effectiveConfig(started, { '': { 'log.message.timestamp.type': 'LogAppendTime' } }, 1).logMessageTimestampType, 'LogAppendTime');
});

test.run();
