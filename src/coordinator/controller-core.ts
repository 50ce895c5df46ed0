import type { BrokerConfigOverrides } from '../common/broker-configs.js';
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

export type ClusterEvent =
  | { type: 'broker-registered'; brokerId: number; host: string; port: number }
  | { type: 'broker-dead'; brokerId: number; reason: string }
  | { type: 'leader-changed'; topic: string; partition: number; from: number; to: number; epoch: number; reason: string }
  | { type: 'isr-changed'; topic: string; partition: number; from: number[]; to: number[] }
  | { type: 'topic-created'; topic: string; partitions: number; replicationFactor: number }
  | { type: 'topic-deleted'; topic: string }
  | { type: 'partitions-added'; topic: string; from: number; to: number }
  | { type: 'topic-configs-changed'; topic: string; configs: Record<string, string> }
  /** `broker` is a broker id, or "" for the cluster default. */
  | { type: 'broker-configs-changed'; broker: string; configs: Record<string, string> };

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
