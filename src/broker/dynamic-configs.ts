import { CLUSTER_DEFAULT_SCOPE, DYNAMIC_BROKER_CONFIGS, type BrokerConfigOverrides, type DynamicBrokerConfigName } from '../common/broker-configs.js';
import type { TimestampType } from '../common/topic-configs.js';
import { DEFAULT_BROKER_CONFIG, type BrokerConfig } from './context.js';

/** Where a broker config's value comes from, most specific first (Kafka's ConfigSource order). */
export type ConfigOrigin = 'dynamic-broker' | 'dynamic-default' | 'static' | 'default';

/** The BrokerConfig field each dynamic config sets, read as the flag's type. */
const FIELDS: { [N in DynamicBrokerConfigName]: { field: keyof BrokerConfig; parse: (v: string) => BrokerConfig[keyof BrokerConfig] } } = {
  'log.retention.ms': { field: 'logRetentionMs', parse: Number },
  'log.retention.bytes': { field: 'logRetentionBytes', parse: Number },
  'log.message.timestamp.type': { field: 'logMessageTimestampType', parse: (v) => v as TimestampType },
  'auto.create.topics.enable': { field: 'autoCreateTopics', parse: (v) => v === 'true' },
};

/**
 * A broker config's value at every level that sets it, most specific first: this broker's dynamic
 * value, the cluster's dynamic default, the flag the broker was started with (a flag left at its
 * default counts as the default). The first is the one in force; the rest are its synonyms.
 */
export function configLevels(name: DynamicBrokerConfigName, staticConfig: BrokerConfig, overrides: BrokerConfigOverrides | undefined, brokerId: number): { value: string; origin: ConfigOrigin }[] {
  const field = FIELDS[name].field;
  const levels: { value: string; origin: ConfigOrigin }[] = [];
  const own = overrides?.[String(brokerId)]?.[name];
  const cluster = overrides?.[CLUSTER_DEFAULT_SCOPE]?.[name];
  if (own !== undefined) levels.push({ value: own, origin: 'dynamic-broker' });
  if (cluster !== undefined) levels.push({ value: cluster, origin: 'dynamic-default' });
  const started = staticConfig[field];
  levels.push({ value: String(started), origin: started === DEFAULT_BROKER_CONFIG[field] ? 'default' : 'static' });
  return levels;
}

/** The config a broker runs with: its flags, with the dynamic configs (common/broker-configs.ts) over them. */
export function effectiveConfig(staticConfig: BrokerConfig, overrides: BrokerConfigOverrides | undefined, brokerId: number): BrokerConfig {
  const config: BrokerConfig = { ...staticConfig };
  for (const name of DYNAMIC_BROKER_CONFIGS) {
    const [inForce] = configLevels(name, staticConfig, overrides, brokerId);
    if (inForce!.origin.startsWith('dynamic')) (config as unknown as Record<string, unknown>)[FIELDS[name].field] = FIELDS[name].parse(inForce!.value);
  }
  return config;
}
