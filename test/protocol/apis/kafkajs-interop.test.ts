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
  AddOffsetsToTxnApi,
  AddPartitionsToTxnApi,
  EndTxnApi,
  TxnOffsetCommitApi,
  AlterConfigsApi,
  ApiVersionsApi,
  CreatePartitionsApi,
  CreateTopicsApi,
  DeleteGroupsApi,
  DeleteRecordsApi,
  DeleteTopicsApi,
  DescribeConfigsApi,
  DescribeGroupsApi,
  FetchApi,
  FindCoordinatorApi,
  HeartbeatApi,
  JoinGroupApi,
  LeaveGroupApi,
  ListGroupsApi,
  OffsetCommitApi,
  OffsetFetchApi,
  SyncGroupApi,
  InitProducerIdApi,
  ListOffsetsApi,
  MetadataApi,
  ProduceApi,
} from '../../../src/protocol/apis/index.js';
import { decodeRequest, encodeResponse } from '../../helpers/roundtrip.js';
import { ZERO_UUID } from '../../../src/protocol/schema.js';

interface KafkajsVersion {
  request: { encode(): Promise<{ buffer: Buffer }> };
  response: { decode(buf: Buffer): Promise<any>; parse(data: unknown): Promise<any> };
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
  assert.equal(decodeRequest(ApiVersionsApi, await kafkajsRequest(kjs, {}), v), { clientSoftwareName: '', clientSoftwareVersion: '' });
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
  assert.equal(req.topics?.map((t) => t.name), ['a', 'b']);
  assert.is(req.allowAutoTopicCreation, v >= 4 ? false : true);
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
    { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], ...(v >= 5 ? { offlineReplicas: [] } : {}) },
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
      topicId: ZERO_UUID,
      partitions: [
        { partition: 0, currentLeaderEpoch: -1, fetchOffset: 7, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 500 },
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
  assert.equal(req.topics, [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2, maxNumOffsets: 1 }] }]);
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
    topics: [
      { topic: 't', numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'k', value: 'v' }] },
      { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [3, 1] }, { partition: 1, replicas: [1, 2] }] },
    ],
    timeout: 100,
  };
  const req = decodeRequest(CreateTopicsApi, await kafkajsRequest(kjs, args), v);
  assert.equal(req.topics, [
    { name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'k', value: 'v' }] },
    // What the controller wants with an assignment: -1 for both counts.
    { name: 'manual', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [3, 1] }, { partitionIndex: 1, brokerIds: [1, 2] }], configs: [] },
  ]);
  const buf = encodeResponse(CreateTopicsApi, { topics: [{ name: 't', errorCode: 36, errorMessage: 'exists' }] }, v);
  const res = await kjs(args).response.decode(buf);
  assert.is(res.topicErrors[0].errorCode, 36);
});

eachVersion('deleteTopics', DeleteTopicsApi, async (v, kjs) => {
  const req = decodeRequest(DeleteTopicsApi, await kafkajsRequest(kjs, { topics: ['a'], timeout: 100 }), v);
  assert.equal(req, { topics: [], topicNames: ['a'], timeoutMs: 100 });
  const buf = encodeResponse(DeleteTopicsApi, { responses: [{ name: 'a', errorCode: 3 }] }, v);
  assert.equal((await kjs({}).response.decode(buf)).topicErrors, [{ topic: 'a', errorCode: 3 }]);
});

