import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { parseDurationMs } from '../../chaos/duration.js';
import { FAULT_KINDS, type FaultKind } from '../../chaos/nemesis.js';
import { randomSeed } from '../../chaos/prng.js';
import { runChaos, WORKLOADS, type Workload } from '../../chaos/run.js';
import { clusterSecurityOption, SECURITY_CHOICES } from '../security-options.js';
import { readClusterFile } from '../../client/cluster-file.js';

interface Args {
  workload: string;
  duration: string;
  seed?: number;
  brokers: number;
  partitions: number;
  acks: string;
  rate?: number;
  'session-timeout-ms': number;
  faults: string;
  'data-dir'?: string;
  'keep-data': boolean;
  verbose: boolean;
  security: string;
}

export const chaosCommand: CommandModule<object, Args> = {
  command: 'chaos',
  describe: 'Kill, pause, cut off and restart brokers of a fresh cluster under load, then check no acknowledged record was lost, duplicated or reordered',
  builder: (y) =>
    y
      .option('workload', {
        type: 'string',
        default: 'records',
        choices: WORKLOADS,
        describe: 'records: an idempotent producer and a reader, every acknowledged record read back once in order; txn: a transactional consume-transform-produce pipeline, every input record in the output exactly once, no aborted record read, no transaction partly visible',
      })
      .option('duration', { type: 'string', default: '60s', describe: 'How long faults go on: 30s, 10m, 600s or plain seconds' })
      .option('seed', { type: 'number', describe: 'Seed of the fault plan (default: random, printed so a run can be repeated)' })
      .option('brokers', { type: 'number', default: 3, describe: 'Brokers in the cluster' })
      .option('partitions', { type: 'number', default: 3, describe: 'Partitions of the chaos topic' })
      .option('acks', { type: 'string', default: 'all', choices: ['all', '-1', '1'], describe: 'Producer acks; with 1 an acknowledged record can be lost, so the run may FAIL' })
      .option('rate', { type: 'number', describe: 'Records per second (of the input, with --workload txn); default 2000, 300 with --workload txn' })
      .option('session-timeout-ms', { type: 'number', default: 3000, describe: 'A broker silent this long is declared dead' })
      .option('faults', {
        type: 'string',
        default: FAULT_KINDS.join(','),
        describe: 'Faults to draw from: kill (kill -9 a broker), pause (SIGSTOP), partition (cut a broker or the coordinator off from the others through a TCP proxy in front of each process; no root needed), coordinator (kill -9 it)',
      })
      .option('data-dir', { type: 'string', describe: 'Run the cluster here (must be empty; kept afterwards). Default: a temp dir, removed unless the run fails' })
      .option('keep-data', { type: 'boolean', default: false, describe: 'Keep the temp dir (SQLite files and chaos.log) even when the run passes' })
      .option('verbose', { type: 'boolean', default: false, describe: "Echo the cluster's log lines to stderr" })
      .options(clusterSecurityOption)
      .example('$0 chaos --duration 30s --seed 1', 'A 30-second run with a fault plan that can be repeated')
      .example('$0 chaos --faults partition', 'Network partitions only')
      .example('$0 chaos --workload txn --duration 300s', 'Exactly-once through transactions under the same faults'),
  handler: async (args) => {
    const durationMs = parseDurationMs(args.duration);
    if (durationMs === null) throw new UserError(`--duration "${args.duration}" is not a duration: say 30s, 10m, 600s or a number of seconds`, 2);
    if (!Number.isInteger(args.brokers) || args.brokers < 1 || args.brokers > 9) throw new UserError('--brokers must be between 1 and 9', 2);
    if (!Number.isInteger(args.partitions) || args.partitions < 1 || args.partitions > 100) throw new UserError('--partitions must be between 1 and 100', 2);
    const workload = args.workload as Workload;
    const rate = args.rate ?? (workload === 'txn' ? 300 : 2000);
    if (!(rate > 0 && rate <= 100_000)) throw new UserError('--rate must be between 1 and 100000 records/s', 2);
    if (!(args['session-timeout-ms'] >= 500)) throw new UserError('--session-timeout-ms must be at least 500', 2);
    if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new UserError('--seed must be an integer', 2);
    const faults = [...new Set(args.faults.split(',').map((f) => f.trim()).filter(Boolean))];
    const unknown = faults.filter((f) => !(FAULT_KINDS as readonly string[]).includes(f));
    if (faults.length === 0 || unknown.length > 0) throw new UserError(`--faults "${args.faults}": say one or more of ${FAULT_KINDS.join(', ')}, comma-separated`, 2);

    const abort = new AbortController();
    let dataDir: string | undefined = args['data-dir'];
    const onSignal = () => {
      if (!abort.signal.aborted) {
        process.stderr.write('yak chaos: stopping the cluster (Ctrl-C again to kill it at once)\n');
        abort.abort();
        return;
      }
      // Second signal: kill what the cluster file names and leave.
      const file = dataDir ? readClusterFile(dataDir) : null;
      for (const pid of [file?.coordinator.pid, ...(file?.brokers.map((b) => b.pid) ?? [])]) {
        if (pid && pid > 0) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const outcome = await runChaos(
        {
          workload,
          durationMs,
          seed: args.seed ?? randomSeed(),
          brokers: args.brokers,
          partitions: args.partitions,
          acks: args.acks === '1' ? '1' : 'all',
          rate,
          sessionTimeoutMs: args['session-timeout-ms'],
          faults: faults as FaultKind[],
          dataDir,
          keepData: args['keep-data'],
          verbose: args.verbose,
          ...(args.security === 'plaintext' ? {} : { security: { protocol: SECURITY_CHOICES[args.security as keyof typeof SECURITY_CHOICES] } }),
          entry: process.argv[1]!,
          onDataDir: (dir) => (dataDir = dir),
        },
        (line) => process.stdout.write(line + '\n'),
        abort.signal,
      );
      if (!outcome.passed) {
        process.stdout.write(`FAIL: ${outcome.failures.join(', ')}\n`);
        throw new UserError(`chaos run failed: ${outcome.failures.join(', ')}`);
      }
      process.stdout.write('PASS\n');
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
