import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSource, DescribeConfigsApi, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../../../src/protocol/apis/describe-configs.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const request: DescribeConfigsRequest = {
  resources: [
    { resourceType: 2, resourceName: 't', configurationKeys: null },
    { resourceType: 4, resourceName: '1', configurationKeys: ['message.max.bytes'] },
  ],
  includeSynonyms: true,
};
const response: DescribeConfigsResponse = {
  throttleTimeMs: 0,
  results: [
    {
      errorCode: 0,
      errorMessage: null,
      resourceType: 2,
      resourceName: 't',
      configs: [
        { name: 'min.insync.replicas', value: '2', readOnly: false, configSource: ConfigSource.TopicConfig, isSensitive: false, synonyms: [] },
        { name: 'cleanup.policy', value: 'delete', readOnly: true, configSource: ConfigSource.Default, isSensitive: false, synonyms: [] },
      ],
    },
  ],
};

for (let v = 0; v <= DescribeConfigsApi.maxVersion; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(DescribeConfigsApi, v, request, v === 0 ? { ...request, includeSynonyms: false } : request);
    assertResponseRoundTrip(DescribeConfigsApi, v, response, response);
  });
}

test('v0 carries is_default instead of the config source; synonyms from v1', () => {
  const withSynonym = { ...response, results: [{ ...response.results[0]!, configs: [{ ...response.results[0]!.configs[0]!, configSource: ConfigSource.StaticBrokerConfig, synonyms: [{ name: 'x', value: null, source: 4 }] }] }] };
  const asV0 = { ...withSynonym, results: [{ ...withSynonym.results[0]!, configs: [{ ...withSynonym.results[0]!.configs[0]!, configSource: ConfigSource.TopicConfig, synonyms: [] }] }] };
  assertResponseRoundTrip(DescribeConfigsApi, 0, withSynonym, asV0);
  assertResponseRoundTrip(DescribeConfigsApi, 1, withSynonym, withSynonym);
});

test('v0 exact bytes', () => {
  assert.equal(encodeRequest(DescribeConfigsApi, { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }] }, 0), hex('00000001 02 0001 74 ffffffff'));
  const one: DescribeConfigsResponse = { throttleTimeMs: 0, results: [{ errorCode: 3, errorMessage: null, resourceType: 2, resourceName: 't', configs: [] }] };
  assert.equal(encodeResponse(DescribeConfigsApi, one, 0), hex('00000000 00000001 0003 ffff 02 0001 74 00000000'));
});

test('truncated request and response throw ProtocolError', () => {
  assertTruncationThrows(encodeRequest(DescribeConfigsApi, request, 2), (r) => DescribeConfigsApi.decodeRequest(r, 2));
  assertTruncationThrows(encodeResponse(DescribeConfigsApi, response, 2), (r) => DescribeConfigsApi.decodeResponse(r, 2));
});

test.run();
