import isInCi from 'is-in-ci';
import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { checkGroupInitialRebalanceDelay, checkTransactionMaxTimeout, groupInitialRebalanceDelayOption, transactionMaxTimeoutOption } from './zookeeper.js';
import { createLogger } from '../../common/logger.js';
import { rackNameProblem } from '../../common/rack-name.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import type { SecuritySetup } from '../../supervisor/cluster-security.js';
import { usesTls } from '../../security/security-protocol.js';
import { clientSecurity, clusterSecurityOption, parseSuperUsers, SECURITY_CHOICES } from '../security-options.js';
import type { ClusterFile } from '../../client/cluster-file.js';
import { EventBus } from '../../tui/events.js';
import { installLastResortHandlers, runUntilSignal } from '../process-lifecycle.js';
import { brokerIdsIn } from '../../supervisor/data-dir.js';
import { dataDirOption } from '../cluster-access.js';
import { purge } from './down.js';
import { listenerLimitsFrom, listenerOptions, logOptions, replicaSelectorOption } from './broker.js';

interface Args {
  brokers: number;
  'data-dir': string;
  host: string;
  port: number;
  headless: boolean;
  partitions: number;
  'heartbeat-interval-ms': number;
  'session-timeout-ms': number;
  'sync-full': boolean;
  'replication-factor'?: number;
  'min-insync-replicas'?: number;
  'group-initial-rebalance-delay-ms': number;
  'transaction-max-timeout-ms': number;
  racks?: string;
  'replica-selector': string;
  'auto-create-topics-enable': boolean;
  'log-retention-ms': number;
  'log-retention-bytes': number;
  'log-retention-check-interval-ms': number;
  'log-cleaner-backoff-ms': number;
  'log-message-timestamp-type': string;
  'max-connections': number;
  'max-connections-per-ip': number;
  'connections-max-idle-ms': number;
  'frame-read-timeout-ms': number;
  'queued-max-request-bytes': number;
  security: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
  'ssl-client-auth': string;
  'super-users': string;
  'allow-everyone-if-no-acl-found': boolean;
  fresh: boolean;
  yes: boolean;
}

/** What --security and the --tls-* files ask for; the user's own files must come as a set of three, and with TLS. */
function securitySetupFrom(args: Args): SecuritySetup | undefined {
  const protocol = SECURITY_CHOICES[args.security as keyof typeof SECURITY_CHOICES];
  const own = [args['tls-cert'], args['tls-key'], args['tls-ca']];
  const given = own.filter((f) => f !== undefined).length;
  if (given > 0 && !usesTls(protocol)) throw new UserError('--tls-cert, --tls-key and --tls-ca go with --security tls or sasl-tls', 2);
  if (given > 0 && given < 3) throw new UserError('--tls-cert, --tls-key and --tls-ca go together (a certificate, its key and the CA that signed it)', 2);
  const requireClientCert = args['ssl-client-auth'] === 'required';
  if (requireClientCert && !usesTls(protocol)) throw new UserError('--ssl-client-auth required goes with --security tls or sasl-tls', 2);
  const superUsers = parseSuperUsers(args['super-users']);
  if ((superUsers.length > 0 || args['allow-everyone-if-no-acl-found']) && protocol === 'PLAINTEXT') throw new UserError('--super-users and --allow-everyone-if-no-acl-found go with --security (a PLAINTEXT cluster authorizes nothing)', 2);
  if (protocol === 'PLAINTEXT') return undefined;
  return { protocol, requireClientCert, superUsers, allowEveryoneIfNoAclFound: args['allow-everyone-if-no-acl-found'], ...(given === 3 ? { tls: { certFile: args['tls-cert']!, keyFile: args['tls-key']!, caFile: args['tls-ca']! } } : {}) };
}

/** Defaults no topic could be created with are refused up front, not by every later auto-creation. */
function checkTopicDefaults(args: Args): void {
  if (!Number.isInteger(args.partitions) || args.partitions < 1) throw new UserError(`--partitions must be a whole number of at least 1, got ${args.partitions}`, 2);
  const rf = args['replication-factor'] ?? Math.min(3, args.brokers);
  if (!Number.isInteger(rf) || rf < 1 || rf > args.brokers) throw new UserError(`--replication-factor must be between 1 and the ${args.brokers} broker(s), got ${rf}`, 2);
  const minIsr = args['min-insync-replicas'];
  if (minIsr !== undefined && (!Number.isInteger(minIsr) || minIsr < 1 || minIsr > rf)) {
    throw new UserError(`--min-insync-replicas must be between 1 and the replication factor ${rf}, got ${minIsr}`, 2);
  }
}

