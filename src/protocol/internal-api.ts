import type { StampedClusterEvent } from '../common/cluster-events.js';
import type { AclBinding, AclBindingFilter, ClusterMetadata, UserScramCredential } from '../common/cluster-types.js';
import { ProtocolError } from '../common/errors.js';
import type { ApiCodec } from './api.js';
import { arrayOf, boolean, bytes, int32, int64, nullable, object, oneOf, optional, string, stringMap, type Check } from './json-shape.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from './apis/delete-groups.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from './apis/describe-groups.js';
import type { HeartbeatRequest as GroupHeartbeatRequest, HeartbeatResponse as GroupHeartbeatResponse } from './apis/heartbeat.js';
import type { JoinGroupRequest, JoinGroupResponse } from './apis/join-group.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from './apis/leave-group.js';
import type { ListGroupsRequest, ListGroupsResponse } from './apis/list-groups.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './apis/offset-commit.js';
import type { OffsetDeleteRequest, OffsetDeleteResponse } from './apis/offset-delete.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from './apis/offset-fetch.js';
import type { SyncGroupRequest, SyncGroupResponse } from './apis/sync-group.js';
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from './apis/add-offsets-to-txn.js';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from './apis/add-partitions-to-txn.js';
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from './apis/describe-transactions.js';
import type { EndTxnRequest, EndTxnResponse } from './apis/end-txn.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from './apis/init-producer-id.js';
import type { ListTransactionsRequest, ListTransactionsResponse } from './apis/list-transactions.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from './apis/txn-offset-commit.js';

/** Buffers (group members' metadata and assignments) travel as `{ "$base64": "..." }`. */
function bufferToBase64(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return Buffer.isBuffer(original) ? { $base64: original.toString('base64') } : value;
}

function base64ToBuffer(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { $base64?: unknown }).$base64 === 'string') {
    return Buffer.from((value as { $base64: string }).$base64, 'base64');
  }
  return value;
}

/**
 * YaK's control plane between brokers, supervisor, CLI and the coordinator: same framing as Kafka,
 * its own API keys (1000+, far from Kafka's), JSON bodies. These messages are rare and small, never
 * on the record path, so readability wins over compactness here.
 */
function jsonApi<Req, Res>(apiKey: number, name: string, requestShape: Check<Req>): ApiCodec<Req, Res> {
  const encode = (w: { raw(b: Buffer): unknown }, v: unknown) => w.raw(Buffer.from(JSON.stringify(v, bufferToBase64)));
  const parse = (r: { remaining: number; raw(n: number): Buffer }): unknown => {
    try {
      return JSON.parse(r.raw(r.remaining).toString('utf8'), base64ToBuffer);
    } catch {
      throw new ProtocolError(`${name}: body is not JSON`);
    }
  };
  return {
    apiKey,
    name,
    maxVersion: 0,
    encodeRequest: encode,
    // Requests come from any peer that can connect: checked field by field before a handler sees them.
    // A field the shape does not declare is dropped, so a new request field needs its shape entry too.
    decodeRequest: (r) => requestShape(parse(r), name),
    encodeResponse: encode,
    // Responses come from the coordinator (or supervisor) this process chose to talk to.
    decodeResponse: (r) => parse(r) as Res,
  };
}

/** Every control response carries a Kafka error code (0 = none) and, on error, a message. */
export interface ControlResult {
  errorCode: number;
  errorMessage?: string;
}

export interface RegisterBrokerRequest {
  brokerId: number;
  host: string;
  port: number;
  pid: number;
  /** broker.rack (`yak broker --rack`). */
  rack?: string | null;
}
/** `leader_info`: the session the broker must heartbeat with, and the metadata it must serve. */
export interface LeaderInfo extends ControlResult {
  brokerEpoch: number;
  heartbeatIntervalMs: number;
  /** A broker that has not heard back from a heartbeat for this long must stop acting as leader. */
  sessionTimeoutMs: number;
  metadata: ClusterMetadata;
}

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
}
export interface HeartbeatResponse extends ControlResult {
  metadataVersion: number;
}

