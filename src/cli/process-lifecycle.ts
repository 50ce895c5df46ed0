import { UserError } from '../common/errors.js';
import { exitWhenOrphaned, reportFatal, reportReady } from '../supervisor/child-process.js';

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
export async function serveClusterProcess(start: () => Promise<{ host: string; port: number; close(): Promise<void> }>): Promise<never> {
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
  return runUntilSignal(() => server.close(), exitWhenOrphaned);
}
