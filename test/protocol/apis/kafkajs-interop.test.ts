/**
 * Cross-checks against kafkajs 2.2's own protocol code: requests kafkajs encodes must decode here
 * (every byte consumed), and responses encoded here must decode in kafkajs with the right values.
 * Covers every version both sides implement.
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApiCodec } from '../../../src/protocol/api.js';
import {
  ApiVersionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  FetchApi,
  InitProducerIdApi,
  ListOffsetsApi,
  MetadataApi,
  ProduceApi,
} from '../../../src/protocol/apis/index.js';
import { decodeRequest, encodeResponse } from '../../helpers/roundtrip.js';

interface KafkajsVersion {
  request: { encode(): Promise<{ buffer: Buffer }> };
  response: { decode(buf: Buffer): Promise<any> };
}

type KafkajsProtocol = (args: object) => KafkajsVersion;

const require = createRequire(import.meta.url);

function kafkajs(dir: string): { versions: string[]; protocol(opts: { version: number }): KafkajsProtocol } {
  return require(`kafkajs/src/protocol/requests/${dir}/index.js`);
}

/** Calls `check` for every version both kafkajs and `api` implement. */
function eachVersion(
  dir: string,
  api: ApiCodec<unknown, unknown>,
  check: (v: number, kjs: KafkajsProtocol) => Promise<void>,
): void {
  const { versions, protocol } = kafkajs(dir);
  for (let v = 0; v <= api.maxVersion; v++) {
    if (!versions.includes(String(v))) continue;
    test(`${api.name} v${v} against kafkajs`, () => check(v, protocol({ version: v })));
  }
}

async function kafkajsRequest(kjs: KafkajsProtocol, args: object): Promise<Buffer> {
  return (await kjs(args).request.encode()).buffer;
}

eachVersion('apiVersions', ApiVersionsApi, async (v, kjs) => {
  assert.equal(decodeRequest(ApiVersionsApi, await kafkajsRequest(kjs, {}), v), {});
  const buf = encodeResponse(
    ApiVersionsApi,
    { errorCode: 0, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 4 }] },
    v,
  );
  const res = await kjs({}).response.decode(buf);
  assert.equal(res.apiVersions, [{ apiKey: 3, minVersion: 0, maxVersion: 4 }]);
});

eachVersion('metadata', MetadataApi, async (v, kjs) => {
  const req = decodeRequest(
    MetadataApi,
    await kafkajsRequest(kjs, { topics: ['a', 'b'], allowAutoTopicCreation: false }),
    v,
  );
  assert.equal(req, { topics: [{ name: 'a' }, { name: 'b' }], allowAutoTopicCreation: v >= 4 ? false : true });
  const buf = encodeResponse(
    MetadataApi,
    {
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'a',
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }],
        },
      ],
    },
    v,
  );
  const res = await kjs({}).response.decode(buf);
  assert.equal(res.brokers[0].port, 9092);
  assert.equal(res.topicMetadata[0].partitionMetadata, [
    { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] },
  ]);
});

eachVersion('produce', ProduceApi, async (v, kjs) => {
  const args = {
    acks: -1,
    timeout: 1000,
    transactionalId: null,
    topicData: [{ topic: 't', partitions: [{ partition: 2, messages: [{ value: 'x' }] }] }],
  };
  const req = decodeRequest(ProduceApi, await kafkajsRequest(kjs, args), v);
  assert.is(req.topicData[0]?.partitionData[0]?.index, 2);
  assert.ok((req.topicData[0]?.partitionData[0]?.records?.length ?? 0) > 0);
  const buf = encodeResponse(
    ProduceApi,
    { responses: [{ name: 't', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 5 }] }], throttleTimeMs: 0 },
    v,
  );
  const res = await kjs(args).response.decode(buf);
  assert.is(res.topics[0].partitions[0].partition, 2);
  assert.is(res.topics[0].partitions[0].baseOffset ?? res.topics[0].partitions[0].offset, '5');
});

eachVersion('fetch', FetchApi, async (v, kjs) => {
  const args = {
    maxWaitTime: 100,
    minBytes: 1,
    maxBytes: 1000,
    topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '7', maxBytes: 500 }] }],
  };
  const req = decodeRequest(FetchApi, await kafkajsRequest(kjs, args), v);
  assert.equal(req.topics, [
    {
      topic: 't',
      partitions: [
        { partition: 0, currentLeaderEpoch: -1, fetchOffset: 7, logStartOffset: -1, partitionMaxBytes: 500 },
      ],
    },
  ]);
  const buf = encodeResponse(
    FetchApi,
    {
      responses: [
        {
          topic: 't',
          partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 9, lastStableOffset: 9, records: null }],
        },
      ],
    },
    v,
  );
  const res = await kjs(args).response.decode(buf);
  assert.is(res.responses[0].partitions[0].highWatermark, '9');
  assert.equal(res.responses[0].partitions[0].messages, []);
});

eachVersion('listOffsets', ListOffsetsApi, async (v, kjs) => {
  const args = { topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }] };
  const req = decodeRequest(ListOffsetsApi, await kafkajsRequest(kjs, args), v);
  assert.equal(req.topics, [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -2, maxNumOffsets: 1 }] }]);
  const buf = encodeResponse(
    ListOffsetsApi,
    { topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, offset: 12 }] }] },
    v,
  );
  const partition = (await kjs(args).response.decode(buf)).responses[0].partitions[0];
  assert.equal(partition.offset ?? partition.offsets, v === 0 ? ['12'] : '12');
});

eachVersion('createTopics', CreateTopicsApi, async (v, kjs) => {
  const args = {
    topics: [{ topic: 't', numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'k', value: 'v' }] }],
    timeout: 100,
  };
  const req = decodeRequest(CreateTopicsApi, await kafkajsRequest(kjs, args), v);
  assert.equal(req.topics, [
    { name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'k', value: 'v' }] },
  ]);
  const buf = encodeResponse(CreateTopicsApi, { topics: [{ name: 't', errorCode: 36, errorMessage: 'exists' }] }, v);
  const res = await kjs(args).response.decode(buf);
  assert.is(res.topicErrors[0].errorCode, 36);
});

eachVersion('deleteTopics', DeleteTopicsApi, async (v, kjs) => {
  const req = decodeRequest(DeleteTopicsApi, await kafkajsRequest(kjs, { topics: ['a'], timeout: 100 }), v);
  assert.equal(req, { topicNames: ['a'], timeoutMs: 100 });
  const buf = encodeResponse(DeleteTopicsApi, { responses: [{ name: 'a', errorCode: 3 }] }, v);
  assert.equal((await kjs({}).response.decode(buf)).topicErrors, [{ topic: 'a', errorCode: 3 }]);
});

eachVersion('initProducerId', InitProducerIdApi, async (v, kjs) => {
  const req = decodeRequest(
    InitProducerIdApi,
    await kafkajsRequest(kjs, { transactionalId: null, transactionTimeout: 60000 }),
    v,
  );
  assert.equal(req, { transactionalId: null, transactionTimeoutMs: 60000 });
  const buf = encodeResponse(
    InitProducerIdApi,
    { throttleTimeMs: 0, errorCode: 0, producerId: 1234, producerEpoch: 2 },
    v,
  );
  const res = await kjs({}).response.decode(buf);
  assert.equal([res.producerId, res.producerEpoch], ['1234', 2]);
});

test.run();
