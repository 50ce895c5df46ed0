import { Text } from 'ink';
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

/** One row of fixed-width cells, exactly `width` columns: tables line up and never wrap. */
export function Line({ cells, width, selected = false, focused = false, gap = 1 }: { cells: Cell[]; width: number; selected?: boolean; focused?: boolean; gap?: number }) {
  const fixed = cells.reduce((a, c) => a + (c.width ?? 0), 0) + gap * Math.max(0, cells.length - 1);
  const rest = Math.max(0, width - fixed);
  let used = 0;
  const parts = cells.map((c, i) => {
    const w = Math.min(c.width ?? rest, Math.max(0, width - used - (i > 0 ? gap : 0)));
    const text = (i > 0 && used < width ? ' '.repeat(Math.min(gap, width - used)) : '') + fit(c.text, w, c.align);
    used += text.length;
    return (
      // A blank cell gets no colour: on a selected (inverse) row a coloured blank would be a solid block.
      <Text key={i} color={c.text.trim() ? c.color : undefined} bold={c.bold} dimColor={c.dim}>
        {text}
      </Text>
    );
  });
  return (
    <Text wrap="truncate" inverse={selected && focused} bold={selected && !focused}>
      {parts}
      {used < width ? ' '.repeat(width - used) : ''}
    </Text>
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
  return (
    <Text color={focused ? undefined : theme.title} inverse={focused} bold wrap="truncate">
      <Line cells={cells} width={width} />
    </Text>
  );
}
