import type { BrokerConfigOverrides } from '../common/broker-configs.js';
import type { AclBinding, BrokerInfo, ClusterMetadata, PartitionState, TopicState, UserScramCredential } from '../common/cluster-types.js';

const NO_ACLS: readonly AclBinding[] = [];

/** The broker's copy of the coordinator's metadata, indexed for the request handlers. */
export class MetadataCache {
  private metadata: ClusterMetadata = { clusterId: '', version: -1, brokers: [], topics: [] };
  private topicsByName = new Map<string, TopicState>();
  private topicsById = new Map<string, TopicState>();
  private readonly waiters: { version: number; resolve: () => void }[] = [];

  update(m: ClusterMetadata): void {
    this.metadata = m;
    this.topicsByName = new Map(m.topics.map((t) => [t.name, t]));
    this.topicsById = new Map(m.topics.map((t) => [t.id, t]));
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.version <= m.version) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  get clusterId(): string {
    return this.metadata.clusterId;
  }

  get version(): number {
    return this.metadata.version;
  }

  get topics(): TopicState[] {
    return this.metadata.topics;
  }

  /** Dynamic broker configs by scope (common/broker-configs.ts). */
  get brokerConfigs(): BrokerConfigOverrides {
    return this.metadata.brokerConfigs ?? {};
  }

  /** SCRAM credentials from the metadata (ClusterMetadata.scramCredentials). */
  get scramCredentials(): UserScramCredential[] {
    return this.metadata.scramCredentials ?? [];
  }

  /** ACLs from the metadata (ClusterMetadata.acls); the same array until the next update, which the authorizer's index relies on. */
  get acls(): readonly AclBinding[] {
    return this.metadata.acls ?? NO_ACLS;
  }

  scramCredential(user: string, mechanism: UserScramCredential['mechanism']): UserScramCredential | null {
    return this.scramCredentials.find((c) => c.user === user && c.mechanism === mechanism) ?? null;
  }

  topic(name: string): TopicState | undefined {
    return this.topicsByName.get(name);
  }

  /** By topic id (KIP-516), as Metadata v12 and the id-based APIs ask. */
  topicById(id: string): TopicState | undefined {
    return this.topicsById.get(id);
  }

  partition(topic: string, partition: number): PartitionState | undefined {
    return this.topicsByName.get(topic)?.partitions[partition];
  }

  /** Any registered broker's address, dead or alive (a follower keeps trying its leader). */
  broker(id: number): { host: string; port: number } | undefined {
    const b = this.metadata.brokers.find((x) => x.id === id);
    return b ? { host: b.host, port: b.port } : undefined;
  }

  aliveBrokers(): BrokerInfo[] {
    return this.metadata.brokers.filter((b) => b.state === 'alive');
  }

  /** Resolves once metadata at least as new as `version` has arrived, or after `timeoutMs`. */
  waitForVersion(version: number, timeoutMs: number): Promise<void> {
    if (this.metadata.version >= version) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = { version, resolve };
      this.waiters.push(entry);
      setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      }, timeoutMs);
    });
  }
}
