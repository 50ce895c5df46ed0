import type { Partition } from '../replication/partition.js';
import type { BrokerContext } from './context.js';

/**
 * Which replica a consumer should read from (KIP-392), Kafka's `replica.selector.class`:
 * - `leader` (Kafka's default LeaderSelector): always the leader;
 * - `rack-aware` (RackAwareReplicaSelector): the leader if it is in the client's rack (its Fetch
 *   `rack_id`, librdkafka's and Java's `client.rack`), else the in-sync replica in that rack that is
 *   most caught up (largest log end, then most recently caught up), else the leader.
 */
export const REPLICA_SELECTORS = ['leader', 'rack-aware'] as const;
export type ReplicaSelector = (typeof REPLICA_SELECTORS)[number];

/**
 * The follower a consumer fetching `fetchOffset` from this leader should read from instead, or -1 to
 * read here. Only live in-sync followers that hold `fetchOffset` qualify (Kafka also skips replicas
 * without the offset), so the consumer finds what it asked for there.
 */
export function preferredReadReplica(ctx: BrokerContext, p: Partition, clientRack: string, fetchOffset: number, now = Date.now()): number {
  if (ctx.config.replicaSelector !== 'rack-aware' || clientRack === '' || ctx.rack === clientRack) return -1;
  const alive = new Map(ctx.cache.aliveBrokers().map((b) => [b.id, b]));
  let best: { id: number; logEndOffset: number; caughtUpAgoMs: number } | null = null;
  for (const id of p.state.isr) {
    const progress = id === ctx.brokerId ? undefined : p.followerProgress(id);
    if (!progress || alive.get(id)?.rack !== clientRack || progress.logEndOffset < fetchOffset) continue;
    const candidate = { id, logEndOffset: progress.logEndOffset, caughtUpAgoMs: now - progress.lastCaughtUpMs };
    if (!best || candidate.logEndOffset > best.logEndOffset || (candidate.logEndOffset === best.logEndOffset && candidate.caughtUpAgoMs < best.caughtUpAgoMs)) best = candidate;
  }
  return best ? best.id : -1;
}