eachVersion('initProducerId', InitProducerIdApi, async (v, kjs) => {
  const req = decodeRequest(
    InitProducerIdApi,
    await kafkajsRequest(kjs, { transactionalId: null, transactionTimeout: 60000 }),
    v,
  );
  assert.equal(req, { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
  const buf = encodeResponse(
    InitProducerIdApi,
    { throttleTimeMs: 0, errorCode: 0, producerId: 1234, producerEpoch: 2 },
    v,
  );
  const res = await kjs({}).response.decode(buf);
  assert.equal([res.producerId, res.producerEpoch], ['1234', 2]);
});

const txnProducer = { transactionalId: 'tx', producerId: '4000', producerEpoch: 2 };

eachVersion('addPartitionsToTxn', AddPartitionsToTxnApi, async (v, kjs) => {
  const req = decodeRequest(AddPartitionsToTxnApi, await kafkajsRequest(kjs, { ...txnProducer, topics: [{ topic: 't', partitions: [0, 2] }] }), v);
  assert.equal([req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics], ['tx', 4000, 2, [{ name: 't', partitions: [0, 2] }]]);
  const buf = encodeResponse(AddPartitionsToTxnApi, { throttleTimeMs: 0, resultsByTopicV3AndBelow: [{ name: 't', resultsByPartition: [{ partitionIndex: 2, partitionErrorCode: 0 }] }] }, v);
  const res = await kjs({}).response.decode(buf);
  assert.equal(res.errors, [{ topic: 't', partitionErrors: [{ partition: 2, errorCode: 0 }] }]);
});

eachVersion('addOffsetsToTxn', AddOffsetsToTxnApi, async (v, kjs) => {
  const req = decodeRequest(AddOffsetsToTxnApi, await kafkajsRequest(kjs, { ...txnProducer, groupId: 'g' }), v);
  assert.equal(req, { transactionalId: 'tx', producerId: 4000, producerEpoch: 2, groupId: 'g' });
  const res = await kjs({}).response.decode(encodeResponse(AddOffsetsToTxnApi, { throttleTimeMs: 0, errorCode: 0 }, v));
  assert.is(res.errorCode, 0);
});

eachVersion('endTxn', EndTxnApi, async (v, kjs) => {
  const req = decodeRequest(EndTxnApi, await kafkajsRequest(kjs, { ...txnProducer, transactionResult: true }), v);
  assert.equal(req, { transactionalId: 'tx', producerId: 4000, producerEpoch: 2, committed: true });
  const res = await kjs({}).response.decode(encodeResponse(EndTxnApi, { throttleTimeMs: 0, errorCode: 0 }, v));
  assert.is(res.errorCode, 0);
});

eachVersion('txnOffsetCommit', TxnOffsetCommitApi, async (v, kjs) => {
  const args = { ...txnProducer, groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 1, offset: '42', metadata: null }] }] };
  const req = decodeRequest(TxnOffsetCommitApi, await kafkajsRequest(kjs, args), v);
  assert.equal([req.groupId, req.topics], ['g', [{ name: 't', partitions: [{ partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: null }] }]]);
  const buf = encodeResponse(TxnOffsetCommitApi, { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 0 }] }] }, v);
  const res = await kjs({}).response.decode(buf);
  assert.equal(res.topics, [{ topic: 't', partitions: [{ partition: 1, errorCode: 0 }] }]);
});

eachVersion('findCoordinator', FindCoordinatorApi, async (v, kjs) => {
  const req = decodeRequest(FindCoordinatorApi, await kafkajsRequest(kjs, { groupId: 'g', coordinatorKey: 'g', coordinatorType: 0 }), v);
  assert.equal(req, { key: 'g', keyType: 0, coordinatorKeys: [] });
  const buf = encodeResponse(FindCoordinatorApi, { errorCode: 0, nodeId: 2, host: 'h', port: 9092 }, v);
  const res = await kjs({}).response.decode(buf);
  assert.equal([res.coordinator.nodeId, res.coordinator.host, res.coordinator.port], [2, 'h', 9092]);
});

eachVersion('joinGroup', JoinGroupApi, async (v, kjs) => {
  const args = { groupId: 'g', sessionTimeout: 3000, rebalanceTimeout: 9000, memberId: 'm', protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([1, 2]) }] };
  const req = decodeRequest(JoinGroupApi, await kafkajsRequest(kjs, args), v);
  assert.equal([req.groupId, req.sessionTimeoutMs, req.rebalanceTimeoutMs, req.memberId, req.protocolType], ['g', 3000, v >= 1 ? 9000 : 3000, 'm', 'consumer']);
  assert.equal(req.protocols, [{ name: 'RoundRobinAssigner', metadata: Buffer.from([1, 2]) }]);
  const buf = encodeResponse(JoinGroupApi, { errorCode: 0, generationId: 4, protocolName: 'RoundRobinAssigner', leader: 'm', memberId: 'm', members: [{ memberId: 'm', metadata: Buffer.from([3]) }] }, v);
  const res = await kjs(args).response.parse(await kjs(args).response.decode(buf));
  assert.equal([res.generationId, res.groupProtocol, res.leaderId, res.memberId, res.members[0].memberId], [4, 'RoundRobinAssigner', 'm', 'm', 'm']);
  if (v >= 4) {
    const required = encodeResponse(JoinGroupApi, { errorCode: 79, generationId: -1, protocolName: '', leader: '', memberId: 'given', members: [] }, v);
    const err = await kjs(args).response.parse(await kjs(args).response.decode(required)).catch((e: { memberId?: string }) => e);
    assert.is((err as { memberId?: string }).memberId, 'given', 'kafkajs takes the member id from MEMBER_ID_REQUIRED');
  }
});

