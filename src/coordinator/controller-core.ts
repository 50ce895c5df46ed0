import type { BrokerConfigOverrides } from '../common/broker-configs.js';
import type { ClusterEvent } from '../common/cluster-events.js';
import type { TopicState } from '../common/cluster-types.js';
import type { MetadataChange, StoredBroker } from './metadata-store.js';
import type { StallClock } from './stall-clock.js';

export interface ControllerOptions {
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  maxPartitions?: number;
  /** Replication factor when a request says -1; default min(3, live brokers). */
  defaultReplicationFactor?: number;
  /** min.insync.replicas when a topic does not set it; default 2 when RF >= 3, else 1. */
  defaultMinInsyncReplicas?: number;
  /** Elect out-of-sync replicas when no ISR member lives (may lose acknowledged records). */
  uncleanLeaderElection?: boolean;
  /** How often leadership moves back to preferred replicas that are in sync (0: never). */
  leaderRebalanceIntervalMs?: number;
  /** Time the coordinator itself stood still does not count against broker sessions. */
  stallClock?: StallClock;
}

/**
 * What the Controller shares with the parts it delegates to (leadership.ts, reassignments.ts,
 * topic-admin.ts): its state, which they change in place, and the one way a change is made durable
 * and visible (`commit`: persisted, new metadata version, watchers woken) and told (`emit`).
 */
export interface ControllerCore {
  readonly opts: ControllerOptions;
  readonly topics: Map<string, TopicState>;
  /** The dynamic broker configs by scope (a broker id, or "" for the cluster default). */
  readonly brokerConfigs: BrokerConfigOverrides;
  isAlive(brokerId: number): boolean;
  isRegistered(brokerId: number): boolean;
  aliveBrokers(): StoredBroker[];
  commit(change: MetadataChange): void;
  emit(e: ClusterEvent): void;
}
