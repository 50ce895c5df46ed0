/** Small text helpers for fixed-width columns (display only, no colour). */

/** Pads or cuts to exactly `width` columns; a cut string ends with an ellipsis. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Cuts to at most `width` columns without padding. */
export function clip(text: string, width: number): string {
  return text.length > width ? fit(text, width) : text;
}

/** 950, 1.2k, 34k, 1.5M: rates and counts in four columns or so. */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n));
  if (a < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (a < 1_000_000) return `${Math.round(n / 1000)}k`;
  if (a < 10_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  return `${Math.round(n / 1_000_000)}M`;
}

/** 0.3s, 12s, 4m05s, 2h03m. */
export function duration(ms: number): string {
  if (ms < 0) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

/** Local wall-clock time with milliseconds: elections take milliseconds, so the log shows them. */
export function clock(ms: number, withMs = true): string {
  const d = new Date(ms);
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
  return withMs ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms;
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as a bar per value, scaled to the largest: ▁ is nothing, ▂ to █ some
 * traffic, so a quiet second never looks like a slow one. Blanks where there is no history yet.
 */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const tail = values.slice(-width);
  const max = Math.max(0, ...tail);
  const bars = tail.map((v) => (v <= 0 || max <= 0 ? BARS[0]! : BARS[1 + Math.min(BARS.length - 2, Math.floor((v / max) * (BARS.length - 2)))]!));
  return bars.join('').padStart(width);
}

/** Printable text of a record key or value: control characters shown as `·`. */
export function printable(b: Buffer | null, max = 200): string {
  if (b === null) return 'null';
  const s = b.subarray(0, max * 4).toString('utf8');
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '·');
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}
