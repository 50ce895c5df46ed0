import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertLimits, assertListenerLimits, controlListenerLimits, listenerLimits, maxInFlightBatchesPerPartition, producerStateBatchesRemembered } from '../../src/common/limits.js';

test('the limits as shipped agree with each other', () => {
  assertLimits();
  assert.ok(maxInFlightBatchesPerPartition <= producerStateBatchesRemembered);
});

test('a listener whose limits contradict each other is refused, naming the relation', () => {
  assert.throws(() => assertListenerLimits({ ...listenerLimits, maxQueuedRequestBytesPerConnection: listenerLimits.maxFrameBytes - 1 }), /one max-size frame/);
  assert.throws(() => assertListenerLimits({ ...listenerLimits, maxQueuedRequestBytesPerServer: 1 }), /what one connection may/);
  assert.throws(() => assertListenerLimits({ ...listenerLimits, maxConnectionsPerIp: listenerLimits.maxConnectionsPerServer + 1 }), /per-address/);
  assert.throws(() => assertListenerLimits({ ...controlListenerLimits, frameReadTimeoutMs: 0 }, 'control endpoint'), /control endpoint limits.*frameReadTimeoutMs/);
});

test.run();
