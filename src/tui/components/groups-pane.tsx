import { Box, Text } from 'ink';
import { memo } from 'react';
import type { GroupDescription } from '../../client/group-admin.js';
import { compact } from '../format.js';
import { theme } from '../theme.js';
import { Line, TitleRow, type Cell } from './line.js';
import { visibleRange } from './window.js';

export interface GroupsPaneProps {
  groups: GroupDescription[];
  /** Why the list could not be read (shown instead of it), or null. */
  status: string | null;
  selected: string | null;
  focused: boolean;
  width: number;
  height: number;
}

const STATE_COLOR: Record<string, string | undefined> = { Stable: theme.ok, Empty: theme.dim, PreparingRebalance: theme.warn, CompletingRebalance: theme.warn, Dead: theme.bad };
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const LAG_W = 7;
/** A lag in its column: in full while it fits, else in short form (15M), never cut to a wrong number. */
const lagText = (lag: number | null) => (lag === null ? '-' : String(lag).length <= LAG_W ? String(lag) : compact(lag));

/** A group's lag: the sum over its partitions with a committed offset; null when none has one. */
export function totalLag(g: GroupDescription): number | null {
  const known = g.partitions.filter((p) => p.lag !== null);
  return known.length === 0 ? null : known.reduce((a, p) => a + p.lag!, 0);
}

/** How many rows the pane wants: one per group, and one per partition of the selected group. */
export function groupRowCount(groups: GroupDescription[], selected: string | null): number {
  return groups.reduce((a, g) => a + 1 + (g.groupId === selected ? g.partitions.length : 0), 0);
}

/**
 * Consumer groups (the Tab after EVENTS, or g, in place of TOPICS): state, members and total lag of
 * each; the selected group unfolded into its partitions: who reads it, committed offset, log end, lag.
 * Narrow terminals (80 columns) drop the host column.
 */
export const GroupsPane = memo(function GroupsPane({ groups, status, selected, focused, width, height }: GroupsPaneProps) {
  const wide = width >= 100;
  // 80 columns exactly at the narrowest: 14 + 19 (CompletingRebalance) + 17 + 9 + 9 + 7 and the gaps.
  const nameW = width >= 150 ? 28 : wide ? 20 : 14;
  const memberW = wide ? 30 : 17;
  const columns: Cell[] = [
    { text: '', width: nameW },
    { text: 'STATE / PARTITION', width: 19 },
    { text: 'MEMBER', width: memberW },
    { text: 'COMMITTED', width: 9, align: 'right' },
    { text: 'END', width: 9, align: 'right' },
    { text: 'LAG', width: LAG_W, align: 'right' },
  ];
  const rows: { key: string; group: string; first: boolean; cells: () => Cell[] }[] = [];
  for (const g of groups) {
    const isSelected = g.groupId === selected;
    const lag = totalLag(g);
    rows.push({
      key: g.groupId,
      group: g.groupId,
      first: true,
      cells: () => [
        { text: `${isSelected ? '›' : ' '}${g.groupId}`, width: nameW, bold: isSelected },
        { text: g.state, width: 19, color: STATE_COLOR[g.state] },
        // Over the COMMITTED and END columns too, blank on a group's row: "2 members, 12 parts" fits at 80 columns.
        { text: `${plural(g.members.length, 'member')}, ${plural(g.partitions.length, 'part')}`, width: memberW + 1 + 9 + 1 + 9, dim: g.members.length === 0 },
        { text: lagText(lag), width: LAG_W, align: 'right', color: lag ? theme.warn : undefined },
      ],
    });
    if (!isSelected) continue;
    for (const p of g.partitions) {
      rows.push({
        key: `${g.groupId}/${p.topic}/${p.partition}`,
        group: g.groupId,
        first: false,
        cells: () => [
          { text: '', width: nameW },
          { text: `  ${p.topic}-${p.partition}`, width: 19 },
          { text: p.clientId ? (wide && p.host ? `${p.clientId} ${p.host}` : p.clientId) : 'no member', width: memberW, dim: !p.clientId },
          { text: p.committedOffset === null ? '-' : String(p.committedOffset), width: 9, align: 'right', dim: p.committedOffset === null },
          { text: p.logEndOffset === null ? '-' : String(p.logEndOffset), width: 9, align: 'right' },
          { text: lagText(p.lag), width: LAG_W, align: 'right', color: p.lag ? theme.warn : undefined },
        ],
      });
    }
  }
  const body = height - 1;
  const first = rows.findIndex((r) => r.group === selected);
  const [from, to] = visibleRange(rows.length, body, first < 0 ? 0 : first + Math.floor(body / 2));
  const right = `${plural(groups.length, 'group')} · g/Tab`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleRow label="GROUPS" columns={columns} width={width} focused={focused} right={right} />
      {status ? (
        <Text color={theme.warn} wrap="truncate">
          {` ${status}`}
        </Text>
      ) : rows.length === 0 ? (
        <Text dimColor wrap="truncate">
          {' no consumer groups yet: yak consume --group g -t <topic> starts one'}
        </Text>
      ) : (
        rows.slice(from, to).map((r) => <Line key={r.key} cells={r.cells()} width={width} selected={r.group === selected && r.first} focused={focused} />)
      )}
    </Box>
  );
});
