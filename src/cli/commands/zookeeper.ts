import type { CommandModule } from 'yargs';
import { createLogger } from '../../common/logger.js';
import { startCoordinator } from '../../coordinator/coordinator.js';
import { serveClusterProcess } from '../process-lifecycle.js';

interface Args {
  host: string;
  port: number;
  'data-dir': string;
  'heartbeat-interval-ms': number;
  'session-timeout-ms': number;
  'default-replication-factor'?: number;
  'min-insync-replicas'?: number;
  'unclean-leader-election': boolean;
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
      .option('unclean-leader-election', { type: 'boolean', default: false, describe: 'Elect an out-of-sync replica when no in-sync one lives (may lose acknowledged records)' }),
  handler: async (args) => {
    const logger = createLogger('zookeeper');
    await serveClusterProcess(logger, () =>
      startCoordinator({
        host: args.host,
        port: args.port,
        dataDir: args['data-dir'],
        heartbeatIntervalMs: args['heartbeat-interval-ms'],
        sessionTimeoutMs: args['session-timeout-ms'],
        defaultReplicationFactor: args['default-replication-factor'],
        defaultMinInsyncReplicas: args['min-insync-replicas'],
        uncleanLeaderElection: args['unclean-leader-election'],
        logger,
      }),
    );
  },
};
