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