/** `--racks a,b,c` as a list; refused when a rack is empty or has spaces (the broker would refuse it at registration). */
function racksFrom(racks: string | undefined): string[] | undefined {
  if (racks === undefined) return undefined;
  const list = racks.split(',').map((r) => r.trim());
  const problem = list.map(rackNameProblem).find((p) => p !== null);
  if (problem) throw new UserError(`--racks: ${problem}`, 2);
  return list;
}

/** One line: the protocol, the CA file clients must trust, and where the admin's password is (never the password). */
function describeSecurity(s: NonNullable<ClusterFile['security']>): string {
  const parts = [`security ${s.protocol}`];
  if (s.caFile) parts.push(`CA certificate ${s.caFile}`);
  if (s.certFile) parts.push(`mutual TLS: client certificate ${s.certFile} (key ${s.keyFile})`);
  if (s.user) parts.push(`SASL user ${s.user}, password in ${s.passwordFile} (yak commands in this data dir use both)`);
  return parts.join('; ');
}

/**
 * A data dir whose cluster had more brokers than this `yak up` starts: the coordinator remembers
 * them, so they stay dead, their replicas out of every ISR. Said before it surprises (acks=all
 * failing with NOT_ENOUGH_REPLICAS), with what to do.
 */
function fewerBrokersWarning(dataDir: string, brokers: number): string | null {
  const missing = brokerIdsIn(dataDir).filter((id) => id > brokers);
  if (missing.length === 0) return null;
  const names = missing.map((id) => `broker-${id}`).join(', ');
  return (
    `${dataDir} holds the logs of ${names} too, and --brokers ${brokers} does not start ${missing.length === 1 ? 'it' : 'them'}: ` +
    `the cluster remembers ${missing.length === 1 ? 'it' : 'them'} as dead, partitions with replicas there stay under-replicated, and acks=all produce fails ` +
    `with NOT_ENOUGH_REPLICAS where fewer replicas than the topic's min.insync.replicas (2 with replication factor 3) are in sync. ` +
    `Start with --brokers ${Math.max(...missing)}, or afresh with yak up --fresh`
  );
}

