import { Box, Text } from 'ink';
import { memo } from 'react';
import { compact, sparkline } from '../format.js';
import type { PartitionRow, TopicRow } from '../model.js';
import { theme } from '../theme.js';
import { Line, TitleRow, type Cell } from './line.js';
import { visibleRange } from './window.js';

export interface TopicsPaneProps {
  topics: TopicRow[];
  selected: string | null;
  focused: boolean;
  /** Show every topic's partitions; otherwise only the selected topic's, others as one summary row. */
  expandAll: boolean;
  width: number;
  height: number;
}

/** How many rows the pane wants: one per partition of expanded topics, one per other topic. */
export function topicRowCount(topics: TopicRow[], selected: string | null, expandAll: boolean): number {
  return topics.reduce((a, t) => a + (expandAll || t.name === selected ? Math.max(1, t.partitions.length) : 1), 0);
}

const list = (ids: number[]) => ids.join(',');

/** Topics and partitions: leader, epoch, replicas, ISR with out-of-sync replicas marked ✗, high watermark, records/s. */
export const TopicsPane = memo(function TopicsPane({ topics, selected, focused, expandAll, width, height }: TopicsPaneProps) {
  const nameW = width >= 150 ? 24 : width >= 100 ? 16 : 12;
  // A 1000-partition topic's count takes 4 columns.
  const countW = Math.max(3, ...topics.map((t) => String(t.partitions.length).length));
  const replW = Math.max(8, ...topics.map((t) => t.widest.replicas));
  const oosW = Math.max(4, ...topics.map((t) => t.widest.outOfSync + 1));
  const underReplicated = topics.reduce((a, t) => a + t.underReplicated, 0);
  const offline = topics.reduce((a, t) => a + t.offline, 0);
  const summary = `${topics.length} topic${topics.length === 1 ? '' : 's'}${offline ? `, ${offline} offline` : ''}${underReplicated ? `, ${underReplicated} under-replicated` : ''}`;
  // Nine columns and their gaps; then a gap and the sparkline, a gap and the summary.
  const fixed = nameW + countW + 6 + 5 + replW + replW + oosW + 10 + 7 + 8;
  const spark = Math.max(0, Math.min(40, width - fixed - 2 - Math.min(summary.length + 8, 30)));
  const columns: Cell[] = [
    { text: '', width: nameW },
    { text: 'P', width: countW, align: 'right' },
    { text: 'LEADER', width: 6, align: 'right' },
    { text: 'EPOCH', width: 5, align: 'right' },
    { text: 'REPLICAS', width: replW },
    { text: 'ISR', width: replW },
    { text: '', width: oosW },
    { text: 'HIGH WM', width: 10, align: 'right' },
    { text: 'REC/S', width: 7, align: 'right' },
    ...(spark > 0 ? [{ text: '', width: spark }] : []),
  ];

  // Only the rows on screen are built: a 1000-partition topic is 1000 rows, ~20 of them visible.
  const expanded = (t: TopicRow) => expandAll || t.name === selected;
  const rowsOf = (t: TopicRow) => (expanded(t) ? Math.max(1, t.partitions.length) : 1);
  let total = 0;
  let first = -1;
  let count = 0;
  for (const t of topics) {
    if (t.name === selected) [first, count] = [total, rowsOf(t)];
    total += rowsOf(t);
  }
  const body = height - 1;
  const [from, to] = visibleRange(total, body, first < 0 ? 0 : first + Math.min(count - 1, Math.floor(body / 2)));
  const rows: { key: string; topic: string; first: boolean; cells: Cell[] }[] = [];
  let at = 0;
  for (const t of topics) {
    const n = rowsOf(t);
    if (at + n > from && at < to) rows.push(...topicRows(t, Math.max(0, from - at), Math.min(n, to - at)));
    at += n;
    if (at >= to) break;
  }

  /** Rows `start` to `end` of topic t: its partitions when expanded, else its summary row. */
  function topicRows(t: TopicRow, start: number, end: number): { key: string; topic: string; first: boolean; cells: Cell[] }[] {
    const isSelected = t.name === selected;
    const name = (first: boolean): Cell => ({ text: first ? `${isSelected ? '›' : ' '}${t.name}` : '', width: nameW, bold: isSelected });
    if (expanded(t)) {
      if (t.partitions.length === 0) return [{ key: t.name, topic: t.name, first: true, cells: [name(true), { text: 'no partitions' }] }];
      return t.partitions.slice(start, end).map((p, i) => ({ key: `${t.name}/${p.partition}`, topic: t.name, first: start + i === 0, cells: [name(start + i === 0), ...partitionCells(p, countW, replW, oosW, spark)] }));
    }
    const health = t.offline > 0 ? { text: `${t.offline} offline`, color: theme.bad } : t.underReplicated > 0 ? { text: `${t.underReplicated} under`, color: theme.warn } : { text: 'all in sync', color: theme.ok };
    return [
      {
        key: t.name,
        topic: t.name,
        first: true,
        cells: [
          name(true),
          { text: String(t.partitions.length), width: countW, align: 'right' },
          { text: list([...new Set(t.partitions.map((p) => p.leader).filter((l) => l >= 0))]), width: 6, align: 'right' },
          { text: String(Math.max(0, ...t.partitions.map((p) => p.leaderEpoch))), width: 5, align: 'right', dim: true },
          { text: `rf ${Math.max(0, ...t.partitions.map((p) => p.replicas.length))}`, width: replW, dim: true },
          { text: health.text, width: replW + 1 + oosW, color: health.color },
          { text: t.highWatermark === null ? '-' : String(t.highWatermark), width: 10, align: 'right' },
          { text: compact(t.recordsPerSec), width: 7, align: 'right', dim: t.recordsPerSec === 0 },
          ...(spark > 0 ? [{ text: sparkline(t.history, spark), width: spark, color: t.history.some((v) => v > 0) ? theme.ok : theme.dim }] : []),
        ],
      },
    ];
  }

  const hidden = from > 0 || to < total ? ` (${from > 0 ? `${from}↑ ` : ''}${to < total ? `${total - to}↓` : ''})`.replace(' )', ')') : '';
  const right = summary + hidden;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleRow label="TOPICS" columns={columns} width={width} focused={focused} right={right} />
      {total === 0 ? (
        <Text dimColor wrap="truncate">
          {' no topics yet: c creates one, or type a record in the produce pane (a new topic is created)'}
        </Text>
      ) : (
        rows.map((r) => <Line key={r.key} cells={r.cells} width={width} selected={r.topic === selected && r.first} focused={focused} />)
      )}
    </Box>
  );
});

function partitionCells(p: PartitionRow, countW: number, replW: number, oosW: number, spark: number): Cell[] {
  const offline = p.leader < 0;
  return [
    { text: String(p.partition), width: countW, align: 'right' },
    { text: offline ? 'none' : String(p.leader), width: 6, align: 'right', color: offline ? theme.bad : undefined, bold: offline },
    { text: String(p.leaderEpoch), width: 5, align: 'right', dim: true },
    { text: list(p.replicas), width: replW },
    { text: list(p.isr), width: replW, color: p.outOfSync.length > 0 ? theme.warn : theme.ok },
    { text: p.outOfSync.length > 0 ? `✗${list(p.outOfSync)}` : '', width: oosW, color: theme.bad, bold: true },
    { text: p.highWatermark === null ? '-' : String(p.highWatermark), width: 10, align: 'right' },
    { text: compact(p.recordsPerSec), width: 7, align: 'right', dim: p.recordsPerSec === 0 },
    ...(spark > 0 ? [{ text: sparkline(p.history, spark), width: spark, color: p.recordsPerSec > 0 || p.history.some((v) => v > 0) ? theme.ok : theme.dim }] : []),
  ];
}
