/** Line logger for the cluster processes: one line per event, prefixed by the process name. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * `new Date(ms).toISOString()`, from the date's UTC fields: toISOString itself reads ICU's time-zone
 * data, about 0.85 MB of RSS an idle cluster process otherwise never touches (years 0-9999 only).
 */
export function isoTimestamp(ms = Date.now()): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

export function createLogger(name: string, out: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string, message: string) =>
    out.write(`${isoTimestamp()} ${level} [${name}] ${message}\n`);
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
