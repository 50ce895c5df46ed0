import type { ApiCodec } from '../api.js';
import { AddOffsetsToTxnApi } from './add-offsets-to-txn.js';
import { AddPartitionsToTxnApi } from './add-partitions-to-txn.js';
import { DescribeTransactionsApi } from './describe-transactions.js';
import { EndTxnApi } from './end-txn.js';
import { ListTransactionsApi } from './list-transactions.js';
import { TxnOffsetCommitApi } from './txn-offset-commit.js';
import { AlterConfigsApi } from './alter-configs.js';
import { AlterPartitionReassignmentsApi } from './alter-partition-reassignments.js';
import { AlterUserScramCredentialsApi } from './alter-user-scram-credentials.js';
import { ApiVersionsApi } from './api-versions.js';
import { CreateAclsApi } from './create-acls.js';
import { DeleteAclsApi } from './delete-acls.js';
import { DescribeAclsApi } from './describe-acls.js';
import { CreatePartitionsApi } from './create-partitions.js';
import { CreateTopicsApi } from './create-topics.js';
import { DeleteGroupsApi } from './delete-groups.js';
import { DeleteRecordsApi } from './delete-records.js';
import { DeleteTopicsApi } from './delete-topics.js';
import { DescribeClusterApi } from './describe-cluster.js';
import { DescribeConfigsApi } from './describe-configs.js';
import { DescribeLogDirsApi } from './describe-log-dirs.js';
import { DescribeProducersApi } from './describe-producers.js';
import { DescribeUserScramCredentialsApi } from './describe-user-scram-credentials.js';
import { DescribeGroupsApi } from './describe-groups.js';
import { ElectLeadersApi } from './elect-leaders.js';
import { FetchApi } from './fetch.js';
import { FindCoordinatorApi } from './find-coordinator.js';
import { HeartbeatApi } from './heartbeat.js';
import { IncrementalAlterConfigsApi } from './incremental-alter-configs.js';
import { InitProducerIdApi } from './init-producer-id.js';
import { JoinGroupApi } from './join-group.js';
import { LeaveGroupApi } from './leave-group.js';
import { ListGroupsApi } from './list-groups.js';
import { ListOffsetsApi } from './list-offsets.js';
import { ListPartitionReassignmentsApi } from './list-partition-reassignments.js';
import { MetadataApi } from './metadata.js';
import { OffsetCommitApi } from './offset-commit.js';
import { OffsetDeleteApi } from './offset-delete.js';
import { OffsetFetchApi } from './offset-fetch.js';
import { OffsetForLeaderEpochApi } from './offset-for-leader-epoch.js';
import { ProduceApi } from './produce.js';
import { SaslAuthenticateApi } from './sasl-authenticate.js';
import { SaslHandshakeApi } from './sasl-handshake.js';
import { SyncGroupApi } from './sync-group.js';
import { WriteTxnMarkersApi } from './write-txn-markers.js';

export * from './add-offsets-to-txn.js';
export * from './add-partitions-to-txn.js';
export * from './describe-transactions.js';
export * from './end-txn.js';
export * from './list-transactions.js';
export * from './txn-offset-commit.js';
export * from './alter-configs.js';
export * from './alter-partition-reassignments.js';
export * from './alter-user-scram-credentials.js';
export * from './api-versions.js';
export * from './create-partitions.js';
export * from './create-topics.js';
export * from './delete-groups.js';
export * from './delete-records.js';
export * from './delete-topics.js';
export * from './describe-cluster.js';
export * from './describe-configs.js';
export * from './describe-log-dirs.js';
export * from './describe-producers.js';
export * from './describe-user-scram-credentials.js';
export * from './describe-groups.js';
export * from './elect-leaders.js';
export * from './fetch.js';
export * from './find-coordinator.js';
export * from './heartbeat.js';
export * from './incremental-alter-configs.js';
export * from './init-producer-id.js';
export * from './join-group.js';
export * from './leave-group.js';
export * from './list-groups.js';
export * from './list-offsets.js';
export * from './list-partition-reassignments.js';
export * from './metadata.js';
export * from './offset-commit.js';
export * from './offset-delete.js';
export * from './offset-fetch.js';
export * from './offset-for-leader-epoch.js';
export * from './produce.js';
export * from './sasl-authenticate.js';
export * from './sasl-handshake.js';
export * from './sync-group.js';
export * from './write-txn-markers.js';

/** Every API this module has a codec for, in api key order. */
export const SERVED_APIS: readonly ApiCodec<any, any>[] = [
  ProduceApi,
  FetchApi,
  ListOffsetsApi,
  MetadataApi,
  OffsetCommitApi,
  OffsetFetchApi,
  FindCoordinatorApi,
  JoinGroupApi,
  HeartbeatApi,
  LeaveGroupApi,
  SyncGroupApi,
  DescribeGroupsApi,
  ListGroupsApi,
  SaslHandshakeApi,
  ApiVersionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  DeleteRecordsApi,
  InitProducerIdApi,
  OffsetForLeaderEpochApi,
  AddPartitionsToTxnApi,
  AddOffsetsToTxnApi,
  EndTxnApi,
  WriteTxnMarkersApi,
  TxnOffsetCommitApi,
  DescribeAclsApi,
  CreateAclsApi,
  DeleteAclsApi,
  DescribeConfigsApi,
  AlterConfigsApi,
  IncrementalAlterConfigsApi,
  CreatePartitionsApi,
  DeleteGroupsApi,
  OffsetDeleteApi,
  DescribeUserScramCredentialsApi,
  AlterUserScramCredentialsApi,
  ElectLeadersApi,
  DescribeClusterApi,
  DescribeLogDirsApi,
  SaslAuthenticateApi,
  AlterPartitionReassignmentsApi,
  ListPartitionReassignmentsApi,
  DescribeProducersApi,
  DescribeTransactionsApi,
  ListTransactionsApi,
];

const BY_KEY = new Map(SERVED_APIS.map((api) => [api.apiKey, api]));

export function apiByKey(key: number): ApiCodec<any, any> | undefined {
  return BY_KEY.get(key);
}
