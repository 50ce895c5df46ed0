import { ErrorCode } from '../../common/errors.js';
import type { DeletableTopicResult, DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/apis/delete-topics.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { ZERO_UUID } from '../../protocol/schema.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;

/**
 * DeleteTopics by name (v0-5) or by name or topic id (v6+). An id is resolved to its topic here, from
 * this broker's metadata; an id no topic has is UNKNOWN_TOPIC_ID, as in Kafka. Needs DELETE on each
 * topic (TOPIC_AUTHORIZATION_FAILED).
 */
export async function handleDeleteTopics(ctx: BrokerContext, req: DeleteTopicsRequest, _v: number, client: RequestClient): Promise<DeleteTopicsResponse> {
  // Each version decodes the other's list as empty.
  const named = req.topics?.length ? req.topics : (req.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
  const unknown: DeletableTopicResult[] = [];
  const targets: { name: string; topicId: string }[] = [];
  const refuse = (t: { name: string; topicId: string }) => unknown.push({ ...t, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not delete topic ${t.name}` });
  const mayDelete = (name: string) => ctx.security.authorize(client, AclOperation.DELETE, ResourceType.TOPIC, name);
  for (const t of named) {
    if (t.name !== null && !mayDelete(t.name)) {
      refuse({ name: t.name, topicId: ctx.cache.topic(t.name)?.id ?? ZERO_UUID });
      continue;
    }
    // By name whenever a name is given, '' included (Kafka's rule: an id only stands in for a null name).
    if (t.name !== null) {
      targets.push({ name: t.name, topicId: ctx.cache.topic(t.name)?.id ?? ZERO_UUID });
      continue;
    }
    const topic = ctx.cache.topics.find((x) => x.id === t.topicId);
    if (topic && !mayDelete(topic.name)) unknown.push({ name: null, topicId: t.topicId, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not delete topic ${t.topicId}` });
    else if (topic) targets.push({ name: topic.name, topicId: topic.id });
    else unknown.push({ name: null, topicId: t.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: `no topic has id ${t.topicId}` });
  }
  if (targets.length === 0) return { throttleTimeMs: 0, responses: unknown };
  try {
    const res = await ctx.coordinator.call(InternalApi.DeleteTopics, { names: targets.map((t) => t.name) });
    await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
    const idOf = new Map(targets.map((t) => [t.name, t.topicId]));
    const deleted = res.topics.map((t) => ({ name: t.name, topicId: idOf.get(t.name) ?? ZERO_UUID, errorCode: t.errorCode, errorMessage: t.errorMessage ?? null }));
    return { throttleTimeMs: 0, responses: [...deleted, ...unknown] };
  } catch (err) {
    const message = `coordinator unavailable: ${(err as Error).message}`;
    return { throttleTimeMs: 0, responses: [...targets.map((t) => ({ ...t, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: message })), ...unknown] };
  }
}
