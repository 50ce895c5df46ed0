import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiCodec } from '../../src/protocol/api.js';
import { ApiKey } from '../../src/protocol/api.js';
import { AddOffsetsToTxnApi, AddPartitionsToTxnApi, AlterPartitionReassignmentsApi, apiByKey, DescribeClusterApi, DescribeTransactionsApi, EndTxnApi, InitProducerIdApi, ListTransactionsApi, TxnOffsetCommitApi, DescribeLogDirsApi, DescribeProducersApi, ElectLeadersApi, IncrementalAlterConfigsApi, ListPartitionReassignmentsApi, OffsetForLeaderEpochApi } from '../../src/protocol/apis/index.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { Reader } from '../../src/protocol/reader.js';

/** The seed corpus: real request frames (test/fuzz/capture-requests.ts regenerates it). */
export const FIXTURE = fileURLToPath(new URL('../fixtures/requests.json', import.meta.url));

/** One recorded request frame, size prefix included, as hex. */
export interface SeedFrame {
  /** `kcat`, `kafkajs`, `yak-broker` (broker port), `yak-coordinator` or `yak-control`. */
  source: string;
  api: string;
  apiKey: number;
  apiVersion: number;
  hex: string;
}

export function loadSeeds(): SeedFrame[] {
  return JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as SeedFrame[];
}

function requestFrame<Req>(api: ApiCodec<Req, unknown>, req: Req, source: string, apiVersion = 0): SeedFrame {
  const w = startRequestFrame({ apiKey: api.apiKey, apiVersion, correlationId: 1, clientId: 'yak' });
  api.encodeRequest(w, req, apiVersion);
  return { source, api: api.name, apiKey: api.apiKey, apiVersion, hex: finishFrame(w).toString('hex') };
}
const internalFrame = requestFrame;

/**
 * Served Kafka APIs neither kcat nor kafkajs sent while capturing: OffsetForLeaderEpoch as a
 * follower's ReplicaFetcher sends it, IncrementalAlterConfigs as `yak topic alter` does (and on a
 * broker resource), ElectLeaders as `yak topic elect-leaders` does, the reassignment APIs as `yak topic move` does,
 * DescribeCluster, DescribeLogDirs and DescribeProducers, and the transaction APIs as Kafka's Java
 * clients and brokers send them (their newer versions, and AddPartitionsToTxn's batched v4+ form).
 */
export function unrecordedKafkaSeeds(): SeedFrame[] {
  const s = 'yak-broker';
  return [
    requestFrame(OffsetForLeaderEpochApi, { replicaId: 2, topics: [{ topic: 'seed-kafkajs', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] }, s, 3),
    requestFrame(OffsetForLeaderEpochApi, { topics: [{ topic: 'seed-kafkajs', partitions: [{ partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }, s, 2),
    requestFrame(IncrementalAlterConfigsApi, { resources: [{ resourceType: 2, resourceName: 'fuzz-absent', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }, { name: 'cleanup.policy', configOperation: 1, value: null }] }], validateOnly: true }, s),
    requestFrame(IncrementalAlterConfigsApi, { resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '604800000' }] }], validateOnly: true }, s, 1),
    requestFrame(ElectLeadersApi, { electionType: 0, topicPartitions: [{ topic: 'fuzz-absent', partitions: [0] }], timeoutMs: 1000 }, s, 2),
    requestFrame(DescribeClusterApi, { includeClusterAuthorizedOperations: true, endpointType: 1 }, s, 1),
    requestFrame(DescribeLogDirsApi, { topics: null }, s, 4),
    requestFrame(DescribeProducersApi, { topics: [{ name: 'fuzz-absent', partitionIndexes: [0, 1] }] }, s),
    requestFrame(AlterPartitionReassignmentsApi, { timeoutMs: 1000, topics: [{ name: 'fuzz-absent', partitions: [{ partitionIndex: 0, replicas: [1, 2] }] }] }, s),
    requestFrame(ListPartitionReassignmentsApi, { timeoutMs: 1000, topics: null }, s),
    requestFrame(InitProducerIdApi, { transactionalId: 'fuzz-txn', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }, s, 5),
    requestFrame(AddPartitionsToTxnApi, { v3AndBelowTransactionalId: 'fuzz-txn', v3AndBelowProducerId: 7700, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'fuzz-absent', partitions: [0, 1] }] }, s, 3),
    requestFrame(AddPartitionsToTxnApi, { transactions: [{ transactionalId: 'fuzz-txn', producerId: 7700, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'fuzz-absent', partitions: [0] }] }] }, s, 5),
    requestFrame(AddOffsetsToTxnApi, { transactionalId: 'fuzz-txn', producerId: 7700, producerEpoch: 0, groupId: 'fuzz-group' }, s, 3),
    requestFrame(TxnOffsetCommitApi, { transactionalId: 'fuzz-txn', groupId: 'fuzz-group', producerId: 7700, producerEpoch: 0, generationId: 1, memberId: 'm', groupInstanceId: null, topics: [{ name: 'fuzz-absent', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 0, committedMetadata: '' }] }] }, s, 3),
    requestFrame(EndTxnApi, { transactionalId: 'fuzz-txn', producerId: 7700, producerEpoch: 0, committed: true }, s, 4),
    requestFrame(DescribeTransactionsApi, { transactionalIds: ['fuzz-txn'] }, s),
    requestFrame(ListTransactionsApi, { stateFilters: ['Ongoing'], producerIdFilters: [7700], durationFilter: 1000 }, s, 1),
  ];
}

