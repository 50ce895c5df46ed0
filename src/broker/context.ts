import { logCleanerBackoffMs } from '../common/limits.js';
import { DEFAULT_RETENTION_MS, type TimestampType } from '../common/topic-configs.js';
import type { Logger } from '../common/logger.js';
import type { BrokerSecurity } from './broker-security.js';
import type { ClusterMembers } from './cluster-members.js';
import type { CoordinatorLink } from './coordinator-link.js';
import type { FetchResponseBudget } from './fetch-response-budget.js';
import type { FetchSessionCache } from './fetch-sessions.js';
import type { MetadataCache } from './metadata-cache.js';
import type { ProducerIdBlocks } from './producer-id-block.js';
import type { ReplicaManager } from './replica-manager.js';
import type { ReplicaSelector } from './replica-selector.js';

export interface BrokerConfig {
  /** Largest record batch accepted (Kafka's message.max.bytes). */
  maxMessageBytes: number;
  /** Partitions and replication factor for auto-created topics and CreateTopics with -1. */
  defaultPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopics: boolean;
  /** retention.ms and retention.bytes of topics that do not set them (log.retention.ms, log.retention.bytes). */
  logRetentionMs: number;
  logRetentionBytes: number;
  /** How often retention looks for records to delete (log.retention.check.interval.ms). */
  retentionCheckIntervalMs: number;
  /** How long the log cleaner sleeps when no compacted log needs cleaning (log.cleaner.backoff.ms). */
  logCleanerBackoffMs: number;
  /** message.timestamp.type of topics that do not set it (log.message.timestamp.type). */
  logMessageTimestampType: TimestampType;
  /** Which replica consumers are told to read from (replica.selector.class; replica-selector.ts). */
  replicaSelector: ReplicaSelector;
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  maxMessageBytes: 1024 * 1024 + 12,
  defaultPartitions: 3,
  defaultReplicationFactor: -1, // the coordinator's default: min(3, live brokers)
  autoCreateTopics: true,
  logRetentionMs: DEFAULT_RETENTION_MS,
  logRetentionBytes: -1,
  retentionCheckIntervalMs: 10_000,
  logCleanerBackoffMs,
  logMessageTimestampType: 'CreateTime',
  replicaSelector: 'leader',
};

/** What every request handler may use. */
export interface BrokerContext {
  brokerId: number;
  /** The config in force: `staticConfig` with the dynamic broker configs over it, updated with every metadata (dynamic-configs.ts). */
  config: BrokerConfig;
  /** The flags the broker was started with. */
  staticConfig: BrokerConfig;
  /** The broker's log directory (its data dir, holding log.db), absolute. */
  logDir: string;
  /** broker.rack, or null. */
  rack: string | null;
  cache: MetadataCache;
  replicas: ReplicaManager;
  coordinator: CoordinatorLink;
  producerIds: ProducerIdBlocks;
  /** Fetch sessions (KIP-227) of this broker's consumers. */
  fetchSessions: FetchSessionCache;
  /** Record bytes of Fetch answers being assembled or sent, per connection and per broker (fetch-response-budget.ts). */
  fetchResponses: FetchResponseBudget;
  /** Authentication (SASL sessions, credentials) and who may manage credentials. */
  security: BrokerSecurity;
  /** Which connections proved the cluster secret (cluster-members.ts). */
  members: ClusterMembers;
  logger: Logger;
}
