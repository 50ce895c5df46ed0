import type { ClusterFile } from '../../src/client/cluster-file.js';
import type { ClusterMetadata } from '../../src/common/cluster-types.js';
import type { LogEvent } from '../../src/tui/events.js';
import { deriveClusterView, partitionKey, type ClusterView, type OffsetSample, type ViewSources } from '../../src/tui/model.js';

/**
 * A 3-broker cluster just after broker-2 was killed: cluster.json still lists it (pid 202, no
 * longer a live process), the coordinator moved orders-1 from broker-2 to broker-3 (epoch 2) and
 * shrank every ISR to [1,3]. Broker-1 leads orders-0 at high watermark 42.
 */
export const NOW_MS = Date.parse('2026-01-01T10:00:00.000Z');
const LIVE_PIDS = new Set([100, 201, 203]);

export const clusterFile: ClusterFile = {
  supervisorPid: 99,
  startedAt: new Date(NOW_MS - 65_000).toISOString(),
  coordinator: { host: '127.0.0.1', port: 9000, pid: 100, state: 'alive' },
  brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9090 + id, pid: 200 + id, state: 'alive', dataDir: `/tmp/yak/broker-${id}` })),
  bootstrap: '127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093',
};

export const metadata: ClusterMetadata = {
  clusterId: 'test',
  version: 17,
  brokers: [
    { id: 1, host: '127.0.0.1', port: 9091, pid: 201, state: 'alive', lastHeartbeatAgeMs: 120 },
    { id: 2, host: '127.0.0.1', port: 9092, pid: 202, state: 'dead', lastHeartbeatAgeMs: 2500 },
    { id: 3, host: '127.0.0.1', port: 9093, pid: 203, state: 'alive', lastHeartbeatAgeMs: 80 },
  ],
  topics: [
    {
      name: 'orders',
      id: 'orders-id',
      configs: {},
      partitions: [
        { partition: 1, leader: 3, leaderEpoch: 2, replicas: [2, 3, 1], isr: [3, 1] },
        { partition: 0, leader: 1, leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 3] },
        { partition: 2, leader: 3, leaderEpoch: 0, replicas: [3, 1, 2], isr: [3, 1] },
      ],
    },
    { name: 'audit', id: 'audit-id', configs: {}, partitions: [{ partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 3], isr: [1, 3] }] },
  ],
};

export const offsets = new Map<string, OffsetSample>([
  [partitionKey('orders', 0), { highWatermark: 42, recordsPerSec: 10, history: [0, 5, 10] }],
  [partitionKey('orders', 1), { highWatermark: 7, recordsPerSec: 0, history: [0, 0, 0] }],
  [partitionKey('orders', 2), { highWatermark: 3, recordsPerSec: 2, history: [2] }],
]);

export function sources(overrides: Partial<ViewSources> = {}): ViewSources {
  return {
    dataDir: '/tmp/yak',
    file: clusterFile,
    isAlive: (pid) => LIVE_PIDS.has(pid),
    metadata,
    metadataAgeMs: 0,
    coordinatorReachable: true,
    offsets,
    restarting: new Set(),
    ...overrides,
  };
}

export const view = (overrides: Partial<ViewSources> = {}): ClusterView => deriveClusterView(sources(overrides));

export const events: LogEvent[] = [
  { id: 1, atMs: NOW_MS - 3000, source: 'zookeeper', kind: 'register', text: 'broker-2 registered at 127.0.0.1:9092', count: 1, details: [] },
  { id: 2, atMs: NOW_MS - 1000, source: 'yak', kind: 'death', text: 'broker-2 exited (SIGKILL)', count: 1, details: [] },
  { id: 3, atMs: NOW_MS - 998, source: 'zookeeper', kind: 'election', text: 'orders-1 leader broker-2 -> broker-3, epoch 2 (broker-2 process exited)', count: 1, details: [] },
  { id: 4, atMs: NOW_MS - 997, source: 'zookeeper', kind: 'isr-shrink', text: 'orders-0 ISR [1,2,3] -> [1,3]', count: 1, details: [] },
];
