import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ErrorCode, KafkaError, UserError } from '../common/errors.js';
import { assertLimits } from '../common/limits.js';
import { createFilesPrivately } from '../common/private-files.js';
import { commandsFor } from './command-table.js';
import { ExitCode } from './output.js';
import { explainUsageError, optionsOf } from './usage-errors.js';
import { yakVersion } from '../common/version.js';

const version = yakVersion;


function reportAndExit(err: unknown): never {
  if (err instanceof UserError) {
    process.stderr.write(`yak: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if (err instanceof KafkaError) {
    const hints: Partial<Record<number, string>> = {
      // A SASL or TLS listener closes a connection that does not speak its protocol: say so too.
      [ErrorCode.NETWORK_EXCEPTION]: ' (is the cluster running, and is it a SASL or TLS one? `npx yak status` tells; --security-protocol)',
      [ErrorCode.SASL_AUTHENTICATION_FAILED]: ' (check --user, --password-file and --sasl-mechanism)',
      [ErrorCode.COORDINATOR_NOT_AVAILABLE]: ' (consumer groups live in the coordinator: is zookeeper running? `npx yak status` tells)',
    };
    const hint = hints[err.code] ?? '';
    process.stderr.write(`yak: ${err.message}${hint}\n`);
    process.exit(ExitCode.failed);
  }
  process.stderr.write(`yak: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(ExitCode.failed);
}

/** kcat's `-K:` (separator glued to the flag) reads as `-K :`, as users of kcat type it. */
function kcatStyleKeySeparator(args: string[]): string[] {
  return args.flatMap((a) => (a.startsWith('-K') && a.length > 2 && a[2] !== '=' ? ['-K', a.slice(2)] : [a]));
}

/**
 * `yak topic list | head -1`: the reader of stdout went away; the output is no longer wanted, which
 * is not a failure. A command with its own handler (consume, which leaves its group first) decides.
 */
function quietOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') reportAndExit(err);
    if (process.stdout.listenerCount('error') === 1) process.exit(ExitCode.ok);
  });
}

/**
 * yargs renders the running command's whole help text before its handler's promise settles, to show
 * it should the handler fail; ours never do (`.fail` below words each error in one line). Rendering
 * it cost every process 100-150 ms of CPU at start and made V8 optimize cliui's text wrapping, which
 * a broker then kept resident (the optimizing compiler's pages and memory) for its whole life.
 * (getUsageInstance is yargs' own, not in its types.)
 */
function skipHelpRendering(cli: Argv): void {
  const internals = (cli as unknown as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } } }).getInternalMethods();
  internals.getUsageInstance().cacheHelpMessage = () => {};
}

async function main(): Promise<void> {
  assertLimits();
  // Data dirs, SQLite files, cluster.json, logs: whatever yak creates is its user's only.
  createFilesPrivately();
  quietOnClosedStdout();
  const args = kcatStyleKeySeparator(hideBin(process.argv));
  const cli = yargs(args);
  skipHelpRendering(cli);
  await cli
    .scriptName('yak')
    .usage('YaK (Yet Another Kafka): a small, real Kafka on your laptop.\n\nUsage: $0 <command> [options]')
    .command(await commandsFor(args))
    // bash/zsh: `yak completion >> ~/.bashrc` (the script asks `yak --get-yargs-completions` as you type).
    .completion('completion', 'Print a bash/zsh completion script for yak (add it to ~/.bashrc or ~/.zshrc)')
    .demandCommand(1, 'Say what to do: yak up --brokers 3, yak produce --topic t, yak consume --topic t ... (yak --help lists all)')
    .strict()
    .recommendCommands()
    // Values yargs lets through that no command can run with: say so instead of running with them.
    .check((argv) => {
      // (argv holds each option as typed, camelCased and by alias: name the typed long form.)
      const typed = Object.entries(argv).filter(([k]) => k.length > 1 && !/[A-Z]/.test(k) && k !== '_' && k !== '$0');
      // `--idle-timeout-ms abc` is NaN.
      const bad = typed.find(([, v]) => typeof v === 'number' && Number.isNaN(v));
      if (bad) return `--${bad[0]} must be a number`;
      // An option given twice becomes a list; one that takes a single value would then run with neither.
      const lists = new Set(optionsOf(cli).array);
      const twice = typed.find(([k, v]) => Array.isArray(v) && !lists.has(k));
      return twice ? `--${twice[0]} takes one value, given ${(twice[1] as unknown[]).length}` : true;
    })
    .version(version)
    .help()
    .alias('h', 'help')
    // The terminal's width (COLUMNS when stdout is not one), at most 110: long lines are hard to read.
    .wrap(Math.min(110, process.stdout.columns || Number(process.env.COLUMNS) || 100))
    .fail((msg, err) => {
      // yargs' own YError (e.g. from an option's coerce) is a command-line mistake, not a crash.
      if (err instanceof Error && err.name !== 'YError') reportAndExit(err);
      const text = explainUsageError(msg ?? (err as Error | string | undefined)?.toString() ?? 'bad command line', cli, args);
      process.stderr.write(`yak: ${text}\nRun 'yak --help' for usage.\n`);
      process.exit(ExitCode.usage);
    })
    .parseAsync();
}

main().catch(reportAndExit);
