import { ClusterSecret, clusterSecretPath, CLUSTER_SECRET_ENV } from '../common/cluster-secret.js';
import { UserError } from '../common/errors.js';
import { topicNameProblem } from '../common/topic-name.js';
import { clusterFileProblem, isProcessAlive, readClusterFile } from '../client/cluster-file.js';
import { KafkaClient, parseBootstrap } from '../client/kafka-client.js';
import { clientSecurity, clientSecurityOptions, type ClientSecurityArgs } from './security-options.js';

/** Options every client command takes to find the cluster. */
export interface ClusterArgs extends ClientSecurityArgs {
  'data-dir': string;
  bootstrap?: string;
}

/**
 * --data-dir of a `yak up` cluster, for every command that finds one there: `.yak` unless
 * YAK_DATA_DIR says otherwise (so a shell can work with another cluster without repeating it).
 */
export const dataDirOption = (describe: string) => ({ type: 'string', default: process.env.YAK_DATA_DIR || '.yak', describe: `${describe} (env YAK_DATA_DIR)` }) as const;

export const clusterOptions = {
  'data-dir': dataDirOption('Cluster data directory (finds the cluster through its cluster.json)'),
  // YAK_BOOTSTRAP: as if given (a value set in the environment wins over --data-dir as the flag does).
  bootstrap: { type: 'string', default: process.env.YAK_BOOTSTRAP || undefined, describe: 'Broker address(es) host:port[,host:port]; overrides --data-dir (env YAK_BOOTSTRAP)' },
  ...clientSecurityOptions,
} as const;

/** `yak zookeeper` and `yak broker` run by hand: where the cluster secret is (never the secret itself on the command line). */
export const secretFileOption = {
  'secret-file': { type: 'string', describe: `File holding the cluster secret (yak zookeeper writes <data-dir>/cluster.secret); default: $${CLUSTER_SECRET_ENV}` },
} as const;

/** The secret from --secret-file, else from YAK_CLUSTER_SECRET (how `yak up` hands it to its children), else null. */
export function memberSecret(secretFile: string | undefined): ClusterSecret | null {
  return secretFile !== undefined ? ClusterSecret.fromFile(secretFile, 'pass the cluster.secret in the coordinator\'s data dir') : ClusterSecret.fromEnv();
}

/** The secret of the cluster `yak up` runs in `dataDir`, which the operator's commands prove to the supervisor and coordinator. */
export function clusterSecretOf(dataDir: string): ClusterSecret {
  return ClusterSecret.fromFile(clusterSecretPath(dataDir), `the cluster in ${dataDir} was started by a yak without cluster secrets: restart it with yak up`);
}

/** yargs `coerce` for --topic: Kafka's naming rules checked before anything connects (a usage error, exit 2). */
export function checkedTopicName(name: string): string {
  const problem = topicNameProblem(name);
  if (problem) throw new Error(`--topic: ${problem}`);
  return name;
}

/** "No cluster here", or what is wrong with the cluster file that makes it look so. */
export function noClusterError(dataDir: string, hint = NO_CLUSTER_HINT): UserError {
  const problem = clusterFileProblem(dataDir);
  if (problem?.forbidden) return new UserError(`${problem.reason}: run as the user who started the cluster`);
  return new UserError(problem ? `${problem.reason}: remove it if no cluster runs there, then ${hint}` : `no YaK cluster is running in ${dataDir}: ${hint}`);
}

export const NO_CLUSTER_HINT = 'start one with `npx yak up --brokers 3`, or pass --bootstrap host:port';
/** For the operator verbs, which talk to the supervisor of `yak up` and so need its data dir. */
export const NO_SUPERVISOR_HINT = 'start one with `npx yak up --brokers 3`, or pass the --data-dir it runs in';

/** yargs `coerce` for an option that must be a whole number of at least `min` (a usage error otherwise). */
export function wholeNumber(name: string, min: number): (v: number) => number {
  return (v) => {
    if (Number.isNaN(v)) throw new Error(`--${name} must be a number`);
    if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be a whole number${min > 0 ? ` of at least ${min}` : ` (${min} or more)`}, got ${v}`);
    return v;
  };
}

/** The bootstrap list from --bootstrap or the running cluster's cluster.json; a clear error when there is none. */
export function resolveBootstrap(args: ClusterArgs): { host: string; port: number }[] {
  if (args.bootstrap) {
    try {
      return parseBootstrap(args.bootstrap);
    } catch (err) {
      throw new UserError((err as Error).message, 2);
    }
  }
  const file = readClusterFile(args['data-dir']);
  if (!file || !isProcessAlive(file.supervisorPid)) {
    throw noClusterError(args['data-dir']);
  }
  return parseBootstrap(file.bootstrap);
}

export function connectClient(args: ClusterArgs, clientId: string): KafkaClient {
  return new KafkaClient({ bootstrap: resolveBootstrap(args), clientId, security: clientSecurity(args) });
}
