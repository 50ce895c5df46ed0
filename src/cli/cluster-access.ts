import { UserError } from '../common/errors.js';
import { topicNameProblem } from '../common/topic-name.js';
import { isProcessAlive, readClusterFile } from '../client/cluster-file.js';
import { KafkaClient, parseBootstrap } from '../client/kafka-client.js';

/** Options every client command takes to find the cluster. */
export interface ClusterArgs {
  'data-dir': string;
  bootstrap?: string;
}

export const clusterOptions = {
  'data-dir': { type: 'string', default: '.yak', describe: 'Cluster data directory (finds the cluster through its cluster.json)' },
  bootstrap: { type: 'string', describe: 'Broker address(es) host:port[,host:port]; overrides --data-dir' },
} as const;

/** yargs `coerce` for --topic: Kafka's naming rules checked before anything connects (a usage error, exit 2). */
export function checkedTopicName(name: string): string {
  const problem = topicNameProblem(name);
  if (problem) throw new Error(`--topic: ${problem}`);
  return name;
}

export const NO_CLUSTER_HINT = 'start one with `npx yak up --brokers 3`, or pass --bootstrap host:port';

/** The bootstrap list from --bootstrap or the running cluster's cluster.json; a clear error when there is none. */
export function resolveBootstrap(args: ClusterArgs): { host: string; port: number }[] {
  if (args.bootstrap) {
    try {
      return parseBootstrap(args.bootstrap);
    } catch (err) {
      throw new UserError((err as Error).message);
    }
  }
  const file = readClusterFile(args['data-dir']);
  if (!file || !isProcessAlive(file.supervisorPid)) {
    throw new UserError(`no YaK cluster is running in ${args['data-dir']}: ${NO_CLUSTER_HINT}`);
  }
  return parseBootstrap(file.bootstrap);
}

export function connectClient(args: ClusterArgs, clientId: string): KafkaClient {
  return new KafkaClient({ bootstrap: resolveBootstrap(args), clientId });
}
