/**
 * Broker configs that change at runtime (Kafka's dynamic broker configs, KIP-226): set through
 * AlterConfigs / IncrementalAlterConfigs on a BROKER resource, kept by the coordinator, applied by
 * every broker at its next metadata update without a restart. The resource name says for whom: a
 * broker id for that broker, "" for every broker (the cluster default); a broker's own value wins
 * over the cluster default, which wins over the flag the broker was started with.
 */
export const DYNAMIC_BROKER_CONFIGS = ['log.retention.ms', 'log.retention.bytes', 'log.message.timestamp.type', 'auto.create.topics.enable'] as const;
export type DynamicBrokerConfigName = (typeof DYNAMIC_BROKER_CONFIGS)[number];

/** The BROKER resource name of the cluster-wide default. */
export const CLUSTER_DEFAULT_SCOPE = '';

/** Dynamic configs by scope: CLUSTER_DEFAULT_SCOPE or a broker id (as a string) -> name -> value. */
export type BrokerConfigOverrides = Record<string, Record<string, string>>;

export function isDynamicBrokerConfig(name: string): name is DynamicBrokerConfigName {
  return (DYNAMIC_BROKER_CONFIGS as readonly string[]).includes(name);
}

/** Why `name=value` cannot be set on a broker at runtime, or null if it can. */
export function brokerConfigProblem(name: string, value: string): string | null {
  if (!isDynamicBrokerConfig(name)) return `${name} is not a broker config YaK can change at runtime (${DYNAMIC_BROKER_CONFIGS.join(', ')}): restart the broker with another flag`;
  switch (name) {
    case 'log.retention.ms':
    case 'log.retention.bytes':
      return /^-?\d+$/.test(value) && Number(value) >= -1 && Number.isSafeInteger(Number(value)) ? null : `${name} must be a whole number, -1 for no limit; got "${value}"`;
    case 'log.message.timestamp.type':
      return value === 'CreateTime' || value === 'LogAppendTime' ? null : `log.message.timestamp.type must be CreateTime or LogAppendTime; got "${value}"`;
    case 'auto.create.topics.enable':
      return value === 'true' || value === 'false' ? null : `auto.create.topics.enable must be true or false; got "${value}"`;
  }
}
