import { UserError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { exitWhenOrphaned, reportFatal, reportReady } from '../supervisor/child-process.js';

/**
 * The last resort for errors nothing else handled, the same in every cluster process (`yak broker`,
 * `yak zookeeper`, `yak up`). Errors from peers never get here: FrameServer settles every request
 * and closes only the connection at fault, and a client Connection fails only itself. What gets here
 * is a bug, logged as one ERROR line (the logger names the process) with its stack:
 *
 * - `unhandledRejection`: a promise nobody awaited failed. The async work that made it stopped at an
 *   `await`, where state is as consistent as after any caught error, and nothing else waits on it:
 *   keep serving (Node's default, exiting, would turn one failed background task into an outage).
 * - `uncaughtException`: a synchronous throw unwound a timer or event callback part-way, so what it
 *   was changing may be half-changed, in memory that later answers (and acknowledgements) come from.
 *   Node documents that resuming is unsafe: exit 1. For a broker or the coordinator that is a crash
 *   the cluster is built to survive (the supervisor reports it, leaders move, `yak restart` brings it
 *   back); for `yak up` its children see the supervisor go and stop cleanly.
 */
export function installLastResortHandlers(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error(`unhandled promise rejection (a bug; still serving): ${(reason as Error)?.stack ?? String(reason)}`);
  });
  process.on('uncaughtException', (err) => {
    logger.error(`uncaught exception (a bug; exiting, as state may be half-changed): ${err?.stack ?? String(err)}`);
    process.exit(1);
  });
}

/**
 * Keeps a server process running until SIGINT/SIGTERM (or its supervisor disappears), then closes
 * it once and exits 0. A second signal exits at once.
 */
export function runUntilSignal(close: () => Promise<void>, onOrphaned?: (shutdown: () => void) => void): Promise<never> {
  return new Promise<never>(() => {
    let closing = false;
    const shutdown = () => {
      if (closing) process.exit(1);
      closing = true;
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    onOrphaned?.(shutdown);
  });
}

/**
 * Runs a cluster server process (`yak zookeeper`, `yak broker`): starts it, tells a supervisor it is
 * ready (or why it could not start), then serves until a signal or the supervisor's exit.
 */
export async function serveClusterProcess(logger: Logger, start: () => Promise<{ host: string; port: number; close(): Promise<void> }>): Promise<never> {
  installLastResortHandlers(logger);
  // Until it serves (a broker waits for the coordinator to register), a process whose supervisor
  // went away has nothing to close: it exits, rather than wait on as an orphan.
  const orphanedWhileStarting = () => process.exit(1);
  exitWhenOrphaned(orphanedWhileStarting);
  let server;
  try {
    server = await start();
  } catch (err) {
    const exitCode = err instanceof UserError ? err.exitCode : 1;
    const sent = await reportFatal((err as Error).message, exitCode);
    // A supervisor prints a user error's reason itself (once); anything else is printed here as well, stack and all.
    if (sent && err instanceof UserError) process.exit(exitCode);
    throw err;
  }
  process.off('disconnect', orphanedWhileStarting);
  reportReady(server.host, server.port);
  collectStartupGarbage();
  return runUntilSignal(() => server.close(), exitWhenOrphaned);
}

/**
 * One full collection once a cluster process serves: what loading and starting it left (the command
 * line's parsing, modules' set-up, a young generation grown to its maximum while loading) is
 * otherwise kept until V8 gets to a full collection by itself, which in an idle process can be many
 * seconds later. `gc` is node's, which the supervisor exposes to its children (child-process.ts).
 */
export function collectStartupGarbage(collect = (globalThis as { gc?: () => void }).gc): void {
  if (collect) setImmediate(collect).unref();
}

