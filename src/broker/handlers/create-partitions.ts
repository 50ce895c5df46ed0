import { ErrorCode } from '../../common/errors.js';
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/apis/create-partitions.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;

/** Asks the coordinator to add partitions, then waits until this broker's metadata shows them. Needs ALTER on each topic. */
export async function handleCreatePartitions(ctx: BrokerContext, req: CreatePartitionsRequest, _v: number, client: RequestClient): Promise<CreatePartitionsResponse> {
  const mayAlter = (name: string) => ctx.security.authorize(client, AclOperation.ALTER, ResourceType.TOPIC, name);
  const refused = req.topics.filter((t) => !mayAlter(t.name)).map((t) => ({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not alter topic ${t.name}` }));
  const allowed = req.topics.filter((t) => mayAlter(t.name));
  if (allowed.length === 0) return { throttleTimeMs: 0, results: refused };
  const topics = allowed.map((t) => ({ name: t.name, count: t.count, ...(t.assignments !== null ? { assignments: t.assignments.map((a) => a.brokerIds) } : {}) }));
  try {
    const res = await ctx.coordinator.call(InternalApi.CreatePartitions, { topics, validateOnly: req.validateOnly });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    return { throttleTimeMs: 0, results: [...res.topics.map((t) => ({ name: t.name, errorCode: t.errorCode, errorMessage: t.errorMessage ?? null })), ...refused] };
  } catch (err) {
    return { throttleTimeMs: 0, results: [...allowed.map((t) => ({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: `coordinator unavailable: ${(err as Error).message}` })), ...refused] };
  }
}
