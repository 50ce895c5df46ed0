import { ErrorCode } from '../../common/errors.js';
import { NO_TIMESTAMP_LIMIT_MS } from '../../common/topic-configs.js';
import { ConfigResourceType, ConfigSource, type DescribeConfigsRequest, type DescribeConfigsResponse, type DescribedConfig } from '../../protocol/apis/describe-configs.js';
import type { BrokerContext } from '../context.js';
import { distinctBy } from './distinct.js';

const config = (name: string, value: string, configSource: number, readOnly = true): DescribedConfig => ({ name, value, readOnly, configSource, isSensitive: false, synonyms: [] });

/**
 * A topic's configs: every override it stores (src/common/topic-configs.ts says which YaK applies),
 * then the defaults behind the ones YaK applies: the broker's retention and timestamp type, deletion as
 * cleanup policy, no timestamp limits.
 */
function topicConfigs(ctx: BrokerContext, stored: Record<string, string>): DescribedConfig[] {
  const defaults = [
    config('cleanup.policy', 'delete', ConfigSource.Default, false),
    config('retention.ms', String(ctx.config.logRetentionMs), ConfigSource.Default, false),
    config('retention.bytes', String(ctx.config.logRetentionBytes), ConfigSource.Default, false),
    config('max.message.bytes', String(ctx.config.maxMessageBytes), ConfigSource.Default, false),
    config('message.timestamp.type', ctx.config.logMessageTimestampType, ConfigSource.Default, false),
    config('message.timestamp.difference.max.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
    config('message.timestamp.before.max.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
    config('message.timestamp.after.max.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
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
    config('log.retention.ms', String(ctx.config.logRetentionMs), ConfigSource.StaticBrokerConfig),
    config('log.retention.bytes', String(ctx.config.logRetentionBytes), ConfigSource.StaticBrokerConfig),
    config('log.retention.check.interval.ms', String(ctx.config.retentionCheckIntervalMs), ConfigSource.StaticBrokerConfig),
    config('log.message.timestamp.type', ctx.config.logMessageTimestampType, ConfigSource.StaticBrokerConfig),
  ];
}

/** DescribeConfigs for topics and for this broker, answered from the broker's metadata and config. */
export function handleDescribeConfigs(ctx: BrokerContext, req: DescribeConfigsRequest): DescribeConfigsResponse {
  return {
    throttleTimeMs: 0,
    results: distinctBy(req.resources, (r) => `${r.resourceType}/${r.resourceName}`).map((r) => {
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
