import { ErrorCode } from '../../common/errors.js';
import { DEFAULT_COMPACTION, NO_TIMESTAMP_LIMIT_MS } from '../../common/topic-configs.js';
import { ConfigResourceType, ConfigSource, ConfigType, type DescribeConfigsRequest, type DescribeConfigsResponse, type DescribedConfig } from '../../protocol/apis/describe-configs.js';
import { CLUSTER_DEFAULT_SCOPE, DYNAMIC_BROKER_CONFIGS, type DynamicBrokerConfigName } from '../../common/broker-configs.js';
import { DEFAULT_BROKER_CONFIG, type BrokerContext } from '../context.js';
import type { ReplicaSelector } from '../replica-selector.js';
import type { RequestClient } from '../request-router.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import { configLevels, type ConfigOrigin } from '../dynamic-configs.js';
import { distinctBy } from './distinct.js';

type Synonym = NonNullable<DescribedConfig['synonyms']>[number];

/** Type (v3+) and documentation (v3+, when asked) of every config YaK describes, after Kafka's. */
const CONFIG_INFO: Record<string, { type: number; doc: string }> = {
  'cleanup.policy': { type: ConfigType.List, doc: 'delete: old segments are discarded by retention; compact: the log cleaner keeps only the latest value per key; both: both.' },
  'segment.bytes': { type: ConfigType.Int, doc: 'The most stored batch bytes in one segment (YaK: a run of batch rows); the last segment is never compacted.' },
  'segment.ms': { type: ConfigType.Long, doc: "The longest span of batch timestamps in one segment; the last segment is never compacted." },
  'min.cleanable.dirty.ratio': { type: ConfigType.Double, doc: 'The share of a log not yet compacted above which the cleaner compacts it.' },
  'min.compaction.lag.ms': { type: ConfigType.Long, doc: 'The shortest time a record stays uncompacted.' },
  'max.compaction.lag.ms': { type: ConfigType.Long, doc: 'The longest time a record may stay uncompacted, whatever the dirty ratio.' },
  'delete.retention.ms': { type: ConfigType.Long, doc: 'How long a tombstone stays after the cleaner first kept it.' },
  'retention.ms': { type: ConfigType.Long, doc: 'The longest a record is kept before retention deletes it; -1: no time limit.' },
  'retention.bytes': { type: ConfigType.Long, doc: 'The largest a partition grows before retention deletes its oldest records; -1: no size limit.' },
  'max.message.bytes': { type: ConfigType.Int, doc: 'The largest record batch the topic accepts.' },
  'min.insync.replicas': { type: ConfigType.Int, doc: 'With acks=all, the fewest in-sync replicas that must have a write before it is acknowledged.' },
  'message.timestamp.type': { type: ConfigType.String, doc: "CreateTime: the producer's timestamp; LogAppendTime: the broker's clock when appended." },
  'message.timestamp.difference.max.ms': { type: ConfigType.Long, doc: "The most a CreateTime timestamp may differ from the broker's clock (deprecated by the before/after configs)." },
  'message.timestamp.before.max.ms': { type: ConfigType.Long, doc: "The most a CreateTime timestamp may be behind the broker's clock." },
  'message.timestamp.after.max.ms': { type: ConfigType.Long, doc: "The most a CreateTime timestamp may be ahead of the broker's clock." },
  'broker.id': { type: ConfigType.Int, doc: 'The id of this broker in the cluster.' },
  'broker.rack': { type: ConfigType.String, doc: "This broker's rack: a new topic's replicas go to as many racks as there are." },
  'log.retention.ms': { type: ConfigType.Long, doc: 'retention.ms of topics that do not set it; changes at runtime.' },
  'log.retention.bytes': { type: ConfigType.Long, doc: 'retention.bytes of topics that do not set it; changes at runtime.' },
  'log.message.timestamp.type': { type: ConfigType.String, doc: 'message.timestamp.type of topics that do not set it; changes at runtime.' },
  'auto.create.topics.enable': { type: ConfigType.Boolean, doc: 'Whether a Metadata request for an unknown topic creates it; changes at runtime.' },
  'message.max.bytes': { type: ConfigType.Int, doc: 'The largest record batch a topic accepts unless it sets max.message.bytes.' },
  'num.partitions': { type: ConfigType.Int, doc: 'Partitions of auto-created topics and of CreateTopics asking for -1.' },
  'log.retention.check.interval.ms': { type: ConfigType.Long, doc: 'How often retention looks for records to delete.' },
};