/** The group and transaction APIs a broker forwards to the coordinator, by Kafka API key. */
const FORWARDED = new Map<number, ApiCodec<unknown, unknown>>(([
  [ApiKey.JoinGroup, InternalApi.JoinGroup],
  [ApiKey.SyncGroup, InternalApi.SyncGroup],
  [ApiKey.Heartbeat, InternalApi.GroupHeartbeat],
  [ApiKey.LeaveGroup, InternalApi.LeaveGroup],
  [ApiKey.OffsetCommit, InternalApi.OffsetCommit],
  [ApiKey.OffsetFetch, InternalApi.OffsetFetch],
  [ApiKey.ListGroups, InternalApi.ListGroups],
  [ApiKey.DescribeGroups, InternalApi.DescribeGroups],
  [ApiKey.DeleteGroups, InternalApi.DeleteGroups],
  [ApiKey.AddPartitionsToTxn, InternalApi.AddPartitionsToTxn],
  [ApiKey.AddOffsetsToTxn, InternalApi.AddOffsetsToTxn],
  [ApiKey.TxnOffsetCommit, InternalApi.TxnOffsetCommit],
  [ApiKey.EndTxn, InternalApi.EndTxn],
  [ApiKey.DescribeTransactions, InternalApi.DescribeTransactions],
  [ApiKey.ListTransactions, InternalApi.ListTransactions],
] as [number, unknown][]) as [number, ApiCodec<unknown, unknown>][]);

/**
 * YaK's own control-plane frames, as brokers, the CLI and the supervisor send them. Ids, names and
 * targets are strangers' (broker 7700, topic fuzz-absent, control target nobody) so that a mutation that still
 * parses rarely names a real broker or topic: the fuzzer looks for crashes, not for the (separately
 * tested) authentication of these ports. Group calls are the captured Kafka group requests, decoded
 * and wrapped as a broker forwards them.
 */
export function controlPlaneSeeds(kafkaFrames: SeedFrame[]): SeedFrame[] {
  const c = 'yak-coordinator';
  const seeds: SeedFrame[] = [
    internalFrame(InternalApi.RegisterBroker, { brokerId: 7700, host: '127.0.0.1', port: 1, pid: 1 }, c),
    internalFrame(InternalApi.Heartbeat, { brokerId: 7700, brokerEpoch: 3 }, c),
    internalFrame(InternalApi.WatchMetadata, { sinceVersion: 1_000_000, maxWaitMs: 50 }, c),
    internalFrame(InternalApi.CreateTopics, { topics: [{ name: 'fuzz-absent', partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '1000' } }], validateOnly: true }, c),
    internalFrame(InternalApi.CreatePartitions, { topics: [{ name: 'fuzz-absent', count: 4 }], validateOnly: true }, c),
    internalFrame(InternalApi.AlterTopicConfigs, { topics: [{ name: 'fuzz-absent', set: { 'retention.ms': '1000' }, delete: ['cleanup.policy'] }], validateOnly: true }, c),
    internalFrame(InternalApi.DeleteTopics, { names: ['fuzz-absent'] }, c),
    internalFrame(InternalApi.AlterBrokerConfigs, { brokers: [{ name: '', set: { 'log.retention.ms': '604800000' } }], validateOnly: true }, c),
    internalFrame(InternalApi.ReassignPartitions, { topics: [{ name: 'fuzz-absent', partitions: [{ partitionIndex: 0, replicas: null }] }] }, c),
    internalFrame(InternalApi.ElectLeaders, { electionType: 0, topicPartitions: [{ topic: 'fuzz-absent', partitions: [0] }] }, c),
    internalFrame(InternalApi.RegisterProducer, { clientId: 'fuzz', topics: ['fuzz-absent'] }, c),
    internalFrame(InternalApi.RegisterConsumer, { clientId: 'fuzz', topics: ['fuzz-absent'] }, c),
    internalFrame(InternalApi.BrokerExited, { brokerId: 7700, pid: 1 }, c),
    internalFrame(InternalApi.AlterIsr, { brokerId: 7700, brokerEpoch: 1, topic: 'fuzz-absent', partition: 0, leaderEpoch: 0, currentIsr: [7700], isr: [7700] }, c),
    internalFrame(InternalApi.AllocateProducerIds, { count: 5 }, c),
    internalFrame(InternalApi.InitTransactionalProducerId, { apiVersion: 4, clientId: 'fuzz', clientHost: '/127.0.0.1', request: { transactionalId: 'fuzz-txn', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 } }, c),
  ];
  for (const f of kafkaFrames) {
    const forward = FORWARDED.get(f.apiKey);
    if (!forward) continue;
    const frame = Buffer.from(f.hex, 'hex');
    const r = new Reader(frame, 12); // past size, api key, version, correlation id
    r.nullableString(); // client id
    const request = apiByKey(f.apiKey)!.decodeRequest(r, f.apiVersion);
    seeds.push(internalFrame(forward, { apiVersion: f.apiVersion, clientId: 'fuzz', clientHost: '/127.0.0.1', request }, c));
  }
  // No target a few deleted or replaced bytes turn into a real one ('zookeeper-770' minus '-770' is).
  for (const action of ['kill', 'pause', 'resume', 'restart'] as const) {
    seeds.push(internalFrame(InternalApi.Control, { action, target: 'nobody' }, 'yak-control'));
  }
  return seeds;
}