export interface WatchMetadataRequest {
  /** Answer as soon as the metadata version is above this, or after maxWaitMs with the current one. */
  sinceVersion: number;
  maxWaitMs: number;
  /**
   * An answer at `sinceVersion` itself (nothing changed: only heartbeat ages are new) carries the
   * brokers alone, `unchanged` set: a watcher of a 1000-partition cluster that refreshes heartbeat
   * ages each second is not sent (and does not parse) every partition each time.
   */
  brokersOnlyWhenUnchanged?: boolean;
}
/** `unchanged`: topics and brokerConfigs are left out (empty); the watcher's copy of that version is current. */
export type WatchMetadataResponse = ClusterMetadata & { unchanged?: boolean };

/** The controller's recent events (common/cluster-events.ts), by long poll as WatchMetadata. */
export interface WatchClusterEventsRequest {
  /** The ring `sinceSeq` counts in (from an earlier answer); another one (the coordinator restarted) means from the start. */
  ringId?: string;
  /** Answer with the events numbered above this (0: every one kept), as soon as there is one, or after maxWaitMs. */
  sinceSeq: number;
  maxWaitMs: number;
}
export interface WatchClusterEventsResponse {
  ringId: string;
  /** Oldest first; at most limits.ts's clusterEventsPerAnswer. */
  events: StampedClusterEvent[];
  /** The number the next event will get: ask again with sinceSeq = the last event's seq. */
  nextSeq: number;
  /** Events after sinceSeq already dropped from the ring (the watcher fell behind). */
  missed: number;
}

export interface CreateTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
  /** Replicas chosen by the request, per partition (then partitions and replicationFactor are -1). */
  assignments?: { partitionIndex: number; brokerIds: number[] }[];
}
export interface CreateTopicsRequest {
  topics: CreateTopicSpec[];
  validateOnly?: boolean;
}
export interface TopicResult extends ControlResult {
  name: string;
}
export interface TopicsResponse {
  topics: TopicResult[];
  /** The metadata version that includes the change: brokers wait for it before answering. */
  metadataVersion: number;
}

export interface CreatePartitionsSpec {
  name: string;
  /** The new total number of partitions. */
  count: number;
  /** Replicas of each new partition, chosen by the request; absent: the controller places them. */
  assignments?: number[][];
}
export interface CreatePartitionsRequest {
  topics: CreatePartitionsSpec[];
  validateOnly?: boolean;
}

/** A change to one resource's configs: `set` overrides, `delete` falls back; `replace` (AlterConfigs) first drops every override not in `set`. */
export interface ConfigChange {
  name: string;
  set?: Record<string, string>;
  delete?: string[];
  replace?: boolean;
}
export interface AlterTopicConfigsRequest {
  topics: ConfigChange[];
  validateOnly?: boolean;
}
/** Dynamic broker configs; each change's name is a broker id, or "" for every broker (common/broker-configs.ts). */
export interface AlterBrokerConfigsRequest {
  brokers: ConfigChange[];
  validateOnly?: boolean;
}

/** ElectLeaders: preferred (0) or unclean (1) elections; null partitions: every partition. */
export interface ElectLeadersRequest {
  electionType: number;
  topicPartitions: { topic: string; partitions: number[] }[] | null;
}
export interface ElectionResult extends ControlResult {
  topic: string;
  partition: number;
}
/** Per-partition results (ElectLeaders, ReassignPartitions) and the metadata version that has the changes. */
export interface ElectLeadersResponse {
  results: ElectionResult[];
  metadataVersion: number;
}

/** AlterPartitionReassignments: each partition's new replicas, or null to cancel its ongoing move. */
export interface ReassignPartitionsRequest {
  topics: { name: string; partitions: { partitionIndex: number; replicas: number[] | null }[] }[];
}

export interface DeleteTopicsRequest {
  names: string[];
}

export interface RegisterClientRequest {
  clientId: string;
  topics?: string[];
}
export interface ClientMetadataResponse extends ControlResult {
  metadata: ClusterMetadata;
}

export interface AlterIsrRequest {
  brokerId: number;
  brokerEpoch: number;
  topic: string;
  partition: number;
  leaderEpoch: number;
  /** The ISR the proposal was computed from: refused if the coordinator's has changed since (compare-and-set). */
  currentIsr: number[];
  isr: number[];
}
export interface AlterIsrResponse extends ControlResult {
  metadataVersion?: number;
}

