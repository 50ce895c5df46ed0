import type { PartitionState } from '../common/cluster-types.js';

/**
 * Partition leadership rules, applied by the controller whenever a broker comes or goes.
 * Clean election only: a new leader comes from the ISR, so it holds every acknowledged record.
 * If no ISR member is alive the partition goes offline (leader -1) and keeps its ISR, so the
 * first ISR member to return can lead again. Every leader change bumps the leader epoch (KIP-101).
 * Returns the new state, or null when nothing changes.
 */
export function electLeader(p: PartitionState, isAlive: (brokerId: number) => boolean, uncleanAllowed = false): PartitionState | null {
  if (p.leader >= 0 && isAlive(p.leader)) return null;
  // Prefer replicas in assignment order, so the preferred replica leads when it can.
  const candidates = p.replicas.filter((r) => p.isr.includes(r) && isAlive(r));
  if (candidates.length === 0 && uncleanAllowed) candidates.push(...p.replicas.filter(isAlive));
  const leader = candidates[0] ?? -1;
  if (leader === p.leader) return null;
  if (leader === -1) return { ...p, leader: -1, leaderEpoch: p.leaderEpoch + 1 };
  const isr = p.isr.filter((r) => r === leader || isAlive(r));
  return { ...p, leader, leaderEpoch: p.leaderEpoch + 1, isr: isr.includes(leader) ? isr : [leader, ...isr] };
}

/** Moves leadership to the preferred (first) replica when it is alive and in the ISR; null otherwise. */
export function electPreferredLeader(p: PartitionState, isAlive: (brokerId: number) => boolean): PartitionState | null {
  const preferred = p.replicas[0];
  if (preferred === undefined || p.leader === preferred || !isAlive(preferred) || !p.isr.includes(preferred)) return null;
  return { ...p, leader: preferred, leaderEpoch: p.leaderEpoch + 1 };
}

/**
 * Spreads replicas over brokers as Kafka's `assignReplicasToBrokers` does (without racks):
 * partition p's first replica is broker (start + p) mod n, followers follow in broker order, so
 * leadership and load are spread evenly.
 */
export function assignReplicas(brokerIds: readonly number[], partitions: number, replicationFactor: number, start: number): number[][] {
  const sorted = [...brokerIds].sort((a, b) => a - b);
  const n = sorted.length;
  const out: number[][] = [];
  for (let p = 0; p < partitions; p++) {
    const replicas: number[] = [];
    for (let i = 0; i < replicationFactor; i++) replicas.push(sorted[(start + p + i) % n]!);
    out.push(replicas);
  }
  return out;
}
