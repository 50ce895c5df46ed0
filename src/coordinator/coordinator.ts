import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { CONSUMER_OFFSETS_TOPIC } from '../common/topic-name.js';
import type { Logger } from '../common/logger.js';
import { clusterMembersOnly } from '../net/cluster-auth.js';
import { FrameServer, type ServerTls } from '../net/server.js';
import type { ApiCodec } from '../protocol/api.js';
import { finishFrame, startResponseFrame, type RequestHeader } from '../protocol/framing.js';
import { InternalApi } from '../protocol/internal-api.js';
import type { Reader } from '../protocol/reader.js';
import { describeClusterEvent } from '../common/cluster-events.js';
import { ClusterEventRing } from './cluster-event-ring.js';
import { Controller } from './controller.js';
import { GroupCoordinator } from './group-coordinator.js';
import { GroupStore } from './group-store.js';
import { MetadataStore } from './metadata-store.js';
import { offsetsTopicSpec, OffsetsTopicMirror, type OffsetsTopicWriter } from './offsets-topic.js';
import { StallClock } from './stall-clock.js';
import { TransactionCoordinator } from './txn-coordinator.js';
import type { TxnMarkerSender } from './txn-markers.js';
import { TXN_COORDINATOR_EPOCH_KEY, TxnStore } from './txn-store.js';

export interface CoordinatorOptions {
  host: string;
  port: number;
  dataDir: string;
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  defaultReplicationFactor?: number;
  defaultMinInsyncReplicas?: number;
  uncleanLeaderElection?: boolean;
  /** group.initial.rebalance.delay.ms; limits.ts has the default. */
  groupInitialRebalanceDelayMs?: number;
  /** Every connection must prove it before its first request (net/cluster-auth.ts). */
  clusterSecret: ClusterSecret;
  /** TLS on the coordinator's port, as on the brokers' listeners of a cluster with TLS; absent: plaintext. */
  tls?: ServerTls;
  /**
   * Delivers the groups' changes to `__consumer_offsets` (offsets-topic.ts); the coordinator does not
   * produce itself (it imports no client), `yak zookeeper` wires a producer in. Absent: no mirror.
   */
  offsetsTopicWriter?: (cluster: OffsetsTopicCluster) => OffsetsTopicWriter;
  /**
   * Delivers transaction markers to partition leaders (WriteTxnMarkers); wired in by `yak zookeeper`
   * (client/txn-marker-sender.ts) for the same reason.
   */
  txnMarkerSender: () => TxnMarkerSender;
  /** transaction.max.timeout.ms; limits.ts has Kafka's default. */
  transactionMaxTimeoutMs?: number;
  logger: Logger;
}

/** What an OffsetsTopicWriter needs of the cluster. */
export interface OffsetsTopicCluster {
  /** Creates `__consumer_offsets` unless it exists; null when it does, else why it could not (no live broker yet). */
  ensureTopic(): string | null;
  /** The live brokers' addresses, to bootstrap a client from. */
  brokers(): { host: string; port: number }[];
}

export interface RunningCoordinator {
  host: string;
  port: number;
  controller: Controller;
  close(): Promise<void>;
}

type Handler = (req: never) => unknown | Promise<unknown>;

