import os from 'node:os';
import type { CommandModule } from 'yargs';
import { CLUSTER_SECRET_ENV } from '../../common/cluster-secret.js';
import { UserError } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import { parseBootstrap } from '../../client/kafka-client.js';
import { DEFAULT_RETENTION_MS, TIMESTAMP_TYPES, type TimestampType } from '../../common/topic-configs.js';
import { assertListenerLimits, listenerLimits, logCleanerBackoffMs, type ListenerLimits } from '../../common/limits.js';
import { memberSecret, secretFileOption, wholeNumber } from '../cluster-access.js';
import { serveClusterProcess } from '../process-lifecycle.js';
import { reportEvent } from '../../supervisor/child-process.js';
import { listenerSecurityFrom, listenerSecurityOptions, type ListenerSecurityArgs } from '../security-options.js';
import { REPLICA_SELECTORS, type ReplicaSelector } from '../../broker/replica-selector.js';

interface Args {
  id: number;
  host: string;
  'advertised-host'?: string;
  'advertised-port'?: number;
  port: number;
  'data-dir'?: string;
  coordinator: string;
  partitions: number;
  rack?: string;
  'replica-selector': ReplicaSelector;
  'auto-create-topics-enable': boolean;
  'message-max-bytes': number;
  'sync-full': boolean;
  'replica-lag-time-max-ms': number;
  'log-retention-ms': number;
  'log-retention-bytes': number;
  'log-retention-check-interval-ms': number;
  'log-cleaner-backoff-ms': number;
  'log-message-timestamp-type': TimestampType;
  'max-connections': number;
  'max-connections-per-ip': number;
  'connections-max-idle-ms': number;
  'frame-read-timeout-ms': number;
  'queued-max-request-bytes': number;
  'secret-file'?: string;
}
type BrokerArgs = Args & ListenerSecurityArgs;

/** Broker defaults of topics' log configs (Kafka's log.retention.*, log.message.timestamp.type), on `yak broker` and passed on by `yak up`. */
export const logOptions = {
  'log-retention-ms': { type: 'number', default: DEFAULT_RETENTION_MS, coerce: wholeNumber('log-retention-ms', -1), describe: 'retention.ms of topics that do not set it (-1: keep forever)' },
  'log-retention-bytes': { type: 'number', default: -1, coerce: wholeNumber('log-retention-bytes', -1), describe: 'retention.bytes per partition of topics that do not set it (-1: no limit)' },
  'log-retention-check-interval-ms': { type: 'number', default: 10_000, coerce: wholeNumber('log-retention-check-interval-ms', 10), describe: 'How often retention deletes old records' },
  'log-cleaner-backoff-ms': { type: 'number', default: logCleanerBackoffMs, coerce: wholeNumber('log-cleaner-backoff-ms', 10), describe: 'How long the log cleaner sleeps when no compacted topic needs cleaning' },
  'log-message-timestamp-type': { type: 'string', choices: TIMESTAMP_TYPES, default: 'CreateTime', describe: "message.timestamp.type of topics that do not set it (LogAppendTime: the leader's clock)" },
} as const;

/** Follower fetching (KIP-392), on `yak broker` and passed on by `yak up`. */
export const replicaSelectorOption = {
  'replica-selector': {
    type: 'string',
    choices: REPLICA_SELECTORS,
    default: 'leader',
    describe: "Where consumers read (replica.selector.class): leader, or rack-aware: a consumer with client.rack is sent to an in-sync replica in its rack",
  },
} as const;

/** The Kafka listener's connection limits (defaults in src/common/limits.ts), on `yak broker` and passed on by `yak up`. */
export const listenerOptions = {
  'max-connections': { type: 'number', default: listenerLimits.maxConnectionsPerServer, coerce: wholeNumber('max-connections', 1), describe: 'Connections the Kafka listener accepts at once (max.connections)' },
  'max-connections-per-ip': { type: 'number', default: listenerLimits.maxConnectionsPerIp, coerce: wholeNumber('max-connections-per-ip', 1), describe: 'Connections it accepts from one address (max.connections.per.ip)' },
  'connections-max-idle-ms': { type: 'number', default: listenerLimits.connectionsMaxIdleMs, coerce: wholeNumber('connections-max-idle-ms', 1), describe: 'A connection with nothing in flight this long is closed (connections.max.idle.ms)' },
  'frame-read-timeout-ms': { type: 'number', default: listenerLimits.frameReadTimeoutMs, coerce: wholeNumber('frame-read-timeout-ms', 1), describe: 'A request must arrive whole within this of its first byte' },
  'queued-max-request-bytes': { type: 'number', default: listenerLimits.maxQueuedRequestBytesPerServer, coerce: wholeNumber('queued-max-request-bytes', 1), describe: 'Request bytes held at once across connections (queued.max.request.bytes)' },
} as const;

