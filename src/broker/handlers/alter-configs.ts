import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { AlterConfigsRequest, AlterConfigsResourceResult, AlterConfigsResponse } from '../../protocol/apis/alter-configs.js';
import { ConfigResourceType } from '../../protocol/apis/describe-configs.js';
import { ConfigOperation, type IncrementalAlterConfigsRequest } from '../../protocol/apis/incremental-alter-configs.js';
import { InternalApi, type ConfigChange } from '../../protocol/internal-api.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;

type Resource = { resourceType: number; resourceName: string };

/**
 * AlterConfigs and IncrementalAlterConfigs. Topic configs and dynamic broker configs
 * (common/broker-configs.ts; the resource name is a broker id, or "" for every broker) are the
 * coordinator's: the change goes there and the answer waits until this broker's metadata shows it.
 * Needs ALTER_CONFIGS on the topic (TOPIC_AUTHORIZATION_FAILED) or the cluster (CLUSTER_AUTHORIZATION_FAILED).
 */
async function alterConfigs<R extends Resource>(ctx: BrokerContext, client: RequestClient, resources: R[], changeOf: (r: R, current: Record<string, string>) => ConfigChange, validateOnly: boolean): Promise<AlterConfigsResponse> {
  const results: AlterConfigsResourceResult[] = [];
  const changes = { [ConfigResourceType.Topic]: [] as { resource: Resource; change: ConfigChange }[], [ConfigResourceType.Broker]: [] as { resource: Resource; change: ConfigChange }[] };
  const answer = (r: Resource, errorCode: number, errorMessage: string) => results.push({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName });
  for (const r of resources) {
    if (r.resourceType !== ConfigResourceType.Topic && r.resourceType !== ConfigResourceType.Broker) {
      answer(r, ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} is not supported (2 topic, 4 broker)`);
      continue;
    }
    if (r.resourceType === ConfigResourceType.Topic && !ctx.security.authorize(client, AclOperation.ALTER_CONFIGS, ResourceType.TOPIC, r.resourceName)) {
      answer(r, ErrorCode.TOPIC_AUTHORIZATION_FAILED, `${client.principal} may not alter the configs of ${r.resourceName}`);
      continue;
    }
    if (r.resourceType === ConfigResourceType.Broker && !ctx.security.authorizeCluster(client, AclOperation.ALTER_CONFIGS)) {
      answer(r, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${client.principal} may not alter broker configs`);
      continue;
    }
    const current = r.resourceType === ConfigResourceType.Topic ? (ctx.cache.topic(r.resourceName)?.configs ?? {}) : (ctx.cache.brokerConfigs[r.resourceName] ?? {});
    try {
      changes[r.resourceType].push({ resource: r, change: changeOf(r, current) });
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      answer(r, err.code, err.detail ?? err.message);
    }
  }
  const send = async (resourceType: number, list: { resource: Resource; change: ConfigChange }[]) => {
    if (list.length === 0) return;
    try {
      const res = resourceType === ConfigResourceType.Topic
        ? await ctx.coordinator.call(InternalApi.AlterTopicConfigs, { topics: list.map((c) => c.change), validateOnly })
        : await ctx.coordinator.call(InternalApi.AlterBrokerConfigs, { brokers: list.map((c) => c.change), validateOnly });
      await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
      for (const t of res.topics) answer({ resourceType, resourceName: t.name }, t.errorCode, t.errorMessage ?? '');
    } catch (err) {
      for (const c of list) answer(c.resource, ErrorCode.NOT_CONTROLLER, `coordinator unavailable: ${(err as Error).message}`);
    }
  };
  await send(ConfigResourceType.Topic, changes[ConfigResourceType.Topic]);
  await send(ConfigResourceType.Broker, changes[ConfigResourceType.Broker]);
  for (const r of results) if (r.errorCode === ErrorCode.NONE) r.errorMessage = null;
  return { throttleTimeMs: 0, responses: results };
}

/** AlterConfigs: the given configs replace every override the topic (or the broker scope) had, as in Kafka. */
export function handleAlterConfigs(ctx: BrokerContext, req: AlterConfigsRequest, _v: number, client: RequestClient): Promise<AlterConfigsResponse> {
  return alterConfigs(ctx, client, req.resources, (r) => {
    const set = Object.fromEntries(r.configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!]));
    return { name: r.resourceName, set, replace: true };
  }, req.validateOnly);
}

/** IncrementalAlterConfigs: set, delete, and append to or subtract from a list config (cleanup.policy). */
export function handleIncrementalAlterConfigs(ctx: BrokerContext, req: IncrementalAlterConfigsRequest, _v: number, client: RequestClient): Promise<AlterConfigsResponse> {
  return alterConfigs(ctx, client, req.resources, (r, current) => {
    const set: Record<string, string> = {};
    const remove: string[] = [];
    for (const c of r.configs) {
      const value = c.value ?? '';
      if (c.configOperation === ConfigOperation.Set) set[c.name] = value;
      else if (c.configOperation === ConfigOperation.Delete) remove.push(c.name);
      else if (c.configOperation === ConfigOperation.Append || c.configOperation === ConfigOperation.Subtract) {
        if (c.name !== 'cleanup.policy') throw new KafkaError(ErrorCode.INVALID_CONFIG, `${c.name} is not a list: only cleanup.policy takes APPEND and SUBTRACT`);
        const list = (set[c.name] ?? current[c.name] ?? 'delete').split(',').map((p) => p.trim()).filter(Boolean);
        const items = value.split(',').map((p) => p.trim()).filter(Boolean);
        const next = c.configOperation === ConfigOperation.Append ? [...list, ...items.filter((i) => !list.includes(i))] : list.filter((p) => !items.includes(p));
        set[c.name] = next.join(',');
      } else {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `unknown config operation ${c.configOperation} for ${c.name}`);
      }
    }
    return { name: r.resourceName, set, delete: remove };
  }, req.validateOnly);
}
