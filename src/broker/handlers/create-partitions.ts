import { ErrorCode } from '../../common/errors.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/create-partitions.js';
import { InternalApi } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';

const METADATA_WAIT_MS = 2000;

/** Asks the coordinator to add partitions, then waits until this broker's metadata shows them. */
export async function handleCreatePartitions(ctx: BrokerContext, req: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
  const manual = req.topics.filter((t) => t.assignments !== null);
  const placed = req.topics.filter((t) => t.assignments === null);
  const results: CreatePartitionsResponse['results'] = manual.map((t) => ({
    name: t.name,
    errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    errorMessage: 'manual replica assignment is not supported: give only the new partition count',
  }));
  if (placed.length > 0) {
    try {
      const res = await ctx.coordinator.call(InternalApi.CreatePartitions, { topics: placed.map((t) => ({ name: t.name, count: t.count })), validateOnly: req.validateOnly });
      await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
      results.push(...res.topics.map((t) => ({ name: t.name, errorCode: t.errorCode, errorMessage: t.errorMessage ?? null })));
    } catch (err) {
      results.push(...placed.map((t) => ({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: `coordinator unavailable: ${(err as Error).message}` })));
    }
  }
  return { throttleTimeMs: 0, results };
}
