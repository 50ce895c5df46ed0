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

export type LogLevel = 'INFO' | 'WARN' | 'ERROR';
export interface LogLine {
  atMs: number;
  level: LogLevel;
  /** The process name in brackets. */
  source: string;
  message: string;
}

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (INFO|WARN|ERROR) \[([^\]]+)\] (.*)$/;

/** A line `createLogger` wrote, split into its parts (only its format, never its wording); null for anything else. */
export function parseLogLine(line: string): LogLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  return { atMs: Date.parse(m[1]!), level: m[2] as LogLevel, source: m[3]!, message: m[4]! };
}