export interface BrokerExitedRequest {
  brokerId: number;
  pid: number;
}

/**
 * A Kafka group or transaction request as a broker decoded it, forwarded to the coordinator, which
 * owns every group and every transactional id (brokers answer FindCoordinator with themselves). The
 * answer is the Kafka response body.
 */
export interface GroupCall<Req> {
  apiVersion: number;
  /** The Kafka client's client.id and address (`/127.0.0.1`), as DescribeGroups shows them. */
  clientId: string;
  clientHost: string;
  request: Req;
}

/**
 * The first two requests on every connection to the coordinator or the control endpoint, which serve
 * cluster members only (net/cluster-auth.ts): nonces, then HMAC proofs of the cluster secret.
 */
export interface ClusterHandshakeRequest {
  /** 32 random bytes the server's proof will cover (so a recorded server proof is useless). */
  clientNonce: Buffer;
}
export interface ClusterHandshakeResponse extends ControlResult {
  /** 32 random bytes the client's proof must cover (so a recorded client proof is useless). */
  serverNonce?: Buffer;
}
export interface ClusterAuthenticateRequest {
  /** HMAC-SHA256(secret, client label || serverNonce || clientNonce). */
  proof: Buffer;
}
export interface ClusterAuthenticateResponse extends ControlResult {
  /** HMAC-SHA256(secret, server label || clientNonce || serverNonce): the server knows the secret too. */
  proof?: Buffer;
}

/**
 * AlterUserScramCredentials as a broker forwards it (the broker turned each salted password into
 * StoredKey and ServerKey: the coordinator never sees a password or a salted one).
 */
export interface AlterScramCredentialsRequest {
  deletions: { user: string; mechanism: string }[];
  upsertions: UserScramCredential[];
}
export interface AlterScramCredentialsResponse {
  results: (ControlResult & { user: string })[];
  /** The metadata version that has the changes: brokers wait for it before answering. */
  metadataVersion: number;
}

/** CreateAcls as a broker forwards it: the coordinator checks each binding (security/acl.ts invalidBinding). */
export interface CreateAclsRequest {
  creations: AclBinding[];
}
export interface CreateAclsResponse {
  /** One per creation, in order. */
  results: ControlResult[];
  /** The metadata version that has the new ACLs: brokers wait for it before answering. */
  metadataVersion: number;
}
export interface DeleteAclsRequest {
  filters: AclBindingFilter[];
}
export interface DeleteAclsResponse {
  /** One per filter, in order: the ACLs it matched, now deleted. */
  results: { matching: AclBinding[] }[];
  metadataVersion: number;
}

/** `stop`: the whole cluster (`yak down`; target `cluster`). */
export type ControlAction = 'kill' | 'pause' | 'resume' | 'restart' | 'stop';
export interface ControlRequest {
  action: ControlAction;
  /** `broker-N` or `zookeeper` (`cluster` for stop). */
  target: string;
  /** restart only: move the broker's log.db aside first, so it re-replicates every partition from the leaders. */
  rebuild?: boolean;
  /** With rebuild: even where this broker is the only in-sync replica (those records are lost). */
  force?: boolean;
}
export interface ControlResponse {
  message: string;
  failed?: boolean;
}

/** A group call's envelope around the Kafka request's own shape. */
function groupCall<Req>(request: Check<Req>): Check<GroupCall<Req>> {
  return object({ apiVersion: int32, clientId: string, clientHost: string, request });
}
const groupInstanceId = optional(nullable(string));
const offsetFetchTopics = nullable(arrayOf(object({ name: string, partitionIndexes: arrayOf(int32) })));
const noFields = object({});
const txnTopics = arrayOf(object({ name: string, partitions: arrayOf(int32) }));
const configChange = object({ name: string, set: optional(stringMap), delete: optional(arrayOf(string)), replace: optional(boolean) });

const aclBinding = object({ resourceType: int32, resourceName: string, patternType: int32, principal: string, host: string, operation: int32, permissionType: int32 });

