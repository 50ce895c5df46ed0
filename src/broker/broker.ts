import type { BrokerEvent } from '../common/cluster-events.js';
import path from 'node:path';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode, UserError, errorName } from '../common/errors.js';
import { InternalApi } from '../protocol/internal-api.js';
import type { ListenerLimits } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { FrameServer } from '../net/server.js';
import { CorruptLogError, LogStore } from '../storage/log-store.js';
import { FetchSessionCache } from './fetch-sessions.js';
import { DEFAULT_BROKER_CONFIG, type BrokerConfig, type BrokerContext } from './context.js';
import { ClusterMembers } from './cluster-members.js';
import { CoordinatorLink } from './coordinator-link.js';
import { effectiveConfig } from './dynamic-configs.js';
import { MetadataCache } from './metadata-cache.js';
import { ProducerIdBlocks } from './producer-id-block.js';
import { ReplicaManager } from './replica-manager.js';
import { FetchResponseBudget } from './fetch-response-budget.js';
import { routeRequest } from './request-router.js';
import { prepareBrokerSecurity, type BrokerSecurityConfig } from './broker-security.js';

export interface BrokerOptions {
  brokerId: number;
  /** Address to listen on. */
  host: string;
  /** Address clients and other brokers are told to use (Kafka's advertised.listeners); default `host`. */
  advertisedHost?: string;
  /** Port clients and other brokers are told to use; default the port listened on (a proxy or port forward may differ). */
  advertisedPort?: number;
  port: number;
  /** The broker's own directory: its log.db lives here. */
  dataDir: string;
  coordinatorHost: string;
  coordinatorPort: number;
  /** Proven to the coordinator on every connection to it (net/cluster-auth.ts). */
  clusterSecret: ClusterSecret;
  config?: Partial<BrokerConfig>;
  /** broker.rack, registered with the coordinator (rack-aware placement, Metadata's rack field). */
  rack?: string;
  /** A follower not caught up for this long leaves the ISR (replica.lag.time.max.ms). */
  replicaLagTimeMaxMs?: number;
  syncFull?: boolean;
  /** Overrides of the Kafka listener's connection limits (src/common/limits.ts). */
  listenerLimits?: Partial<ListenerLimits>;
  /** Events of this broker for the cluster's event log (its supervisor relays them to the TUI). */
  onEvent?: (e: BrokerEvent) => void;
  /** The listener's security protocol and SASL settings; absent: PLAINTEXT. */
  security?: BrokerSecurityConfig;
  /** The listener's certificate and key, and the CA other brokers' certificates are checked against (SSL, SASL_SSL). */
  tls?: { cert: string; key: string; ca: string };
  logger: Logger;
}

