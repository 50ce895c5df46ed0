/** `--duration`: `30s`, `10m`, `1h`, `600s`, `1.5m` or plain seconds (`45`). Returns milliseconds, or null if unreadable. */
export function parseDurationMs(text: string | number): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(String(text));
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * unit;
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : null;
}
