import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DescribeLogDirsApi, type DescribeLogDirsRequest, type DescribeLogDirsResponse } from '../../../src/protocol/apis/describe-log-dirs.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: DescribeLogDirsRequest = { topics: [{ topic: 'orders', partitions: [0, 1] }] };
const response = (v: number): DescribeLogDirsResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  results: [
    {
      errorCode: 0,
      logDir: '/data/broker-1',
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, partitionSize: 5_000_000_000, offsetLag: 0, isFutureKey: false }] }],
      totalBytes: v >= 4 ? 1e12 : -1,
      usableBytes: v >= 4 ? 4e11 : -1,
    },
  ],
});

for (let v = 0; v <= DescribeLogDirsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(DescribeLogDirsApi, v, request, request);
    assertResponseRoundTrip(DescribeLogDirsApi, v, response(DescribeLogDirsApi.maxVersion), response(v));
  });
}

test('v0 exact bytes: every partition (null topics)', () => {
  assert.equal(encodeRequest(DescribeLogDirsApi, { topics: null }, 0), hex('ffffffff'));
});

test('v4 (flexible) exact bytes: a directory with one partition, its total and usable bytes', () => {
  const res: DescribeLogDirsResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    results: [{ errorCode: 0, logDir: '/d', topics: [{ name: 't', partitions: [{ partitionIndex: 1, partitionSize: 300, offsetLag: 0, isFutureKey: false }] }], totalBytes: 4096, usableBytes: 1024 }],
  };
  const bytes = hex('00000000 0000 02 0000 032f64 02 0274 02 00000001 000000000000012c 0000000000000000 00 00 00 0000000000001000 0000000000000400 00 00');
  assert.equal(encodeResponse(DescribeLogDirsApi, res, 4), bytes);
  assert.equal(decodeResponse(DescribeLogDirsApi, bytes, 4), res);
  assertTruncationThrows(bytes, (r) => DescribeLogDirsApi.decodeResponse(r, 4));
});

test.run();