export const InternalApi = {
  RegisterBroker: jsonApi<RegisterBrokerRequest, LeaderInfo>(1000, 'RegisterBroker', object({ brokerId: int32, host: string, port: int32, pid: int32, rack: optional(nullable(string)) })),
  Heartbeat: jsonApi<HeartbeatRequest, HeartbeatResponse>(1001, 'Heartbeat', object({ brokerId: int32, brokerEpoch: int64 })),
  WatchMetadata: jsonApi<WatchMetadataRequest, WatchMetadataResponse>(1002, 'WatchMetadata', object({ sinceVersion: int64, maxWaitMs: int64, brokersOnlyWhenUnchanged: optional(boolean) })),
  CreateTopics: jsonApi<CreateTopicsRequest, TopicsResponse>(
    1003,
    'CreateTopics',
    object({
      topics: arrayOf(
        object({
          name: string,
          partitions: int32,
          replicationFactor: int32,
          configs: optional(stringMap),
          assignments: optional(arrayOf(object({ partitionIndex: int32, brokerIds: arrayOf(int32) }))),
        }),
      ),
      validateOnly: optional(boolean),
    }),
  ),
  DeleteTopics: jsonApi<DeleteTopicsRequest, TopicsResponse>(1004, 'DeleteTopics', object({ names: arrayOf(string) })),
  RegisterProducer: jsonApi<RegisterClientRequest, ClientMetadataResponse>(1005, 'RegisterProducer', object({ clientId: string, topics: optional(arrayOf(string)) })),
  RegisterConsumer: jsonApi<RegisterClientRequest, ClientMetadataResponse>(1006, 'RegisterConsumer', object({ clientId: string, topics: optional(arrayOf(string)) })),
  BrokerExited: jsonApi<BrokerExitedRequest, ControlResult>(1007, 'BrokerExited', object({ brokerId: int32, pid: int32 })),
  AlterIsr: jsonApi<AlterIsrRequest, AlterIsrResponse>(
    1008,
    'AlterIsr',
    object({ brokerId: int32, brokerEpoch: int64, topic: string, partition: int32, leaderEpoch: int32, currentIsr: arrayOf(int32), isr: arrayOf(int32) }),
  ),
  AllocateProducerIds: jsonApi<{ count: number }, ControlResult & { firstId: number; count: number }>(1009, 'AllocateProducerIds', object({ count: int32 })),
  JoinGroup: jsonApi<GroupCall<JoinGroupRequest>, JoinGroupResponse>(
    1010,
    'JoinGroup',
    groupCall(
      object({
        groupId: string,
        sessionTimeoutMs: int32,
        rebalanceTimeoutMs: int32,
        memberId: string,
        groupInstanceId,
        reason: optional(nullable(string)),
        protocolType: string,
        protocols: arrayOf(object({ name: string, metadata: bytes })),
      }),
    ),
  ),
  SyncGroup: jsonApi<GroupCall<SyncGroupRequest>, SyncGroupResponse>(
    1011,
    'SyncGroup',
    groupCall(
      object({
        groupId: string,
        generationId: int32,
        memberId: string,
        groupInstanceId,
        protocolType: optional(nullable(string)),
        protocolName: optional(nullable(string)),
        assignments: arrayOf(object({ memberId: string, assignment: bytes })),
      }),
    ),
  ),
  GroupHeartbeat: jsonApi<GroupCall<GroupHeartbeatRequest>, GroupHeartbeatResponse>(
    1012,
    'GroupHeartbeat',
    groupCall(object({ groupId: string, generationId: int32, memberId: string, groupInstanceId })),
  ),
  LeaveGroup: jsonApi<GroupCall<LeaveGroupRequest>, LeaveGroupResponse>(
    1013,
    'LeaveGroup',
    groupCall(object({ groupId: string, memberId: optional(string), members: optional(arrayOf(object({ memberId: string, groupInstanceId: nullable(string), reason: optional(nullable(string)) }))) })),
  ),
  OffsetCommit: jsonApi<GroupCall<OffsetCommitRequest>, OffsetCommitResponse>(
    1014,
    'OffsetCommit',
    groupCall(
      object({
        groupId: string,
        generationId: int32,
        memberId: string,
        groupInstanceId,
        retentionTimeMs: optional(int64),
        topics: arrayOf(
          object({
            name: string,
            partitions: arrayOf(
              object({ partitionIndex: int32, committedOffset: int64, committedLeaderEpoch: optional(int32), commitTimestamp: optional(int64), committedMetadata: nullable(string) }),
            ),
          }),
        ),
      }),
    ),
  ),
  OffsetFetch: jsonApi<GroupCall<OffsetFetchRequest>, OffsetFetchResponse>(
    1015,
    'OffsetFetch',
    groupCall(
      object({
        groupId: optional(string),
        topics: optional(offsetFetchTopics),
        groups: optional(arrayOf(object({ groupId: string, memberId: optional(nullable(string)), memberEpoch: optional(int32), topics: offsetFetchTopics }))),
        requireStable: optional(boolean),
      }),
    ),
  ),
  ListGroups: jsonApi<GroupCall<ListGroupsRequest>, ListGroupsResponse>(
    1016,
    'ListGroups',
    groupCall(object({ statesFilter: optional(arrayOf(string)), typesFilter: optional(arrayOf(string)) })),
  ),
  DescribeGroups: jsonApi<GroupCall<DescribeGroupsRequest>, DescribeGroupsResponse>(
    1017,
    'DescribeGroups',
    groupCall(object({ groups: arrayOf(string), includeAuthorizedOperations: optional(boolean) })),
  ),
  DeleteGroups: jsonApi<GroupCall<DeleteGroupsRequest>, DeleteGroupsResponse>(1018, 'DeleteGroups', groupCall(object({ groupsNames: arrayOf(string) }))),
  CreatePartitions: jsonApi<CreatePartitionsRequest, TopicsResponse>(
    1019,
    'CreatePartitions',
    object({ topics: arrayOf(object({ name: string, count: int32, assignments: optional(arrayOf(arrayOf(int32))) })), validateOnly: optional(boolean) }),
  ),
  AlterTopicConfigs: jsonApi<AlterTopicConfigsRequest, TopicsResponse>(1020, 'AlterTopicConfigs', object({ topics: arrayOf(configChange), validateOnly: optional(boolean) })),
  AlterBrokerConfigs: jsonApi<AlterBrokerConfigsRequest, TopicsResponse>(1030, 'AlterBrokerConfigs', object({ brokers: arrayOf(configChange), validateOnly: optional(boolean) })),
  ElectLeaders: jsonApi<ElectLeadersRequest, ElectLeadersResponse>(
    1031,
    'ElectLeaders',
    object({ electionType: int32, topicPartitions: nullable(arrayOf(object({ topic: string, partitions: arrayOf(int32) }))) }),
  ),
  ReassignPartitions: jsonApi<ReassignPartitionsRequest, ElectLeadersResponse>(
    1032,
    'ReassignPartitions',
    object({ topics: arrayOf(object({ name: string, partitions: arrayOf(object({ partitionIndex: int32, replicas: nullable(arrayOf(int32)) })) })) }),
  ),
  /** Watches (1070+), clear of the transaction calls' 1050+ and the user calls' 1060+. */
  WatchClusterEvents: jsonApi<WatchClusterEventsRequest, WatchClusterEventsResponse>(
    1070,
    'WatchClusterEvents',
    object({ ringId: optional(string), sinceSeq: int64, maxWaitMs: int64 }),
  ),
  /** In the group range's spare keys (1040+), clear of the topic APIs' 1019+. */
  OffsetDelete: jsonApi<GroupCall<OffsetDeleteRequest>, OffsetDeleteResponse>(
    1040,
    'OffsetDelete',
    groupCall(object({ groupId: string, topics: arrayOf(object({ name: string, partitions: arrayOf(object({ partitionIndex: int32 })) })) })),
  ),
  /** Transaction calls (KIP-98), in keys of their own (1050+): InitProducerId only when it names a transactional id. */
  InitTransactionalProducerId: jsonApi<GroupCall<InitProducerIdRequest>, InitProducerIdResponse>(
    1050,
    'InitTransactionalProducerId',
    groupCall(object({ transactionalId: string, transactionTimeoutMs: int32, producerId: optional(int64), producerEpoch: optional(int32) })),
  ),
  AddPartitionsToTxn: jsonApi<GroupCall<AddPartitionsToTxnRequest>, AddPartitionsToTxnResponse>(
    1051,
    'AddPartitionsToTxn',
    groupCall(
      object({
        transactions: optional(arrayOf(object({ transactionalId: string, producerId: int64, producerEpoch: int32, verifyOnly: boolean, topics: txnTopics }))),
        v3AndBelowTransactionalId: optional(string),
        v3AndBelowProducerId: optional(int64),
        v3AndBelowProducerEpoch: optional(int32),
        v3AndBelowTopics: optional(txnTopics),
      }),
    ),
  ),
  AddOffsetsToTxn: jsonApi<GroupCall<AddOffsetsToTxnRequest>, AddOffsetsToTxnResponse>(
    1052,
    'AddOffsetsToTxn',
    groupCall(object({ transactionalId: string, producerId: int64, producerEpoch: int32, groupId: string })),
  ),
  EndTxn: jsonApi<GroupCall<EndTxnRequest>, EndTxnResponse>(1053, 'EndTxn', groupCall(object({ transactionalId: string, producerId: int64, producerEpoch: int32, committed: boolean }))),
  TxnOffsetCommit: jsonApi<GroupCall<TxnOffsetCommitRequest>, TxnOffsetCommitResponse>(
    1054,
    'TxnOffsetCommit',
    groupCall(
      object({
        transactionalId: string,
        groupId: string,
        producerId: int64,
        producerEpoch: int32,
        generationId: optional(int32),
        memberId: optional(string),
        groupInstanceId,
        topics: arrayOf(
          object({
            name: string,
            partitions: arrayOf(object({ partitionIndex: int32, committedOffset: int64, committedLeaderEpoch: optional(int32), committedMetadata: nullable(string) })),
          }),
        ),
      }),
    ),
  ),
  DescribeTransactions: jsonApi<GroupCall<DescribeTransactionsRequest>, DescribeTransactionsResponse>(
    1055,
    'DescribeTransactions',
    groupCall(object({ transactionalIds: arrayOf(string) })),
  ),
  ListTransactions: jsonApi<GroupCall<ListTransactionsRequest>, ListTransactionsResponse>(
    1056,
    'ListTransactions',
    groupCall(object({ stateFilters: arrayOf(string), producerIdFilters: arrayOf(int64), durationFilter: optional(int64) })),
  ),
  /** SASL/SCRAM users (1060+). */
  AlterScramCredentials: jsonApi<AlterScramCredentialsRequest, AlterScramCredentialsResponse>(
    1060,
    'AlterScramCredentials',
    object({
      deletions: arrayOf(object({ user: string, mechanism: string })),
      upsertions: arrayOf(object({ user: string, mechanism: oneOf<UserScramCredential['mechanism']>('SCRAM-SHA-256', 'SCRAM-SHA-512'), iterations: int32, salt: bytes, storedKey: bytes, serverKey: bytes })),
    }),
  ),
  /** ACLs (1065+). */
  CreateAcls: jsonApi<CreateAclsRequest, CreateAclsResponse>(1065, 'CreateAcls', object({ creations: arrayOf(aclBinding) })),
  DeleteAcls: jsonApi<DeleteAclsRequest, DeleteAclsResponse>(
    1066,
    'DeleteAcls',
    object({
      filters: arrayOf(
        object({ resourceType: int32, resourceName: nullable(string), patternType: int32, principal: nullable(string), host: nullable(string), operation: int32, permissionType: int32 }),
      ),
    }),
  ),
  ClusterHandshake: jsonApi<ClusterHandshakeRequest, ClusterHandshakeResponse>(1090, 'ClusterHandshake', object({ clientNonce: bytes })),
  ClusterAuthenticate: jsonApi<ClusterAuthenticateRequest, ClusterAuthenticateResponse>(1091, 'ClusterAuthenticate', object({ proof: bytes })),
  /** Served by the supervisor, not the coordinator. */
  Control: jsonApi<ControlRequest, ControlResponse>(
    1100,
    'Control',
    object({ action: oneOf<ControlAction>('kill', 'pause', 'resume', 'restart', 'stop'), target: string, rebuild: optional(boolean), force: optional(boolean) }),
  ),
} as const;
