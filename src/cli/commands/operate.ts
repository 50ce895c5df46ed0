import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { isProcessAlive, readClusterFile } from '../../client/cluster-file.js';
import { connectToCluster } from '../../net/cluster-auth.js';
import { InternalApi, type ControlAction, type ControlRequest } from '../../protocol/internal-api.js';
import { clusterSecretOf, dataDirOption, NO_SUPERVISOR_HINT, noClusterError } from '../cluster-access.js';

interface Args {
  name: string;
  'data-dir': string;
  rebuild?: boolean;
  force?: boolean;
}

/** Asks the running cluster's supervisor to act on one of its processes; returns what it did. */
export async function operate(dataDir: string, action: ControlAction, target: string, flags: Pick<ControlRequest, 'rebuild' | 'force'> = {}): Promise<string> {
  const file = readClusterFile(dataDir);
  if (!file || !isProcessAlive(file.supervisorPid) || !file.control) throw noClusterError(dataDir, NO_SUPERVISOR_HINT);
  const conn = await connectToCluster(file.control.host, file.control.port, clusterSecretOf(dataDir), { clientId: 'yak-cli' });
  try {
    const res = await conn.request(InternalApi.Control, 0, { action, target, ...flags }, { timeoutMs: 60_000 });
    if (res.failed) throw new UserError(res.message);
    return res.message;
  } finally {
    conn.close();
  }
}

const VERBS: { action: ControlAction; describe: string }[] = [
  { action: 'kill', describe: 'Kill a broker or the coordinator with SIGKILL (a real crash): broker-N or zookeeper' },
  { action: 'pause', describe: 'Freeze a process with SIGSTOP (a hung broker: heartbeats stop, connections hang)' },
  { action: 'resume', describe: 'Unfreeze a paused process (SIGCONT)' },
  { action: 'restart', describe: 'Start a killed broker or coordinator again, same id, data dir and port' },
];

export const operatorCommands: CommandModule<object, Args>[] = VERBS.map(({ action, describe }) => ({
  command: `${action} <name>`,
  describe,
  builder: (y) => {
    const common = y
      .positional('name', { type: 'string', demandOption: true, describe: 'broker-N or zookeeper' })
      .option('data-dir', dataDirOption('Cluster data directory'))
      .example(`$0 ${action} broker-2`, describe.split(' (')[0]!.split(':')[0]!);
    if (action !== 'restart') return common;
    return common
      .option('rebuild', { type: 'boolean', default: false, describe: "Move the broker's log.db aside (kept as log.db.damaged-<time>) and re-replicate every partition from the leaders" })
      .option('force', { type: 'boolean', default: false, describe: 'With --rebuild: even where this broker is the only in-sync replica (its records there are lost)' })
      .check((a) => (a.force && !a.rebuild ? '--force only goes with --rebuild' : true));
  },
  handler: async (args) => {
    process.stdout.write((await operate(args['data-dir'], action, args.name, { rebuild: args.rebuild, force: args.force })) + '\n');
  },
}));