const config = (name: string, value: string, configSource: number, readOnly = true, synonyms: Synonym[] = []): DescribedConfig => ({ name, value, readOnly, configSource, isSensitive: false, synonyms });

const SOURCE_OF: Record<ConfigOrigin, number> = {
  'dynamic-broker': ConfigSource.DynamicBrokerConfig,
  'dynamic-default': ConfigSource.DynamicDefaultBrokerConfig,
  static: ConfigSource.StaticBrokerConfig,
  default: ConfigSource.Default,
};

/** A dynamic broker config as this broker has it: the value in force, and every level that sets it as synonyms (Kafka's order, most specific first). */
function brokerLevels(ctx: BrokerContext, name: DynamicBrokerConfigName): Synonym[] {
  return configLevels(name, ctx.staticConfig, ctx.cache.brokerConfigs, ctx.brokerId).map((l) => ({ name, value: l.value, source: SOURCE_OF[l.origin] }));
}

/** The broker config a topic config falls back to, when the topic does not set it. */
const TOPIC_DEFAULT_FROM: Partial<Record<string, DynamicBrokerConfigName>> = {
  'retention.ms': 'log.retention.ms',
  'retention.bytes': 'log.retention.bytes',
  'message.timestamp.type': 'log.message.timestamp.type',
};

/**
 * A topic's configs: every override it stores (src/common/topic-configs.ts says which YaK applies),
 * then the defaults behind the ones YaK applies: the broker's retention and timestamp type (as
 * changed at runtime, with the broker levels as synonyms), deletion as cleanup policy, no timestamp
 * limits, Kafka's segment and compaction defaults.
 */
