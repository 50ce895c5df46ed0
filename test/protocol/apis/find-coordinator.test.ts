import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FindCoordinatorApi, type FindCoordinatorResponse } from '../../../src/protocol/apis/find-coordinator.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const MAX = FindCoordinatorApi.maxVersion;
const single: FindCoordinatorResponse = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 2, host: '127.0.0.1', port: 40001, coordinators: [] };
const several: FindCoordinatorResponse = {
  throttleTimeMs: 7,
  errorCode: 0,
  errorMessage: null,
  nodeId: 0,
  host: '',
  port: 0,
  coordinators: [
    { key: 'g1', nodeId: 2, host: 'h2', port: 9093, errorCode: 0, errorMessage: null },
    { key: 'tx', nodeId: -1, host: '', port: -1, errorCode: 42, errorMessage: 'no transactions' },
  ],
};

for (let v = 0; v <= 3; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(FindCoordinatorApi, v, { key: 'g', keyType: 0 }, { key: 'g', keyType: 0, coordinatorKeys: [] });
    assertResponseRoundTrip(FindCoordinatorApi, v, single, single);
  });
}

test('v4 asks for several keys and answers per key; the single-key fields are gone', () => {
  assertRequestRoundTrip(FindCoordinatorApi, 4, { key: 'ignored', keyType: 0, coordinatorKeys: ['g1', 'g2'] }, { key: '', keyType: 0, coordinatorKeys: ['g1', 'g2'] });
  assertResponseRoundTrip(FindCoordinatorApi, 4, { ...several, errorCode: 15, nodeId: 3 }, several);
});

test('v1+ carry key type, throttle time and error message; v0 does not', () => {
  assertRequestRoundTrip(FindCoordinatorApi, 0, { key: 'g', keyType: 1 }, { key: 'g', keyType: 0, coordinatorKeys: [] });
  assertRequestRoundTrip(FindCoordinatorApi, 1, { key: 'g', keyType: 1 }, { key: 'g', keyType: 1, coordinatorKeys: [] });
  const failed = { ...single, throttleTimeMs: 5, errorCode: 15, errorMessage: 'down' };
  assertResponseRoundTrip(FindCoordinatorApi, 0, failed, { ...failed, throttleTimeMs: 0, errorMessage: null });
  assertResponseRoundTrip(FindCoordinatorApi, 2, failed, failed);
});

test('exact bytes: v0, v3 (flexible, one key), v4 (several keys)', () => {
  assert.equal(encodeRequest(FindCoordinatorApi, { key: 'g' }, 0), hex('0001 67'));
  assert.equal(encodeResponse(FindCoordinatorApi, { errorCode: 0, nodeId: 1, host: 'h', port: 9092 }, 0), hex('0000 00000001 0001 68 00002384'));
  assert.equal(encodeRequest(FindCoordinatorApi, { key: 'g', keyType: 0 }, 3), hex('02 67  00  00'));
  assert.equal(encodeResponse(FindCoordinatorApi, { errorCode: 0, nodeId: 1, host: 'h', port: 9092 }, 3), hex('00000000 0000 00 00000001 02 68 00002384 00'));
  assert.equal(encodeRequest(FindCoordinatorApi, { keyType: 0, coordinatorKeys: ['a', 'b'] }, 4), hex('00  03 02 61 02 62  00'));
  assert.equal(
    encodeResponse(FindCoordinatorApi, { errorCode: 0, nodeId: 0, host: '', port: 0, coordinators: [{ key: 'a', nodeId: 1, host: 'h', port: 9092, errorCode: 0 }] }, 4),
    hex('00000000  02  02 61 00000001 02 68 00002384 0000 00 00  00'),
  );
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [2, 3, MAX]) {
    assertTruncationThrows(encodeRequest(FindCoordinatorApi, { key: 'group', keyType: 0, coordinatorKeys: ['a'] }, v), (r) => FindCoordinatorApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(FindCoordinatorApi, several, v), (r) => FindCoordinatorApi.decodeResponse(r, v));
  }
});

test.run();
