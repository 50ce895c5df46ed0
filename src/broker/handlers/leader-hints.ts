import { ErrorCode } from '../../common/errors.js';
import type { LeaderIdAndEpoch, NodeEndpoint } from '../../protocol/apis/fetch.js';
import type { BrokerContext } from '../context.js';

/**
 * KIP-951: a Produce (v10+) or Fetch (v12+) answer that says NOT_LEADER_OR_FOLLOWER or
 * FENCED_LEADER_EPOCH also says who leads now (and, in the same answer, that broker's address), so
 * the client goes straight there instead of refreshing its metadata first. The leader is this broker's
 * view of the coordinator's metadata; none is given while it is unknown.
 */
export function currentLeaderHint(ctx: BrokerContext, topic: string, partition: number, errorCode: number): LeaderIdAndEpoch | undefined {
  if (errorCode !== ErrorCode.NOT_LEADER_OR_FOLLOWER && errorCode !== ErrorCode.FENCED_LEADER_EPOCH) return undefined;
  const state = ctx.cache.partition(topic, partition);
  if (!state || state.leader < 0) return undefined;
  return { leaderId: state.leader, leaderEpoch: state.leaderEpoch };
}

/** The addresses of the leaders the hints name, each once (the answers' node_endpoints). */
export function leaderEndpoints(ctx: BrokerContext, hints: (LeaderIdAndEpoch | undefined)[]): NodeEndpoint[] {
  // Most answers carry no hint: no set or lists built per request.
  if (!hints.some((h) => h !== undefined)) return [];
  const ids = [...new Set(hints.flatMap((h) => (h ? [h.leaderId] : [])))];
  return ids.flatMap((nodeId) => {
    const b = ctx.cache.broker(nodeId);
    return b ? [{ nodeId, host: b.host, port: b.port, rack: null }] : [];
  });
}
