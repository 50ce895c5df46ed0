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
  let server;
  try {
    server = await start();
  } catch (err) {
    reportFatal((err as Error).message);
    throw err;
  }
  reportReady(server.host, server.port);
  return runUntilSignal(() => server.close(), exitWhenOrphaned);
}