export interface RunningBroker {
  brokerId: number;
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts a broker: opens its SQLite log, listens for Kafka clients, registers with the coordinator
 * and follows its metadata. Lifecycle: open store -> listen -> register -> serve -> close.
 */
export async function startBroker(opts: BrokerOptions): Promise<RunningBroker> {
  const security = await prepareBrokerSecurity(opts.security, opts.tls, opts.clusterSecret);
  const store = openStore(opts);
  const cache = new MetadataCache();
  const staticConfig: BrokerConfig = { ...DEFAULT_BROKER_CONFIG, ...opts.config };
  // Replaced in place when the dynamic broker configs change, so every reader sees the values in force.
  const config: BrokerConfig = { ...staticConfig };
  // Assigned below: the replica manager and the coordinator link need each other.
  let coordinator: CoordinatorLink;
  const replicas = new ReplicaManager({
    brokerId: opts.brokerId,
    store,
    logger: opts.logger,
    onEvent: opts.onEvent,
    replicaLagTimeMaxMs: opts.replicaLagTimeMaxMs ?? 10_000,
    replicaFetchMaxWaitMs: 500,
    retentionDefaults: () => ({ retentionMs: config.logRetentionMs, retentionBytes: config.logRetentionBytes }),
    retentionCheckIntervalMs: config.retentionCheckIntervalMs,
    logCleanerBackoffMs: config.logCleanerBackoffMs,
    timestampTypeDefault: () => config.logMessageTimestampType,
    fetcherSecurity: security.fetcherSecurity,
    brokerAddress: (id) => cache.broker(id),
    brokerAlive: (id) => cache.aliveBrokers().some((b) => b.id === id),
    sessionValid: () => coordinator.sessionValid(),
    proposeIsr: async (p, isr) => {
      const res = await coordinator.call(InternalApi.AlterIsr, {
        brokerId: opts.brokerId,
        brokerEpoch: coordinator.epoch,
        topic: p.topic,
        partition: p.partition,
        leaderEpoch: p.state.leaderEpoch,
        currentIsr: p.state.isr,
        isr,
      });
      if (res.errorCode !== ErrorCode.NONE) opts.logger.warn(`ISR change for ${p.topic}-${p.partition} refused: ${errorName(res.errorCode)} ${res.errorMessage ?? ''}`);
      return res.errorCode === ErrorCode.NONE;
    },
  });

  let ctx: BrokerContext | null = null;
  // Frames up to Kafka's socket.request.max.bytes (100 MiB) are read, so an oversized batch gets
  // MESSAGE_TOO_LARGE (which clients do not retry) rather than a dropped connection (which they do).
  const server = new FrameServer({ host: opts.host, port: opts.port, limits: opts.listenerLimits, ...security.listener, logger: opts.logger }, (header, body, client, scope) => {
    if (!ctx) throw new Error('broker not ready');
    return routeRequest(ctx, header, body, client, scope);
  });
  const addr = await server.listen();

  let clusterError: UserError | null = null;
  coordinator = new CoordinatorLink({
    coordinatorHost: opts.coordinatorHost,
    coordinatorPort: opts.coordinatorPort,
    clusterSecret: opts.clusterSecret,
    security: security.coordinatorSecurity,
    registration: { brokerId: opts.brokerId, host: opts.advertisedHost ?? addr.host, port: opts.advertisedPort ?? addr.port, pid: process.pid, rack: opts.rack ?? null },
    logger: opts.logger,
    onMetadata: (m) => {
      // A data dir belongs to one cluster (Kafka's meta.properties): never apply another cluster's metadata to it.
      const known = store.getMeta('cluster_id');
      if (known && known !== m.clusterId) {
        clusterError = new UserError(`${path.join(opts.dataDir, 'log.db')} belongs to cluster ${known}, but the coordinator runs cluster ${m.clusterId}`);
        return;
      }
      if (!known) store.setMeta('cluster_id', m.clusterId);
      cache.update(m);
      // Before the replicas: retention and timestamp defaults changed at runtime apply from this metadata on.
      Object.assign(config, effectiveConfig(staticConfig, m.brokerConfigs, opts.brokerId));
      replicas.applyMetadata(m);
    },
  });
  const producerIds = new ProducerIdBlocks(coordinator);
  ctx = { brokerId: opts.brokerId, config, staticConfig, logDir: path.resolve(opts.dataDir), rack: opts.rack ?? null, cache, replicas, coordinator, producerIds, fetchSessions: new FetchSessionCache(), fetchResponses: new FetchResponseBudget(), security: security.forHandlers(cache), members: new ClusterMembers(opts.clusterSecret, opts.logger), logger: opts.logger };
  const abandon = async (err: Error) => {
    coordinator.stop();
    await server.close();
    store.close();
    throw err;
  };
  await coordinator.start().catch(abandon);
  producerIds.refill().catch(() => undefined);
  if (clusterError) await abandon(clusterError);
  const advertisedAt = { host: opts.advertisedHost ?? addr.host, port: opts.advertisedPort ?? addr.port };
  const advertised = advertisedAt.host !== addr.host || advertisedAt.port !== addr.port ? ` (advertised as ${advertisedAt.host}:${advertisedAt.port})` : '';
  const { protocol, saslMechanisms } = security.config;
  opts.logger.info(`broker-${opts.brokerId} serving Kafka on ${addr.host}:${addr.port}${advertised} (${protocol}${security.listener.authentication ? `: ${saslMechanisms.join(', ')}` : ''})`);
  return {
    brokerId: opts.brokerId,
    ...addr,
    async close() {
      coordinator.stop();
      await replicas.close();
      await server.close();
      store.close();
    },
  };
}

/** The broker's log, refusing to start (before registering: no leadership moves) on a corrupted file. */
function openStore(opts: BrokerOptions): LogStore {
  try {
    return new LogStore(opts.dataDir, { synchronous: opts.syncFull ? 'FULL' : 'NORMAL', logger: opts.logger });
  } catch (err) {
    if (!(err instanceof CorruptLogError)) throw err;
    const name = `broker-${opts.brokerId}`;
    throw new UserError(
      `${err.message}: run \`yak restart ${name} --rebuild\` to move it aside and re-replicate from the leaders (a broker run by hand: move it, with its -wal and -shm, out of ${opts.dataDir})`,
      err.exitCode,
    );
  }
}
