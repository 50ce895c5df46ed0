import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * One Kafka API: both sides of the wire in one place (as kafkajs does), for every version from 0 to
 * `maxVersion`. YaK advertises min version 0 for every API, as Kafka does (KAFKA-PROTOCOL.md).
 * APIs described by a schema (`schema.ts`) derive this from their description; the others are
 * hand-written and serve only non-flexible versions.
 */
export interface ApiCodec<Req, Res> {
  readonly apiKey: number;
  readonly name: string;
  readonly maxVersion: number;
  /**
   * The first flexible version (KIP-482: compact types, tagged fields, request header v2, response
   * header v1), absent if the codec serves none. Headers follow it: see `framing.ts`.
   */
  readonly firstFlexibleVersion?: number;
  encodeRequest(w: Writer, req: Req, version: number): void;
  decodeRequest(r: Reader, version: number): Req;
  encodeResponse(w: Writer, res: Res, version: number): void;
  decodeResponse(r: Reader, version: number): Res;
}

export type RequestOf<A> = A extends ApiCodec<infer Req, unknown> ? Req : never;
export type ResponseOf<A> = A extends ApiCodec<unknown, infer Res> ? Res : never;

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  WriteTxnMarkers: 27,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  ElectLeaders: 43,
  IncrementalAlterConfigs: 44,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  DescribeCluster: 60,
  DescribeProducers: 61,
  DescribeTransactions: 65,
  ListTransactions: 66,
} as const;
