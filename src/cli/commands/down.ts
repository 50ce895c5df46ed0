import readline from 'node:readline/promises';
import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { clusterFileProblem, isProcessAlive, readClusterFile } from '../../client/cluster-file.js';
import { clusterEntriesIn, purgeDataDir } from '../../supervisor/data-dir.js';
import { dataDirOption, noClusterError } from '../cluster-access.js';
import { operate } from './operate.js';

interface Args {
  'data-dir': string;
  'timeout-ms': number;
}

/** The pid of the supervisor running a cluster in the data dir, or null when none runs there. */
function runningSupervisor(dataDir: string): number | null {
  const file = readClusterFile(dataDir);
  if (!file && clusterFileProblem(dataDir)) throw noClusterError(dataDir);
  return file && isProcessAlive(file.supervisorPid) ? file.supervisorPid : null;
}

export const downCommand: CommandModule<object, Args> = {
  command: 'down',
  describe: 'Stop the cluster running in a data dir (from any shell), as Ctrl-C in its `yak up` does',
  builder: (y) =>
    y
      .option('data-dir', dataDirOption('Cluster data directory'))
      .option('timeout-ms', { type: 'number', default: 30_000, describe: 'How long to wait for it to stop' })
      .example('$0 down', 'Stop the cluster in .yak; exits 0 also when none runs there'),
  handler: async (args) => {
    const dataDir = args['data-dir'];
    const pid = runningSupervisor(dataDir);
    if (pid === null) {
      process.stdout.write(`no YaK cluster is running in ${dataDir}: nothing to stop\n`);
      return;
    }
    await operate(dataDir, 'stop', 'cluster');
    const deadline = Date.now() + args['timeout-ms'];
    while (isProcessAlive(pid)) {
      if (Date.now() > deadline) throw new UserError(`the cluster in ${dataDir} is still stopping after ${args['timeout-ms']} ms (supervisor pid ${pid})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    process.stdout.write(`stopped the cluster in ${dataDir} (supervisor pid ${pid})\n`);
  },
};

/**
 * `yak purge` and `yak up --fresh`: removes a stopped cluster's state, after asking on a terminal
 * (or with `yes`); refused while a cluster runs there, and without a terminal or --yes.
 */
export async function purge(dataDir: string, yes: boolean): Promise<string[]> {
  const pid = runningSupervisor(dataDir);
  if (pid !== null) throw new UserError(`a YaK cluster is running in ${dataDir} (supervisor pid ${pid}): stop it first (yak down --data-dir ${dataDir})`);
  const entries = clusterEntriesIn(dataDir);
  if (entries.length === 0) return [];
  if (!yes) {
    if (!process.stdin.isTTY) throw new UserError(`purging ${dataDir} deletes every record and topic in it: add --yes to confirm`, 2);
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Delete every topic, record and group offset in ${dataDir} (${entries.length} entries)? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new UserError('not purged');
  }
  return purgeDataDir(dataDir);
}

export const purgeCommand: CommandModule<object, { 'data-dir': string; yes: boolean }> = {
  command: 'purge',
  describe: "Delete a stopped cluster's data dir state: logs, topics, group offsets, its secret (asks first)",
  builder: (y) =>
    y
      .option('data-dir', dataDirOption('Cluster data directory'))
      .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask (needed without a terminal)' })
      .example('$0 down && $0 purge --yes', 'Stop the cluster in .yak and start over'),
  handler: async (args) => {
    const removed = await purge(args['data-dir'], args.yes);
    process.stdout.write(removed.length === 0 ? `nothing to purge in ${args['data-dir']}\n` : `purged ${args['data-dir']}: removed ${removed.length} entries\n`);
  },
};