eachVersion('syncGroup', SyncGroupApi, async (v, kjs) => {
  const args = { groupId: 'g', generationId: 4, memberId: 'm', groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from([5]) }] };
  const req = decodeRequest(SyncGroupApi, await kafkajsRequest(kjs, args), v);
  assert.equal([req.groupId, req.generationId, req.memberId, req.assignments], ['g', 4, 'm', [{ memberId: 'm', assignment: Buffer.from([5]) }]]);
  const res = await kjs(args).response.decode(encodeResponse(SyncGroupApi, { errorCode: 0, assignment: Buffer.from([6]) }, v));
  assert.equal(res.memberAssignment, Buffer.from([6]));
});

eachVersion('heartbeat', HeartbeatApi, async (v, kjs) => {
  const args = { groupId: 'g', groupGenerationId: 4, memberId: 'm' };
  const req = decodeRequest(HeartbeatApi, await kafkajsRequest(kjs, args), v);
  assert.equal([req.groupId, req.generationId, req.memberId], ['g', 4, 'm']);
  assert.is((await kjs(args).response.decode(encodeResponse(HeartbeatApi, { errorCode: 27 }, v))).errorCode, 27);
});

eachVersion('leaveGroup', LeaveGroupApi, async (v, kjs) => {
  // kafkajs names one member before v3, a batch from v3 (KIP-345); its v3 encoder writes each
  // member as a null string (00000001 ffffffff), so only its v3 response decoding is compared.
  const args = v >= 3 ? { groupId: 'g', members: [{ memberId: 'm', groupInstanceId: 'i' }] } : { groupId: 'g', memberId: 'm' };
  if (v < 3) assert.is(decodeRequest(LeaveGroupApi, await kafkajsRequest(kjs, args), v).memberId, 'm');
  const res = await kjs(args).response.decode(encodeResponse(LeaveGroupApi, { errorCode: 0, members: [{ memberId: 'm', groupInstanceId: 'i', errorCode: 25 }] }, v));
  if (v >= 3) assert.equal(res.members, [{ memberId: 'm', groupInstanceId: 'i', errorCode: 25 }]);
  else assert.is(res.errorCode, 25, "before v3 the member's error is the answer's");
});

eachVersion('offsetCommit', OffsetCommitApi, async (v, kjs) => {
  const args = { groupId: 'g', groupGenerationId: 4, memberId: 'm', retentionTime: -1, topics: [{ topic: 't', partitions: [{ partition: 1, offset: '17' }] }] };
  const req = decodeRequest(OffsetCommitApi, await kafkajsRequest(kjs, args), v);
  assert.equal([req.groupId, req.generationId, req.memberId], ['g', v >= 1 ? 4 : -1, v >= 1 ? 'm' : '']);
  assert.equal(req.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset])]), [['t', [[1, 17]]]]);
  const res = await kjs(args).response.decode(encodeResponse(OffsetCommitApi, { topics: [{ name: 't', partitions: [{ partitionIndex: 1, errorCode: 22 }] }] }, v));
  assert.is(res.responses[0].partitions[0].errorCode, 22);
});

eachVersion('offsetFetch', OffsetFetchApi, async (v, kjs) => {
  const args = { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 1 }] }] };
  const req = decodeRequest(OffsetFetchApi, await kafkajsRequest(kjs, args), v);
  assert.equal([req.groupId, req.topics], ['g', [{ name: 't', partitionIndexes: [0, 1] }]]);
  const buf = encodeResponse(OffsetFetchApi, { topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 9, metadata: '', errorCode: 0 }] }] }, v);
  const res = await kjs(args).response.decode(buf);
  assert.is(res.responses[0].partitions[0].offset, '9');
});

