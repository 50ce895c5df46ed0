import { silentLogger } from '../../src/common/logger.js';
import { ReplicaManager, type ReplicaManagerOptions } from '../../src/broker/replica-manager.js';
import type { LogStore } from '../../src/storage/log-store.js';

/**
 * A ReplicaManager over `store` with no cluster around it: every broker alive, ISR proposals
 * refused, no retention or cleaning within a test's time. `overrides` set what a test is about.
 */
export function testReplicaManager(store: LogStore, overrides: Partial<ReplicaManagerOptions> = {}): ReplicaManager {
  return new ReplicaManager({
    brokerId: 1,
    store,
    logger: silentLogger,
    replicaLagTimeMaxMs: 30_000,
    replicaFetchMaxWaitMs: 500,
    brokerAddress: () => undefined,
    brokerAlive: () => true,
    proposeIsr: async () => false,
    sessionValid: () => true,
    retentionDefaults: () => ({ retentionMs: -1, retentionBytes: -1 }),
    retentionCheckIntervalMs: 60_000,
    logCleanerBackoffMs: 60_000,
    timestampTypeDefault: () => 'CreateTime',
    ...overrides,
  });
}
