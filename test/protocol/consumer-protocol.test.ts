import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../src/protocol/consumer-protocol.js';
import { hex } from '../helpers/roundtrip.js';

test('consumer protocol: subscription and assignment round trip; newer versions decode by their v0 fields', () => {
  assert.equal(decodeSubscription(encodeSubscription({ topics: ['a', 'b'], userData: null })), { topics: ['a', 'b'], userData: null });
  const assigned = new Map([['t', [0, 2]], ['u', [1]]]);
  assert.equal(decodeAssignment(encodeAssignment(assigned)), assigned);
  assert.equal(decodeAssignment(Buffer.alloc(0)), new Map());
  // A v1 subscription (owned partitions appended after user_data), as librdkafka sends.
  const v1 = Buffer.concat([Buffer.from([0, 1]), encodeSubscription({ topics: ['t'], userData: null }).subarray(2), Buffer.from([0, 0, 0, 0])]);
  assert.equal(decodeSubscription(v1).topics, ['t']);
});

test('v0 subscription exact bytes', () => {
  assert.equal(encodeSubscription({ topics: ['t'], userData: null }), hex('0000 00000001 0001 74 ffffffff'));
});

test.run();
