import type { PartitionState } from '../common/cluster-types.js';
import { ErrorCode } from '../common/errors.js';

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

/** Why an election asked for changes nothing: the leader is already the one it would pick, or no replica can lead. */
export function electionRefusal(p: PartitionState, unclean: boolean, isAlive: (id: number) => boolean): { errorCode: number; errorMessage: string } {
  if (unclean) {
    if (p.leader >= 0 && isAlive(p.leader)) return { errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: `partition ${p.partition} has a leader, broker ${p.leader}` };
    return { errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, errorMessage: `no replica of partition ${p.partition} (${p.replicas.join(', ')}) is alive` };
  }
  if (p.leader === p.replicas[0]) return { errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: `partition ${p.partition} is already led by its preferred replica, broker ${p.leader}` };
  return { errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: `the preferred replica of partition ${p.partition}, broker ${p.replicas[0]}, is not alive and in sync` };
}

/** A broker replicas can be placed on: its id and its rack (broker.rack), if it has one. */
export interface PlacementBroker {
  id: number;
  rack: string | null;
}

/**
 * Spreads replicas over brokers as Kafka's `assignReplicasToBrokers` does. Without racks: partition
 * p's first replica is broker (start + p) mod n, followers follow in broker order, so leadership and
 * load are spread evenly. When every broker has a rack, replicas go to as many racks as there are
 * (rack-aware placement, so losing a rack loses no partition): brokers are listed alternating between
 * racks, and each follower is the next one in that list on a rack (and broker) the partition lacks.
 */
export function assignReplicas(brokers: readonly PlacementBroker[], partitions: number, replicationFactor: number, start: number): number[][] {
  if (brokers.length > 0 && brokers.every((b) => b.rack !== null)) return assignAcrossRacks(brokers, partitions, replicationFactor, start);
  const sorted = brokers.map((b) => b.id).sort((a, b) => a - b);
  const n = sorted.length;
  const out: number[][] = [];
  for (let p = 0; p < partitions; p++) {
    const replicas: number[] = [];
    for (let i = 0; i < replicationFactor; i++) replicas.push(sorted[(start + p + i) % n]!);
    out.push(replicas);
  }
  return out;
}

/** Kafka's `assignReplicasToBrokersRackAware` with a fixed start index and replica shift. */
function assignAcrossRacks(brokers: readonly PlacementBroker[], partitions: number, replicationFactor: number, start: number): number[][] {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack!]));
  const racks = [...new Set(rackOf.values())].sort();
  const byRack = racks.map((rack) => brokers.filter((b) => b.rack === rack).map((b) => b.id).sort((a, b) => a - b));
  // Broker ids taken from each rack in turn: a, b, c, a, b, c, ...
  const list: number[] = [];
  for (let i = 0; list.length < brokers.length; i++) {
    const next = byRack[i % racks.length]![Math.floor(i / racks.length)];
    if (next !== undefined) list.push(next);
  }
  const n = list.length;
  const out: number[][] = [];
  for (let p = 0; p < partitions; p++) {
    const first = (start + p) % n;
    const replicas = [list[first]!];
    const usedRacks = new Set([rackOf.get(list[first]!)!]);
    for (let k = 0; replicas.length < replicationFactor; k++) {
      const broker = list[(first + 1 + (k % (n - 1))) % n]!;
      const rack = rackOf.get(broker)!;
      if ((usedRacks.has(rack) && usedRacks.size < racks.length) || replicas.includes(broker)) continue;
      replicas.push(broker);
      usedRacks.add(rack);
    }
    out.push(replicas);
  }
  return out;
}
