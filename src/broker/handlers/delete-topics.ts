import { ErrorCode } from '../../common/errors.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/delete-topics.js';
import { InternalApi } from '../../protocol/internal-api.js';
import type { BrokerContext } from '../context.js';

export async function handleDeleteTopics(ctx: BrokerContext, req: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
  try {
    const res = await ctx.coordinator.call(InternalApi.DeleteTopics, { names: req.topicNames });
    await ctx.cache.waitForVersion(res.metadataVersion, 2000);
    return { throttleTimeMs: 0, responses: res.topics.map((t) => ({ name: t.name, errorCode: t.errorCode })) };
  } catch {
    return { throttleTimeMs: 0, responses: req.topicNames.map((name) => ({ name, errorCode: ErrorCode.NOT_CONTROLLER })) };
  }
}
