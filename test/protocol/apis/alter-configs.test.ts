/** AlterConfigs v0-1 and IncrementalAlterConfigs v0: round trips, the bytes of one request, and truncation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AlterConfigsApi, type AlterConfigsRequest, type AlterConfigsResponse } from '../../../src/protocol/apis/alter-configs.js';
import { ConfigOperation, IncrementalAlterConfigsApi, type IncrementalAlterConfigsRequest } from '../../../src/protocol/apis/incremental-alter-configs.js';
import { Reader } from '../../../src/protocol/reader.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const alter: AlterConfigsRequest = {
  resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1000' }, { name: 'segment.bytes', value: null }] }],
  validateOnly: false,
};
const incremental: IncrementalAlterConfigsRequest = {
  resources: [
    {
      resourceType: 2,
      resourceName: 't',
      configs: [
        { name: 'retention.ms', configOperation: ConfigOperation.Set, value: '1000' },
        { name: 'retention.bytes', configOperation: ConfigOperation.Delete, value: null },
        { name: 'cleanup.policy', configOperation: ConfigOperation.Append, value: 'compact' },
      ],
    },
  ],
  validateOnly: true,
};
const response: AlterConfigsResponse = {
  throttleTimeMs: 0,
  responses: [
    { errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't' },
    { errorCode: 40, errorMessage: 'unknown topic config "x"', resourceType: 2, resourceName: 'u' },
  ],
};

for (let v = 0; v <= AlterConfigsApi.maxVersion; v++) {
  test(`AlterConfigs v${v} request and response round trip`, () => {
    assertRequestRoundTrip(AlterConfigsApi, v, alter, alter);
    assertResponseRoundTrip(AlterConfigsApi, v, response, response);
  });
}

for (let v = 0; v <= IncrementalAlterConfigsApi.maxVersion; v++) {
  test(`IncrementalAlterConfigs v${v} request and response round trip`, () => {
    assertRequestRoundTrip(IncrementalAlterConfigsApi, v, incremental, incremental);
    assertResponseRoundTrip(IncrementalAlterConfigsApi, v, response, response);
  });
}

test('flexible bytes: AlterConfigs v2 request for the cluster-default broker resource (""), IncrementalAlterConfigs v1 response', () => {
  const req: AlterConfigsRequest = { resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'a', value: '1' }] }], validateOnly: false };
  const reqBytes = hex('02 04 01 02 0261 0231 00 00 00 00');
  assert.equal(encodeRequest(AlterConfigsApi, req, 2), reqBytes);
  assert.equal(decodeRequest(AlterConfigsApi, reqBytes, 2), req);
  const res: AlterConfigsResponse = { throttleTimeMs: 0, responses: [{ errorCode: 40, errorMessage: 'x', resourceType: 4, resourceName: '' }] };
  const resBytes = hex('00000000 02 0028 0278 04 01 00 00');
  assert.equal(encodeResponse(IncrementalAlterConfigsApi, res, 1), resBytes);
  assert.equal(decodeResponse(IncrementalAlterConfigsApi, resBytes, 1), res);
});

test('IncrementalAlterConfigs v0 bytes: resource, then name, operation, nullable value per config', () => {
  const one: IncrementalAlterConfigsRequest = { resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'a', configOperation: 1, value: null }] }], validateOnly: false };
  assert.equal(encodeRequest(IncrementalAlterConfigsApi, one, 0), hex('00000001 02 0001 74 00000001 0001 61 01 ffff 00'));
});

test('truncated requests throw', () => {
  assertTruncationThrows(encodeRequest(AlterConfigsApi, alter, 0), (r: Reader) => AlterConfigsApi.decodeRequest(r, 0));
  assertTruncationThrows(encodeRequest(IncrementalAlterConfigsApi, incremental, 0), (r: Reader) => IncrementalAlterConfigsApi.decodeRequest(r, 0));
});

test.run();
