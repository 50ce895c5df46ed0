import type { CommandModule } from 'yargs';
import { ClusterSecret, clusterSecretPath, CLUSTER_SECRET_ENV } from '../../common/cluster-secret.js';
import { groupInitialRebalanceDelayMs, transactionMaxTimeoutMs } from '../../common/limits.js';
import { UserError } from '../../common/errors.js';
import { createLogger, type Logger } from '../../common/logger.js';
import { ensurePrivateDir } from '../../common/private-files.js';
import { memberSecret, secretFileOption } from '../cluster-access.js';
import { serveClusterProcess } from '../process-lifecycle.js';
import { coordinatorSecurityFrom, coordinatorSecurityOptions } from '../security-options.js';

interface Args {
  host: string;
  port: number;
  'data-dir': string;
  'heartbeat-interval-ms': number;
  'session-timeout-ms': number;
  'default-replication-factor'?: number;
  'min-insync-replicas'?: number;
  'unclean-leader-election': boolean;
  'group-initial-rebalance-delay-ms': number;
  'secret-file'?: string;
  'security-protocol': string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
  'transaction-max-timeout-ms': number;
}

/**
 * The secret from --secret-file or YAK_CLUSTER_SECRET (`yak up` passes it so); run by hand with
 * neither, the one in `<data-dir>/cluster.secret`, created on the first start. Brokers need the same.
 */
function coordinatorSecret(secretFile: string | undefined, dataDir: string, logger: Logger): ClusterSecret {
  const given = memberSecret(secretFile);
  if (given) return given;
  ensurePrivateDir(dataDir);
  const { secret, created } = ClusterSecret.createOrLoad(dataDir);
  const file = clusterSecretPath(dataDir);
  logger.info(`cluster secret ${created ? 'created in' : 'read from'} ${file}: brokers run by hand need it (yak broker --secret-file ${file}, or ${CLUSTER_SECRET_ENV} set to its content)`);
  return secret;
}

/** Shared with `yak up`, which passes it on to its coordinator. */
export const groupInitialRebalanceDelayOption = {
  'group-initial-rebalance-delay-ms': {
    type: 'number',
    default: groupInitialRebalanceDelayMs,
    describe: "How long a new group's first rebalance waits for more members (Kafka's group.initial.rebalance.delay.ms; 0: none)",
  },
} as const;

/** Shared with `yak up`, which passes it on to its coordinator. */
export const transactionMaxTimeoutOption = {
  'transaction-max-timeout-ms': {
    type: 'number',
    default: transactionMaxTimeoutMs,
    describe: "Longest transaction.timeout.ms a transactional producer may ask for (Kafka's transaction.max.timeout.ms)",
  },
} as const;

export function checkTransactionMaxTimeout(ms: number): void {
  if (!Number.isInteger(ms) || ms < 1) throw new UserError(`--transaction-max-timeout-ms must be a positive whole number of milliseconds, got ${ms}`, 2);
}

export function checkGroupInitialRebalanceDelay(ms: number): void {
  if (!Number.isInteger(ms) || ms < 0) throw new UserError(`--group-initial-rebalance-delay-ms must be a whole number of milliseconds, got ${ms}`, 2);
}

export const zookeeperCommand: CommandModule<object, Args> = {
  command: 'zookeeper',
  describe: 'Run the coordinator (broker registry, heartbeats, leader election, metadata)',
  builder: (y) =>
    y
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
      .option('port', { type: 'number', default: 2181, describe: 'Port to listen on (0: any free port)' })
      .option('data-dir', { type: 'string', default: '.yak/coordinator', describe: 'Directory of coordinator.db' })
      .option('heartbeat-interval-ms', { type: 'number', default: 500, describe: 'How often brokers heartbeat' })
      .option('session-timeout-ms', { type: 'number', default: 3000, describe: 'A broker silent this long is dead' })
      .option('default-replication-factor', { type: 'number', describe: 'Replication factor of new topics (default min(3, brokers))' })
      .option('min-insync-replicas', { type: 'number', describe: 'min.insync.replicas of new topics (default 2 when RF >= 3, else 1)' })
      .option('unclean-leader-election', { type: 'boolean', default: false, describe: 'Elect an out-of-sync replica when no in-sync one lives (may lose acknowledged records)' })
      .options(groupInitialRebalanceDelayOption)
      .options(coordinatorSecurityOptions)
      .options(transactionMaxTimeoutOption)
      .options(secretFileOption),
  handler: async (args) => {
    checkGroupInitialRebalanceDelay(args['group-initial-rebalance-delay-ms']);
    checkTransactionMaxTimeout(args['transaction-max-timeout-ms']);
    const logger = createLogger('zookeeper');
    await serveClusterProcess(logger, async () => {
      // Imported here: `yak up` shares this file's options and should not evaluate the coordinator.
      const [{ startCoordinator }, { OffsetsTopicProducer }, { TxnMarkerSender }] = await Promise.all([
        import('../../coordinator/coordinator.js'),
        import('../../client/offsets-topic-producer.js'),
        import('../../client/txn-marker-sender.js'),
      ]);
      const clusterSecret = coordinatorSecret(args['secret-file'], args['data-dir'], logger);
      const security = coordinatorSecurityFrom(args, clusterSecret);
      return startCoordinator({
        host: args.host,
        port: args.port,
        dataDir: args['data-dir'],
        heartbeatIntervalMs: args['heartbeat-interval-ms'],
        sessionTimeoutMs: args['session-timeout-ms'],
        defaultReplicationFactor: args['default-replication-factor'],
        defaultMinInsyncReplicas: args['min-insync-replicas'],
        uncleanLeaderElection: args['unclean-leader-election'],
        groupInitialRebalanceDelayMs: args['group-initial-rebalance-delay-ms'],
        clusterSecret,
        tls: security.tls,
        offsetsTopicWriter: (cluster) => new OffsetsTopicProducer(cluster, logger, security.brokerClient),
        txnMarkerSender: () => new TxnMarkerSender(clusterSecret, security.memberClient),
        transactionMaxTimeoutMs: args['transaction-max-timeout-ms'],
        logger,
      });
    });
  },
};
