import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { DescribeProducersPartition, DescribeProducersRequest, DescribeProducersResponse } from '../../protocol/apis/describe-producers.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';
import { distinctBy } from './distinct.js';

/**
 * DescribeProducers: the idempotent producers a partition's leader remembers (its producer state,
 * storage/producer-state.ts), answered only by the leader as in Kafka, since a follower's state may
 * trail it. Each with the coordinator epoch of its latest marker and the first offset of its open
 * transaction on the partition (-1 for none). Needs READ on each topic, as in Kafka.
 */
export function handleDescribeProducers(ctx: BrokerContext, req: DescribeProducersRequest, _v: number, client: RequestClient): DescribeProducersResponse {
  const mayRead = (topic: string) => ctx.security.authorize(client, AclOperation.READ, ResourceType.TOPIC, topic);
  const refused = (partitionIndex: number): DescribeProducersPartition => ({ partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, activeProducers: [] });
  // Each topic once, its partitions merged (see distinct.ts).
  const merged = new Map<string, number[]>();
  for (const t of req.topics) {
    const partitions = merged.get(t.name) ?? [];
    for (const p of t.partitionIndexes) partitions.push(p);
    merged.set(t.name, partitions);
  }
  return {
    throttleTimeMs: 0,
    topics: [...merged].map(([name, partitions]) => ({ name, partitions: distinctBy(partitions, String).map((p) => (mayRead(name) ? describePartition(ctx, name, p) : refused(p))) })),
  };
}

function describePartition(ctx: BrokerContext, topic: string, partitionIndex: number): DescribeProducersPartition {
  try {
    const p = ctx.replicas.leaderPartition(topic, partitionIndex, ctx.cache.partition(topic, partitionIndex) !== undefined);
    const activeProducers = p.log.producers.active();
    return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    return { partitionIndex, errorCode: err.code, errorMessage: err.detail ?? null, activeProducers: [] };
  }
}