/** The listener limits the options ask for; a usage error if they contradict each other. */
export function listenerLimitsFrom(args: { [K in keyof typeof listenerOptions]: number }): Partial<ListenerLimits> {
  const limits: Partial<ListenerLimits> = {
    maxConnectionsPerServer: args['max-connections'],
    maxConnectionsPerIp: Math.min(args['max-connections-per-ip'], args['max-connections']),
    connectionsMaxIdleMs: args['connections-max-idle-ms'],
    frameReadTimeoutMs: args['frame-read-timeout-ms'],
    maxQueuedRequestBytesPerServer: args['queued-max-request-bytes'],
  };
  try {
    assertListenerLimits({ ...listenerLimits, ...limits }, 'Kafka listener');
  } catch (err) {
    throw new UserError(`${(err as Error).message} (--queued-max-request-bytes must be at least ${listenerLimits.maxQueuedRequestBytesPerConnection}, one whole request)`, 2);
  }
  return limits;
}

export const brokerCommand: CommandModule<object, BrokerArgs> = {
  command: 'broker',
  describe: 'Run one broker (Kafka protocol listener, partition logs in SQLite)',
  builder: (y) =>
    y
      .option('id', { type: 'number', demandOption: true, describe: 'Broker id (unique in the cluster)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0: every interface)' })
      .option('advertised-host', { type: 'string', describe: 'Address clients and brokers are told to use (default: --host, or this machine\'s hostname with 0.0.0.0)' })
      .option('advertised-port', { type: 'number', coerce: wholeNumber('advertised-port', 1), describe: 'Port clients and brokers are told to use (default: --port; another one behind a proxy or port forwarding)' })
      .option('port', { type: 'number', default: 9092, describe: 'Kafka port (0: any free port)' })
      .option('data-dir', { type: 'string', describe: 'Directory of log.db (default .yak/broker-<id>)' })
      .option('coordinator', { type: 'string', default: '127.0.0.1:2181', describe: 'Coordinator host:port' })
      .option('partitions', { type: 'number', default: 3, describe: 'Partitions of auto-created topics' })
      .option('rack', { type: 'string', describe: "This broker's rack (broker.rack): replicas of a new topic go to as many racks as there are" })
      .option('auto-create-topics-enable', { type: 'boolean', default: true, describe: 'Create a topic a client asks Metadata for or produces to (auto.create.topics.enable; --no-auto-create-topics-enable: never)' })
      .option('message-max-bytes', { type: 'number', default: 1024 * 1024 + 12, describe: 'Largest record batch accepted' })
      .option('sync-full', { type: 'boolean', default: false, describe: 'fsync every commit (SQLite synchronous=FULL)' })
      .option('replica-lag-time-max-ms', { type: 'number', default: 10_000, describe: 'A follower behind for this long leaves the ISR' })
      .options(replicaSelectorOption)
      .options(logOptions)
      .options(listenerOptions)
      .options(listenerSecurityOptions)
      .options(secretFileOption),
  handler: async (args) => {
    const { security, tls } = listenerSecurityFrom(args);
    const clusterSecret = memberSecret(args['secret-file']);
    if (!clusterSecret) {
      throw new UserError(`yak broker needs the cluster secret: pass --secret-file with the coordinator's cluster.secret (yak zookeeper writes it in its data dir and logs the path; yak up writes <data-dir>/cluster.secret), or set ${CLUSTER_SECRET_ENV} to its content`, 2);
    }
    const logger = createLogger(`broker-${args.id}`);
    await serveClusterProcess(logger, async () => {
      // Imported here: `yak up` shares this file's options and should not evaluate the broker.
      const { startBroker } = await import('../../broker/broker.js');
      const coordinator = parseBootstrap(args.coordinator)[0];
      if (!coordinator) throw new UserError('--coordinator must be host:port');
      const limits = listenerLimitsFrom(args);
      return startBroker({
        brokerId: args.id,
        host: args.host,
        advertisedHost: args['advertised-host'] ?? (args.host === '0.0.0.0' || args.host === '::' ? os.hostname() : undefined),
        advertisedPort: args['advertised-port'],
        port: args.port,
        dataDir: args['data-dir'] ?? `.yak/broker-${args.id}`,
        coordinatorHost: coordinator.host,
        coordinatorPort: coordinator.port,
        clusterSecret,
        rack: args.rack,
        config: {
          defaultPartitions: args.partitions,
          autoCreateTopics: args['auto-create-topics-enable'],
          maxMessageBytes: args['message-max-bytes'],
          logRetentionMs: args['log-retention-ms'],
          logRetentionBytes: args['log-retention-bytes'],
          retentionCheckIntervalMs: args['log-retention-check-interval-ms'],
          logCleanerBackoffMs: args['log-cleaner-backoff-ms'],
          logMessageTimestampType: args['log-message-timestamp-type'],
          replicaSelector: args['replica-selector'],
        },
        syncFull: args['sync-full'],
        replicaLagTimeMaxMs: args['replica-lag-time-max-ms'],
        listenerLimits: limits,
        onEvent: reportEvent,
        security,
        tls,
        logger,
      });
    });
  },
};