export const upCommand: CommandModule<object, Args> = {
  command: 'up',
  describe: 'Start a local cluster: a coordinator and N brokers as child processes',
  builder: (y) =>
    y
      .option('brokers', { type: 'number', default: 3, describe: 'Number of brokers' })
      .option('data-dir', dataDirOption('Where the cluster keeps its SQLite files and cluster.json'))
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address every process listens on' })
      .option('port', { type: 'number', default: 0, describe: "broker-1's port, the others' follow (9092: 9092, 9093, 9094); 0: any free ports" })
      .option('headless', { type: 'boolean', default: false, describe: 'Log lines instead of the terminal UI' })
      .option('partitions', { type: 'number', default: 3, describe: 'Partitions of auto-created topics' })
      .option('racks', { type: 'string', describe: 'Racks of the brokers, comma-separated (a,b,c: broker-1 on a, broker-2 on b, ...; repeated when there are more brokers than racks)' })
      .option('auto-create-topics-enable', { type: 'boolean', default: true, describe: 'Create topics clients ask for (--no-auto-create-topics-enable: never)' })
      .option('heartbeat-interval-ms', { type: 'number', default: 500, describe: 'Broker heartbeat interval' })
      .option('session-timeout-ms', { type: 'number', default: 3000, describe: 'A broker silent this long is declared dead' })
      .option('sync-full', { type: 'boolean', default: false, describe: 'fsync every commit on the brokers' })
      .option('replication-factor', { type: 'number', describe: 'Replication factor of new topics (default min(3, brokers))' })
      .option('min-insync-replicas', { type: 'number', describe: 'min.insync.replicas of new topics (default 2 when RF >= 3, else 1)' })
      .option('fresh', { type: 'boolean', default: false, describe: 'Purge the data dir first (every topic, record and group offset in it; asks unless --yes), as yak purge' })
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'With --fresh: do not ask' })
      .example('$0 up --brokers 3', 'A 3-broker cluster in .yak, with the terminal UI (Ctrl-C or yak down stops it)')
      .example('$0 up --headless --port 9092 &', 'In the background, log lines only, brokers on 9092-9094')
      .options(replicaSelectorOption)
      .options(groupInitialRebalanceDelayOption)
      .options(transactionMaxTimeoutOption)
      .options(logOptions)
      .options(listenerOptions)
      .options(clusterSecurityOption)
      .option('tls-cert', { type: 'string', describe: "With --security tls|sasl-tls: your own PEM certificate for the brokers (instead of the local CA's)" })
      .option('tls-key', { type: 'string', describe: 'Its PEM private key' })
      .option('tls-ca', { type: 'string', describe: 'The PEM CA that signed it (clients and brokers trust it)' })
      .option('ssl-client-auth', { type: 'string', choices: ['none', 'required'], default: 'none', describe: 'Mutual TLS: clients need a certificate the CA signed (yak up makes tls/admin.pem for the yak commands); without SASL its subject is the principal' })
      .option('super-users', { type: 'string', default: '', describe: 'With --security: principals allowed everything besides the admin, User:name;User:other (super.users)' })
      .option('allow-everyone-if-no-acl-found', { type: 'boolean', default: false, describe: 'With --security: a resource no ACL names is open to every principal (allow.everyone.if.no.acl.found)' }),
  handler: async (args) => {
    const security = securitySetupFrom(args);
    if (!Number.isInteger(args.brokers) || args.brokers < 1 || args.brokers > 32) throw new UserError('--brokers must be between 1 and 32', 2);
    checkTopicDefaults(args);
    checkGroupInitialRebalanceDelay(args['group-initial-rebalance-delay-ms']);
    checkTransactionMaxTimeout(args['transaction-max-timeout-ms']);
    listenerLimitsFrom(args); // refused here, before anything starts
    if (!Number.isInteger(args.port) || args.port < 0 || args.port + args.brokers - 1 > 65535) throw new UserError(`--port must be 0 (any free ports) or a port with room for ${args.brokers} after it, got ${args.port}`, 2);
    // The terminal UI needs a terminal both ways; CI, pipes and --headless get the line log. Under CI
    // (CI or CONTINUOUS_INTEGRATION set) Ink would draw nothing until exit, even on a pty, so the line
    // log is the only useful output there.
    if (args.fresh) await purge(args['data-dir'], args.yes);
    const tui = !args.headless && !isInCi && process.stdout.isTTY === true && process.stdin.isTTY === true;
    const bus = tui ? new EventBus() : null;
    const logger = bus ? bus.logger('yak') : createLogger('yak', process.stdout);
    installLastResortHandlers(logger);
    const started = Date.now();
    const supervisor = new Supervisor({
      brokers: args.brokers,
      dataDir: args['data-dir'],
      host: args.host,
      port: args.port,
      entry: process.argv[1]!,
      heartbeatIntervalMs: args['heartbeat-interval-ms'],
      sessionTimeoutMs: args['session-timeout-ms'],
      racks: racksFrom(args.racks),
      brokerArgs: [
        '--partitions', String(args.partitions),
        `--auto-create-topics-enable=${args['auto-create-topics-enable']}`,
        '--replica-selector', args['replica-selector'],
        ...(args['sync-full'] ? ['--sync-full'] : []),
        ...([...Object.keys(logOptions), ...Object.keys(listenerOptions)] as (keyof typeof logOptions | keyof typeof listenerOptions)[]).flatMap((o) => [`--${o}`, String(args[o])]),
      ],
      coordinatorArgs: [
        '--group-initial-rebalance-delay-ms', String(args['group-initial-rebalance-delay-ms']),
        '--transaction-max-timeout-ms', String(args['transaction-max-timeout-ms']),
        ...(args['replication-factor'] !== undefined ? ['--default-replication-factor', String(args['replication-factor'])] : []),
        ...(args['min-insync-replicas'] !== undefined ? ['--min-insync-replicas', String(args['min-insync-replicas'])] : []),
      ],
      security,
      logger,
      onEvent: bus ? (e) => bus.supervised(e) : undefined,
      onChildLine: bus ? (name, line) => bus.childLine(name, line) : (_name, line) => process.stdout.write(`${line}\n`),
      // yak down: the same clean stop as Ctrl-C or a kill, through whichever handler (line log or UI) runs.
      onStopRequested: () => process.kill(process.pid, 'SIGTERM'),
    });
    if (bus) process.stdout.write(`yak: starting ${args.brokers} broker(s) in ${args['data-dir']}…\n`);
    const warning = fewerBrokersWarning(args['data-dir'], args.brokers);
    const file = await supervisor.start();
    if (bus) {
      if (file.security) bus.note('action', describeSecurity(file.security), 'yak');
      bus.note('action', `cluster ready in ${Date.now() - started} ms: ${args.brokers} broker(s), bootstrap ${file.bootstrap}`, 'yak');
      if (warning) logger.warn(warning);
      const { runTui } = await import('../../tui/run.js');
      return runTui({
        supervisor,
        dataDir: args['data-dir'],
        bus,
        defaults: { partitions: args.partitions, replicationFactor: args['replication-factor'] ?? Math.min(3, args.brokers) },
        security: clientSecurity({ 'data-dir': args['data-dir'] }),
      });
    }
    logger.info(`cluster ready in ${Date.now() - started} ms: ${args.brokers} broker(s), bootstrap ${file.bootstrap} (data ${args['data-dir']}); Ctrl-C or yak down stops it`);
    if (warning) logger.warn(warning);
    if (file.security) logger.info(describeSecurity(file.security));
    await runUntilSignal(async () => {
      logger.info('stopping cluster');
      await supervisor.stop();
      logger.info('cluster stopped');
    });
  },
};
