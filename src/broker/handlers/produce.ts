import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from '../../protocol/apis/produce.js';
import { splitAndValidateBatches, type BatchView } from '../../protocol/record-batch.js';
import type { BrokerContext } from '../context.js';
import type { Replica } from '../replica-manager.js';

/**
 * Produce: validate every partition's batches as a Kafka leader would, append all valid ones in one
 * transaction, answer per partition. acks=0 gets no response (the router drops it).
 */
export function handleProduce(ctx: BrokerContext, req: ProduceRequest): ProduceResponse {
  const results = new Map<string, ProducePartitionResponse>();
  const resultKey = (topic: string, index: number) => `${topic}\u0000${index}`;
  const writes: { topic: string; index: number; replica: Replica; batches: BatchView[] }[] = [];

  for (const t of req.topicData) {
    for (const p of t.partitionData) {
      try {
        if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) throw new KafkaError(ErrorCode.INVALID_REQUIRED_ACKS);
        if (req.transactionalId) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'transactions are not supported');
        const exists = ctx.cache.partition(t.name, p.index) !== undefined;
        const replica = ctx.replicas.leaderReplica(t.name, p.index, exists);
        if (!p.records || p.records.length === 0) throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, 'no records');
        const batches = splitAndValidateBatches(p.records);
        for (const b of batches) {
          if (b.bytes.length > ctx.config.maxMessageBytes) {
            throw new KafkaError(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${b.bytes.length} bytes exceeds ${ctx.config.maxMessageBytes}`);
          }
        }
        writes.push({ topic: t.name, index: p.index, replica, batches });
      } catch (err) {
        results.set(resultKey(t.name, p.index), errorResult(p.index, err));
      }
    }
  }

  if (writes.length > 0) {
    try {
      const baseOffsets = ctx.replicas.appendAsLeader(writes);
      writes.forEach((w, i) => {
        results.set(resultKey(w.topic, w.index), {
          index: w.index,
          errorCode: ErrorCode.NONE,
          baseOffset: baseOffsets[i]!,
          logAppendTimeMs: -1,
          logStartOffset: w.replica.log.logStartOffset,
        });
      });
    } catch (err) {
      for (const w of writes) results.set(resultKey(w.topic, w.index), errorResult(w.index, err));
    }
  }

  return {
    throttleTimeMs: 0,
    responses: req.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => results.get(resultKey(t.name, p.index))!),
    })),
  };
}

function errorResult(index: number, err: unknown): ProducePartitionResponse {
  const code = err instanceof KafkaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR;
  return { index, errorCode: code, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}
