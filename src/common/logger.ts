/** Line logger for the cluster processes: one line per event, prefixed by the process name. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(name: string, out: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string, message: string) =>
    out.write(`${new Date().toISOString()} ${level} [${name}] ${message}\n`);
  return {
    info: (m) => line('INFO', m),
    warn: (m) => line('WARN', m),
    error: (m) => line('ERROR', m),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