eachVersion('describeGroups', DescribeGroupsApi, async (v, kjs) => {
  assert.equal(decodeRequest(DescribeGroupsApi, await kafkajsRequest(kjs, { groupIds: ['g'] }), v).groups, ['g']);
  const member = { memberId: 'm', clientId: 'c', clientHost: '/h', memberMetadata: Buffer.from([1]), memberAssignment: Buffer.from([2]) };
  const buf = encodeResponse(DescribeGroupsApi, { groups: [{ errorCode: 0, groupId: 'g', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range', members: [member] }] }, v);
  const res = await kjs({}).response.decode(buf);
  assert.equal([res.groups[0].state, res.groups[0].protocol, res.groups[0].members[0].clientHost], ['Stable', 'range', '/h']);
});

eachVersion('listGroups', ListGroupsApi, async (v, kjs) => {
  assert.equal(decodeRequest(ListGroupsApi, await kafkajsRequest(kjs, {}), v), { statesFilter: [], typesFilter: [] });
  const res = await kjs({}).response.decode(encodeResponse(ListGroupsApi, { errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }] }, v));
  assert.equal(res.groups, [{ groupId: 'g', protocolType: 'consumer' }]);
});

eachVersion('deleteGroups', DeleteGroupsApi, async (v, kjs) => {
  assert.equal(decodeRequest(DeleteGroupsApi, await kafkajsRequest(kjs, ['g']), v), { groupsNames: ['g'] });
  const res = await kjs({}).response.decode(encodeResponse(DeleteGroupsApi, { throttleTimeMs: 0, results: [{ groupId: 'g', errorCode: 68 }] }, v));
  assert.equal(res.results.map((r: { groupId: string; errorCode: number }) => [r.groupId, r.errorCode]), [['g', 68]]);
});

eachVersion('createPartitions', CreatePartitionsApi, async (v, kjs) => {
  const args = { topicPartitions: [{ topic: 't', count: 5 }, { topic: 'u', count: 3, assignments: [[2, 3]] }], timeout: 100, validateOnly: false };
  assert.equal(decodeRequest(CreatePartitionsApi, await kafkajsRequest(kjs, args), v), {
    topics: [
      { name: 't', count: 5, assignments: null },
      { name: 'u', count: 3, assignments: [{ brokerIds: [2, 3] }] },
    ],
    timeoutMs: 100,
    validateOnly: false,
  });
  const res = await kjs(args).response.decode(encodeResponse(CreatePartitionsApi, { throttleTimeMs: 0, results: [{ name: 't', errorCode: 37, errorMessage: 'no' }] }, v));
  assert.equal([res.topicErrors[0].topic, res.topicErrors[0].errorCode], ['t', 37]);
});

eachVersion('describeConfigs', DescribeConfigsApi, async (v, kjs) => {
  const args = { resources: [{ type: 2, name: 't', configNames: ['min.insync.replicas'] }], includeSynonyms: false };
  const req = decodeRequest(DescribeConfigsApi, await kafkajsRequest(kjs, args), v);
  assert.equal(req.resources, [{ resourceType: 2, resourceName: 't', configurationKeys: ['min.insync.replicas'] }]);
  const buf = encodeResponse(DescribeConfigsApi, { throttleTimeMs: 0, results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', configs: [{ name: 'min.insync.replicas', value: '2', readOnly: false, configSource: 1, isSensitive: false }] }] }, v);
  const res = await kjs(args).response.decode(buf);
  assert.equal([res.resources[0].configEntries[0].configName, res.resources[0].configEntries[0].configValue, res.resources[0].configEntries[0].isDefault], ['min.insync.replicas', '2', false]);
});

eachVersion('alterConfigs', AlterConfigsApi, async (v, kjs) => {
  const args = { resources: [{ type: 2, name: 't', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true };
  assert.equal(decodeRequest(AlterConfigsApi, await kafkajsRequest(kjs, args), v), { resources: [{ resourceType: 2, resourceName: 't', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true });
  const ok = await kjs(args).response.decode(encodeResponse(AlterConfigsApi, { throttleTimeMs: 0, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't' }] }, v));
  assert.equal([ok.resources[0].errorCode, ok.resources[0].resourceName], [0, 't']);
  const refused = await kjs(args).response.decode(encodeResponse(AlterConfigsApi, { throttleTimeMs: 0, responses: [{ errorCode: 40, errorMessage: 'bad', resourceType: 2, resourceName: 't' }] }, v));
  assert.is(refused.resources[0].errorCode, 40);
});

eachVersion('deleteRecords', DeleteRecordsApi, async (v, kjs) => {
  const args = { topics: [{ topic: 't', partitions: [{ partition: 1, offset: '42' }] }], timeout: 5000 };
  assert.equal(decodeRequest(DeleteRecordsApi, await kafkajsRequest(kjs, args), v), { topics: [{ name: 't', partitions: [{ partitionIndex: 1, offset: 42 }] }], timeoutMs: 5000 });
  const res = await kjs(args).response.decode(encodeResponse(DeleteRecordsApi, { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 1, lowWatermark: 42, errorCode: 0 }] }] }, v));
  const p = res.topics[0].partitions[0];
  assert.equal([p.partition, String(p.lowWatermark), p.errorCode], [1, '42', 0]);
});

test.run();