export function topicConfigs(ctx: BrokerContext, stored: Record<string, string>): DescribedConfig[] {
  const fromBroker = (name: string): DescribedConfig => {
    const levels = brokerLevels(ctx, TOPIC_DEFAULT_FROM[name]!);
    return config(name, levels[0]!.value!, levels[0]!.source, false, levels);
  };
  const defaults = [
    config('cleanup.policy', 'delete', ConfigSource.Default, false),
    fromBroker('retention.ms'),
    fromBroker('retention.bytes'),
    config('max.message.bytes', String(ctx.config.maxMessageBytes), ConfigSource.Default, false),
    fromBroker('message.timestamp.type'),
    config('message.timestamp.difference.max.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
    config('message.timestamp.before.max.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
    config('message.timestamp.after.max.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
    config('segment.bytes', String(DEFAULT_COMPACTION.segmentBytes), ConfigSource.Default, false),
    config('segment.ms', String(DEFAULT_COMPACTION.segmentMs), ConfigSource.Default, false),
    config('min.cleanable.dirty.ratio', String(DEFAULT_COMPACTION.minCleanableDirtyRatio), ConfigSource.Default, false),
    config('min.compaction.lag.ms', String(DEFAULT_COMPACTION.minCompactionLagMs), ConfigSource.Default, false),
    config('max.compaction.lag.ms', NO_TIMESTAMP_LIMIT_MS, ConfigSource.Default, false),
    config('delete.retention.ms', String(DEFAULT_COMPACTION.deleteRetentionMs), ConfigSource.Default, false),
  ];
  const set = Object.entries(stored).map(([name, value]) => {
    const fallback = TOPIC_DEFAULT_FROM[name];
    return config(name, value, ConfigSource.TopicConfig, false, [{ name, value, source: ConfigSource.TopicConfig }, ...(fallback ? brokerLevels(ctx, fallback) : [])]);
  });
  return [...set, ...defaults.filter((d) => !(d.name in stored))];
}

/** Kafka's selector class for each `--replica-selector`, as Kafka tools show replica.selector.class. */
const REPLICA_SELECTOR_CLASS: Record<ReplicaSelector, string> = {
  leader: 'org.apache.kafka.common.replica.LeaderSelector',
  'rack-aware': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
};

/** This broker's configs: the dynamic ones with their levels, then the flags it was started with. */
function brokerConfigs(ctx: BrokerContext): DescribedConfig[] {
  const started = (name: string, value: string | number, isDefault: boolean) => config(name, String(value), isDefault ? ConfigSource.Default : ConfigSource.StaticBrokerConfig);
  const s = ctx.staticConfig;
  return [
    config('broker.id', String(ctx.brokerId), ConfigSource.StaticBrokerConfig),
    ...(ctx.rack !== null ? [config('broker.rack', ctx.rack, ConfigSource.StaticBrokerConfig)] : []),
    ...DYNAMIC_BROKER_CONFIGS.map((name) => {
      const levels = brokerLevels(ctx, name);
      return config(name, levels[0]!.value!, levels[0]!.source, false, levels);
    }),
    started('message.max.bytes', s.maxMessageBytes, s.maxMessageBytes === DEFAULT_BROKER_CONFIG.maxMessageBytes),
    started('num.partitions', s.defaultPartitions, s.defaultPartitions === DEFAULT_BROKER_CONFIG.defaultPartitions),
    started('log.retention.check.interval.ms', s.retentionCheckIntervalMs, s.retentionCheckIntervalMs === DEFAULT_BROKER_CONFIG.retentionCheckIntervalMs),
    started('replica.selector.class', REPLICA_SELECTOR_CLASS[s.replicaSelector], s.replicaSelector === DEFAULT_BROKER_CONFIG.replicaSelector),
  ];
}

/** The cluster-wide dynamic defaults (the broker resource ""), as Kafka lists them: only those set. */
function clusterDefaultConfigs(ctx: BrokerContext): DescribedConfig[] {
  return Object.entries(ctx.cache.brokerConfigs[CLUSTER_DEFAULT_SCOPE] ?? {}).map(([name, value]) =>
    config(name, value, ConfigSource.DynamicDefaultBrokerConfig, false, [{ name, value, source: ConfigSource.DynamicDefaultBrokerConfig }]),
  );
}

/** DescribeConfigs for topics and for this broker, answered from the broker's metadata and config. */
/** DescribeConfigs. Needs DESCRIBE_CONFIGS on each topic (TOPIC_AUTHORIZATION_FAILED), or on the cluster for a broker's (CLUSTER_AUTHORIZATION_FAILED). */
export function handleDescribeConfigs(ctx: BrokerContext, req: DescribeConfigsRequest, _v: number, client: RequestClient): DescribeConfigsResponse {
  return {
    throttleTimeMs: 0,
    results: distinctBy(req.resources, (r) => `${r.resourceType}/${r.resourceName}`).map((r) => {
      const fail = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] });
      let configs: DescribedConfig[];
      if (r.resourceType === ConfigResourceType.Topic && !ctx.security.authorize(client, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, r.resourceName)) {
        return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `${client.principal} may not describe the configs of ${r.resourceName}`);
      }
      if (r.resourceType === ConfigResourceType.Broker && !ctx.security.authorizeCluster(client, AclOperation.DESCRIBE_CONFIGS)) {
        return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${client.principal} may not describe broker configs`);
      }
      if (r.resourceType === ConfigResourceType.Topic) {
        const topic = ctx.cache.topic(r.resourceName);
        if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${r.resourceName}" does not exist`);
        configs = topicConfigs(ctx, topic.configs);
      } else if (r.resourceType === ConfigResourceType.Broker) {
        if (r.resourceName === CLUSTER_DEFAULT_SCOPE) configs = clusterDefaultConfigs(ctx);
        else if (r.resourceName === String(ctx.brokerId)) configs = brokerConfigs(ctx);
        else return fail(ErrorCode.INVALID_REQUEST, `this is broker ${ctx.brokerId}: ask broker ${r.resourceName} for its configs`);
      } else {
        return fail(ErrorCode.INVALID_REQUEST, `resource type ${r.resourceType} is not supported (2 topic, 4 broker)`);
      }
      const wanted = r.configurationKeys;
      if (wanted) configs = configs.filter((c) => wanted.includes(c.name));
      // Synonyms and documentation only when asked for, as Kafka answers.
      configs = configs.map((c) => ({
        ...c,
        synonyms: req.includeSynonyms ? c.synonyms : [],
        configType: CONFIG_INFO[c.name]?.type ?? ConfigType.Unknown,
        documentation: req.includeDocumentation ? (CONFIG_INFO[c.name]?.doc ?? null) : null,
      }));
      return { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs };
    }),
  };
}
