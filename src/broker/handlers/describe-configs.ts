import { ErrorCode } from '../../common/errors.js';
import { ConfigResourceType, ConfigSource, type DescribeConfigsRequest, type DescribeConfigsResponse, type DescribedConfig } from '../../protocol/apis/describe-configs.js';
import type { BrokerContext } from '../context.js';

const config = (name: string, value: string, configSource: number, readOnly = true): DescribedConfig => ({ name, value, readOnly, configSource, isSensitive: false, synonyms: [] });

/**
 * The configs YaK actually applies. Topics: what was set at creation (min.insync.replicas always),
 * and the fixed defaults behind them (no retention: logs keep every record; cleanup by deletion only).
 */
function topicConfigs(ctx: BrokerContext, stored: Record<string, string>): DescribedConfig[] {
  const defaults = [
    config('cleanup.policy', 'delete', ConfigSource.Default),
    config('retention.ms', '-1', ConfigSource.Default),
    config('retention.bytes', '-1', ConfigSource.Default),
    config('max.message.bytes', String(ctx.config.maxMessageBytes), ConfigSource.Default),
  ];
  const set = Object.entries(stored).map(([name, value]) => config(name, value, ConfigSource.TopicConfig, false));
  return [...set, ...defaults.filter((d) => !(d.name in stored))];
}

function brokerConfigs(ctx: BrokerContext): DescribedConfig[] {
  return [
    config('broker.id', String(ctx.brokerId), ConfigSource.StaticBrokerConfig),
    config('message.max.bytes', String(ctx.config.maxMessageBytes), ConfigSource.StaticBrokerConfig),
    config('num.partitions', String(ctx.config.defaultPartitions), ConfigSource.StaticBrokerConfig),
    config('auto.create.topics.enable', String(ctx.config.autoCreateTopics), ConfigSource.StaticBrokerConfig),
  ];
}

/** DescribeConfigs for topics and for this broker, answered from the broker's metadata and config. */
export function handleDescribeConfigs(ctx: BrokerContext, req: DescribeConfigsRequest): DescribeConfigsResponse {
  return {
    throttleTimeMs: 0,
    results: req.resources.map((r) => {
      const fail = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] });
      let configs: DescribedConfig[];
      if (r.resourceType === ConfigResourceType.Topic) {
        const topic = ctx.cache.topic(r.resourceName);
        if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${r.resourceName}" does not exist`);
        configs = topicConfigs(ctx, topic.configs);
      } else if (r.resourceType === ConfigResourceType.Broker) {
        if (r.resourceName !== '' && r.resourceName !== String(ctx.brokerId)) return fail(ErrorCode.INVALID_REQUEST, `this is broker ${ctx.brokerId}: ask broker ${r.resourceName} for its configs`);
        configs = brokerConfigs(ctx);
      } else {
        return fail(ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} is not supported (2 topic, 4 broker)`);
      }
      const wanted = r.configurationKeys;
      return { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: wanted ? configs.filter((c) => wanted.includes(c.name)) : configs };
    }),
  };
}
