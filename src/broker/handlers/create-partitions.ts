import { ErrorCode } from '../../common/errors.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/create-partitions.js';
import { InternalApi } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';

const METADATA_WAIT_MS = 2000;

/** Asks the coordinator to add partitions, then waits until this broker's metadata shows them. */
export async function handleCreatePartitions(ctx: BrokerContext, req: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
  if (req.topics.length === 0) return { throttleTimeMs: 0, results: [] };
  const topics = req.topics.map((t) => ({ name: t.name, count: t.count, ...(t.assignments !== null ? { assignments: t.assignments.map((a) => a.brokerIds) } : {}) }));
  try {
    const res = await ctx.coordinator.call(InternalApi.CreatePartitions, { topics, validateOnly: req.validateOnly });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    return { throttleTimeMs: 0, results: res.topics.map((t) => ({ name: t.name, errorCode: t.errorCode, errorMessage: t.errorMessage ?? null })) };
  } catch (err) {
    return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: `coordinator unavailable: ${(err as Error).message}` })) };
  }
}
