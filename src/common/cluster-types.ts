import type { BrokerConfigOverrides } from './broker-configs.js';

/** The cluster as the coordinator knows it: pushed to brokers, shown by `yak status`, drawn by the TUI. */

export type BrokerState = 'alive' | 'dead' | 'paused' | 'starting';

export interface BrokerInfo {
  id: number;
  host: string;
  port: number;
  pid: number;
  state: BrokerState;
  /** Milliseconds since the coordinator last heard from it; -1 if never. */
  lastHeartbeatAgeMs: number;
  /** broker.rack; absent or null when it has none. */
  rack?: string | null;
}

export interface PartitionState {
  partition: number;
  /** -1 while no live replica can lead (the partition is offline). */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** During a reassignment (KIP-455): replicas being added, which `replicas` already lists; absent: none. */
  addingReplicas?: number[];
  /** During a reassignment: replicas to be removed once every adding one is in sync; absent: none. */
  removingReplicas?: number[];
}

export interface TopicState {
  name: string;
  /** Stable for the topic's life; a topic deleted and created again gets a new id (KIP-516's lesson). */
  id: string;
  partitions: PartitionState[];
  configs: Record<string, string>;
}

export interface ClusterMetadata {
  clusterId: string;
  /** Bumped on every change; brokers and watchers ask for anything newer than what they have. */
  version: number;
  brokers: BrokerInfo[];
  topics: TopicState[];
  /** Dynamic broker configs (common/broker-configs.ts); absent: none set. */
  brokerConfigs?: BrokerConfigOverrides;
  /**
   * Every user's SCRAM credentials (salt, iterations, StoredKey, ServerKey: never a password), as
   * KRaft's metadata log carries UserScramCredentialRecords to every broker, which authenticate
   * clients from them (security/scram.ts). Only cluster members see metadata; absent: no users.
   */
  scramCredentials?: UserScramCredential[];
  /** Every ACL, as KRaft's AccessControlEntryRecords reach every broker's authorizer; absent: none. */
  acls?: AclBinding[];
}

export interface UserScramCredential {
  user: string;
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** One ACL (security/acl.ts has the codes and rules), as the coordinator stores it and brokers authorize by it. */
export interface AclBinding {
  /** Kafka's ResourceType code: TOPIC 2, GROUP 3, CLUSTER 4, TRANSACTIONAL_ID 5, ... */
  resourceType: number;
  resourceName: string;
  /** Kafka's PatternType code: LITERAL 3 or PREFIXED 4. */
  patternType: number;
  /** `User:alice`, or `User:*`. */
  principal: string;
  /** A client IP, or `*`. */
  host: string;
  /** Kafka's AclOperation code. */
  operation: number;
  /** Kafka's AclPermissionType code: DENY 2 or ALLOW 3. */
  permissionType: number;
}

/** What DescribeAcls and DeleteAcls select ACLs by: null strings and the ANY codes match everything, pattern MATCH what applies to a name. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}
