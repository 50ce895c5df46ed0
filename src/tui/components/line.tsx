import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { fit } from '../format.js';
import { theme } from '../theme.js';

export interface Cell {
  text: string;
  /** Columns; omit for the one cell that takes what is left. */
  width?: number;
  align?: 'left' | 'right';
  color?: string;
  bold?: boolean;
  dim?: boolean;
}

/** The whole row's colour and emphasis (a selected row: inverse when its pane is focused, else bold). */
export interface RowStyle {
  color?: string;
  inverse?: boolean;
  bold?: boolean;
}

/** Printable ASCII only: what string-width measures with one regex test instead of grapheme by grapheme. */
const ASCII = /^[\u0020-\u007e]*$/;

/**
 * One row of fixed-width cells, exactly `width` columns: tables line up and never wrap.
 *
 * Ink measures every Text it draws, every frame, with string-width, which is quick for printable
 * ASCII and grapheme by grapheme (Intl.Segmenter, emoji regexes) for anything else: one ▁ of a
 * sparkline sends the whole row down the slow path. So a row whose cells mix the two is drawn as a
 * Text per run of ASCII cells and per other cell, side by side: only the sparkline (or the ›, the ✗)
 * is measured slowly. A 1000-partition topic's 23 rows at 120x40 cost a third less per frame so.
 */
export function Line({ cells, width, selected = false, focused = false, gap = 1, style }: { cells: Cell[]; width: number; selected?: boolean; focused?: boolean; gap?: number; style?: RowStyle }) {
  const { color, inverse, bold } = style ?? { inverse: selected && focused, bold: selected && !focused };
  const fixed = cells.reduce((a, c) => a + (c.width ?? 0), 0) + gap * Math.max(0, cells.length - 1);
  const rest = Math.max(0, width - fixed);
  let used = 0;
  const runs: { ascii: boolean; parts: ReactElement[] }[] = [];
  cells.forEach((c, i) => {
    const w = Math.min(c.width ?? rest, Math.max(0, width - used - (i > 0 ? gap : 0)));
    const text = (i > 0 && used < width ? ' '.repeat(Math.min(gap, width - used)) : '') + fit(c.text, w, c.align);
    used += text.length;
    const ascii = ASCII.test(text);
    const part = (
      // A blank cell gets no colour: on a selected (inverse) row a coloured blank would be a solid block.
      <Text key={i} color={c.text.trim() ? c.color : undefined} bold={c.bold} dimColor={c.dim}>
        {text}
      </Text>
    );
    const last = runs.at(-1);
    if (last && last.ascii && ascii) last.parts.push(part);
    else runs.push({ ascii, parts: [part] });
  });
  if (used < width) runs.push({ ascii: true, parts: [<Text key="pad">{' '.repeat(width - used)}</Text>] });
  const row = (parts: ReactElement[], key?: number) => (
    <Text key={key} wrap="truncate" color={color} inverse={inverse} bold={bold}>
      {parts}
    </Text>
  );
  if (runs.length === 1) return row(runs[0]!.parts);
  return (
    <Box width={width} height={1} flexShrink={0}>
      {runs.map((r, i) => row(r.parts, i))}
    </Box>
  );
}

/**
 * A pane's first row: its name, then (for tables) the column headings. Focused: inverse, so the
 * pane that takes the arrows is plain to see. `right` is a hint at the far end (when it fits).
 */
export function TitleRow({ label, columns, width, focused, right }: { label: string; columns?: Cell[]; width: number; focused: boolean; right?: string }) {
  const cells: Cell[] = columns && columns.length > 0 ? [{ ...columns[0]!, text: label }, ...columns.slice(1)] : [{ text: label, width: label.length }];
  const flexible = cells.some((c) => c.width === undefined);
  const used = cells.reduce((a, c) => a + (c.width ?? 0) + 1, 0);
  if (!flexible) cells.push({ text: right && width - used >= right.length ? right : '', align: 'right' });
  return <Line cells={cells} width={width} style={{ color: focused ? undefined : theme.title, inverse: focused, bold: true }} />;
}
