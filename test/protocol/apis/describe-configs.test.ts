import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSource, ConfigType, DescribeConfigsApi, type DescribeConfigsRequest, type DescribeConfigsResponse } from '../../../src/protocol/apis/describe-configs.js';
import { assertRequestRoundTrip, assertResponseRoundTrip, assertTruncationThrows, decodeRequest, decodeResponse, encodeRequest, encodeResponse, hex } from '../../helpers/roundtrip.js';

const MAX = DescribeConfigsApi.maxVersion;

const request = (v: number): DescribeConfigsRequest => ({
  resources: [
    { resourceType: 2, resourceName: 't', configurationKeys: null },
    { resourceType: 4, resourceName: '1', configurationKeys: ['message.max.bytes'] },
  ],
  includeSynonyms: v >= 1,
  includeDocumentation: v >= 3,
});

/** What version v carries of a v4 answer: v0 no synonyms, v3 adds type and documentation. */
const response = (v: number): DescribeConfigsResponse => ({
  throttleTimeMs: 0,
  results: [
    {
      errorCode: 0,
      errorMessage: null,
      resourceType: 2,
      resourceName: 't',
      configs: [
        { name: 'min.insync.replicas', value: '2', readOnly: false, configSource: ConfigSource.TopicConfig, isSensitive: false, synonyms: [], configType: v >= 3 ? ConfigType.Int : 0, documentation: v >= 3 ? 'fewest in sync' : null },
        {
          name: 'retention.ms',
          value: '1000',
          readOnly: false,
          configSource: ConfigSource.Default,
          isSensitive: false,
          synonyms: v >= 1 ? [{ name: 'log.retention.ms', value: '1000', source: ConfigSource.Default }] : [],
          configType: v >= 3 ? ConfigType.Long : 0,
          documentation: null,
        },
      ],
    },
  ],
});

for (let v = 0; v <= MAX; v++) {
  test(`v${v} request and response round trip`, () => {
    assertRequestRoundTrip(DescribeConfigsApi, v, request(MAX), request(v));
    assertResponseRoundTrip(DescribeConfigsApi, v, response(MAX), response(v));
  });
}

test('v0 carries is_default instead of the config source', () => {
  const broker = { ...response(1), results: [{ ...response(1).results[0]!, configs: [{ ...response(1).results[0]!.configs[0]!, configSource: ConfigSource.StaticBrokerConfig }] }] };
  const asV0 = { ...broker, results: [{ ...broker.results[0]!, configs: [{ ...broker.results[0]!.configs[0]!, configSource: ConfigSource.TopicConfig }] }] };
  assertResponseRoundTrip(DescribeConfigsApi, 0, broker, asV0);
  assertResponseRoundTrip(DescribeConfigsApi, 1, broker, broker);
});

test('v0 exact bytes', () => {
  assert.equal(encodeRequest(DescribeConfigsApi, { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }] }, 0), hex('00000001 02 0001 74 ffffffff'));
  const one: DescribeConfigsResponse = { throttleTimeMs: 0, results: [{ errorCode: 3, errorMessage: null, resourceType: 2, resourceName: 't', configs: [] }] };
  assert.equal(encodeResponse(DescribeConfigsApi, one, 0), hex('00000000 00000001 0003 ffff 02 0001 74 00000000'));
});

test('v4 (flexible) exact bytes: include_documentation; a config with source, synonym, type and documentation', () => {
  const req: DescribeConfigsRequest = { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: null }], includeSynonyms: true, includeDocumentation: true };
  const reqBytes = hex('02 04 0231 00 00 01 01 00');
  assert.equal(encodeRequest(DescribeConfigsApi, req, 4), reqBytes);
  assert.equal(decodeRequest(DescribeConfigsApi, reqBytes, 4), req);
  const res: DescribeConfigsResponse = {
    throttleTimeMs: 0,
    results: [{ errorCode: 0, errorMessage: null, resourceType: 4, resourceName: '1', configs: [{ name: 'k', value: 'v', readOnly: false, configSource: ConfigSource.DynamicBrokerConfig, isSensitive: false, synonyms: [{ name: 'k', value: 'v', source: 2 }], configType: ConfigType.Long, documentation: 'd' }] }],
  };
  const resBytes = hex('00000000 02 0000 00 04 0231 02  026b 0276 00 02 00 02 026b 0276 02 00 05 0264 00  00 00');
  assert.equal(encodeResponse(DescribeConfigsApi, res, 4), resBytes);
  assert.equal(decodeResponse(DescribeConfigsApi, resBytes, 4), res);
});

test('truncated request and response throw ProtocolError', () => {
  for (const v of [2, 4]) {
    assertTruncationThrows(encodeRequest(DescribeConfigsApi, request(v), v), (r) => DescribeConfigsApi.decodeRequest(r, v));
    assertTruncationThrows(encodeResponse(DescribeConfigsApi, response(v), v), (r) => DescribeConfigsApi.decodeResponse(r, v));
  }
});

test.run();