/** Starts the coordinator: opens coordinator.db, serves the control API, logs cluster events. */
export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  const store = new MetadataStore(opts.dataDir);
  const stallClock = new StallClock();
  const controller = new Controller(store, { ...opts, stallClock });
  const events = new ClusterEventRing();
  controller.onEvent((e) => {
    events.push(e);
    opts.logger.info(describeClusterEvent(e));
  });
  const offsetsTopic = opts.offsetsTopicWriter?.({
    ensureTopic: () => {
      if (controller.hasPartition(CONSUMER_OFFSETS_TOPIC, 0)) return null;
      // Kafka's offsets.topic.replication.factor (3) is a requirement, not a wish: the topic waits for
      // that many live brokers (here the cluster's default, else min(3, brokers ever registered)), so a
      // cluster whose brokers are still registering does not get it with one replica for good.
      const known = controller.snapshot().brokers;
      const rf = opts.defaultReplicationFactor ?? Math.min(3, known.length);
      const alive = known.filter((b) => b.state === 'alive').length;
      if (rf === 0 || alive < rf) return `waiting for ${rf || 1} live broker(s), ${alive} now`;
      const [result] = controller.createTopics([offsetsTopicSpec(rf)]);
      return result!.errorCode === ErrorCode.NONE ? null : (result!.errorMessage ?? `error ${result!.errorCode}`);
    },
    brokers: () => controller.snapshot().brokers.filter((b) => b.state === 'alive').map((b) => ({ host: b.host, port: b.port })),
  });
  const mirror = offsetsTopic && new OffsetsTopicMirror(offsetsTopic);
  const groupStore = new GroupStore(store.database, mirror);
  mirror?.catchUp(groupStore);
  const groups = new GroupCoordinator(groupStore, {
    partitionExists: (topic, partition) => controller.hasPartition(topic, partition),
    stallClock,
    initialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs,
    logger: opts.logger,
  });

  const transactions = new TransactionCoordinator({
    store: new TxnStore(store.database),
    offsets: groups.offsets,
    atomically: (work) => groupStore.atomically(work),
    allocateProducerId: () => store.allocateProducerIds(1),
    coordinatorEpoch: store.nextCounter(TXN_COORDINATOR_EPOCH_KEY),
    cluster: { leaderOf: (topic, partition) => controller.leaderOf(topic, partition), partitionExists: (topic, partition) => controller.hasPartition(topic, partition) },
    markers: opts.txnMarkerSender(),
    maxTimeoutMs: opts.transactionMaxTimeoutMs,
    logger: opts.logger,
  });

  const routes = new Map<number, { api: ApiCodec<unknown, unknown>; handle: Handler }>();
  const route = <Req, Res>(api: ApiCodec<Req, Res>, handle: (req: Req) => Res | Promise<Res>) =>
    routes.set(api.apiKey, { api: api as ApiCodec<unknown, unknown>, handle: handle as Handler });

  route(InternalApi.RegisterBroker, (req) => controller.registerBroker(req));
  route(InternalApi.Heartbeat, (req) => controller.heartbeat(req.brokerId, req.brokerEpoch));
  route(InternalApi.WatchMetadata, async (req) => {
    const md = await controller.watch(req.sinceVersion, req.maxWaitMs);
    return req.brokersOnlyWhenUnchanged && md.version === req.sinceVersion ? { clusterId: md.clusterId, version: md.version, brokers: md.brokers, topics: [], unchanged: true } : md;
  });
  route(InternalApi.WatchClusterEvents, (req) => events.watch(req.ringId, req.sinceSeq, req.maxWaitMs));
  route(InternalApi.CreateTopics, (req) => ({ topics: controller.createTopics(req.topics ?? [], req.validateOnly), metadataVersion: controller.metadataVersion }));
  route(InternalApi.CreatePartitions, (req) => ({ topics: controller.createPartitions(req.topics ?? [], req.validateOnly), metadataVersion: controller.metadataVersion }));
  route(InternalApi.AlterTopicConfigs, (req) => ({ topics: controller.alterTopicConfigs(req), metadataVersion: controller.metadataVersion }));
  route(InternalApi.AlterBrokerConfigs, (req) => ({ topics: controller.alterBrokerConfigs(req), metadataVersion: controller.metadataVersion }));
  route(InternalApi.ElectLeaders, (req) => ({ results: controller.electLeaders(req), metadataVersion: controller.metadataVersion }));
  route(InternalApi.ReassignPartitions, (req) => ({ results: controller.reassignPartitions(req), metadataVersion: controller.metadataVersion }));
  route(InternalApi.DeleteTopics, (req) => ({ topics: controller.deleteTopics(req.names ?? []), metadataVersion: controller.metadataVersion }));
  route(InternalApi.RegisterProducer, () => ({ errorCode: ErrorCode.NONE, metadata: controller.snapshot() }));
  route(InternalApi.RegisterConsumer, () => ({ errorCode: ErrorCode.NONE, metadata: controller.snapshot() }));
  route(InternalApi.AlterIsr, (req) => controller.alterIsr(req));
  route(InternalApi.AllocateProducerIds, (req) => {
    const count = Math.max(1, Math.min(10_000, Math.floor(req.count) || 1));
    return { errorCode: ErrorCode.NONE, firstId: store.allocateProducerIds(count), count };
  });
  route(InternalApi.JoinGroup, (call) => groups.join(call));
  route(InternalApi.SyncGroup, (call) => groups.sync(call));
  route(InternalApi.GroupHeartbeat, (call) => groups.heartbeat(call));
  route(InternalApi.LeaveGroup, (call) => groups.leave(call));
  route(InternalApi.OffsetCommit, (call) => groups.offsets.commit(call));
  route(InternalApi.OffsetFetch, (call) => groups.offsets.fetch(call));
  route(InternalApi.ListGroups, (call) => groups.listGroups(call));
  route(InternalApi.DescribeGroups, (call) => groups.describeGroups(call));
  route(InternalApi.DeleteGroups, (call) => groups.deleteGroups(call));
  route(InternalApi.OffsetDelete, (call) => groups.offsets.delete(call));
  route(InternalApi.InitTransactionalProducerId, (call) => transactions.initProducerId(call));
  route(InternalApi.AddPartitionsToTxn, (call) => transactions.addPartitions(call));
  route(InternalApi.AddOffsetsToTxn, (call) => transactions.addOffsets(call));
  route(InternalApi.TxnOffsetCommit, (call) => transactions.txnOffsetCommit(call));
  route(InternalApi.EndTxn, (call) => transactions.endTxn(call));
  route(InternalApi.DescribeTransactions, (call) => transactions.describe(call));
  route(InternalApi.ListTransactions, (call) => transactions.list(call));
  route(InternalApi.AlterScramCredentials, (req) => controller.alterScramCredentials(req));
  route(InternalApi.CreateAcls, (req) => controller.createAcls(req));
  route(InternalApi.DeleteAcls, (req) => controller.deleteAcls(req));
  route(InternalApi.BrokerExited, (req) => {
    controller.brokerExited(req.brokerId, req.pid);
    return { errorCode: ErrorCode.NONE };
  });

  const server = new FrameServer({ host: opts.host, port: opts.port, gate: clusterMembersOnly(opts.clusterSecret, opts.logger), tls: opts.tls, logger: opts.logger }, async (header: RequestHeader, body: Reader) => {
    const r = routes.get(header.apiKey);
    if (!r) throw new KafkaError(ErrorCode.INVALID_REQUEST, `unknown control API key ${header.apiKey}`);
    const res = await r.handle(r.api.decodeRequest(body, header.apiVersion) as never);
    const w = startResponseFrame(header.correlationId);
    r.api.encodeResponse(w, res, header.apiVersion);
    return finishFrame(w);
  });
  const addr = await server.listen();
  opts.logger.info(`coordinator listening on ${addr.host}:${addr.port}${opts.tls ? ' (TLS)' : ''} (data ${opts.dataDir})`);
  return {
    ...addr,
    controller,
    async close() {
      controller.close();
      transactions.close();
      events.close();
      groups.close();
      await offsetsTopic?.close();
      stallClock.close();
      await server.close();
      store.close();
    },
  };
}
