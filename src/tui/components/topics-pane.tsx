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
  const replW = Math.max(8, ...topics.flatMap((t) => t.partitions.map((p) => list(p.replicas).length)));
  const oosW = Math.max(4, ...topics.flatMap((t) => t.partitions.map((p) => list(p.outOfSync).length + 1)));
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

  // Rows are described here and drawn only when visible: a 1000-partition topic is 1000 rows, ~20 on screen.
  const rows: { key: string; topic: string; first: boolean; cells: () => Cell[] }[] = [];
  for (const t of topics) {
    const isSelected = t.name === selected;
    const name = (first: boolean): Cell => ({ text: first ? `${isSelected ? '›' : ' '}${t.name}` : '', width: nameW, bold: isSelected });
    if (expandAll || isSelected) {
      t.partitions.forEach((p, i) => rows.push({ key: `${t.name}/${p.partition}`, topic: t.name, first: i === 0, cells: () => [name(i === 0), ...partitionCells(p, countW, replW, oosW, spark)] }));
      if (t.partitions.length === 0) rows.push({ key: t.name, topic: t.name, first: true, cells: () => [name(true), { text: 'no partitions' }] });
    } else {
      const health = t.offline > 0 ? { text: `${t.offline} offline`, color: theme.bad } : t.underReplicated > 0 ? { text: `${t.underReplicated} under`, color: theme.warn } : { text: 'all in sync', color: theme.ok };
      rows.push({
        key: t.name,
        topic: t.name,
        first: true,
        cells: () => [
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
      });
    }
  }

  const body = height - 1;
  const first = rows.findIndex((r) => r.topic === selected);
  const count = rows.filter((r) => r.topic === selected).length;
  const [from, to] = visibleRange(rows.length, body, first < 0 ? 0 : first + Math.min(count - 1, Math.floor(body / 2)));
  const hidden = from > 0 || to < rows.length ? ` (${from > 0 ? `${from}↑ ` : ''}${to < rows.length ? `${rows.length - to}↓` : ''})`.replace(' )', ')') : '';
  const right = summary + hidden;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleRow label="TOPICS" columns={columns} width={width} focused={focused} right={right} />
      {rows.length === 0 ? (
        <Text dimColor wrap="truncate">
          {' no topics yet: c creates one, or type a record in the produce pane (a new topic is created)'}
        </Text>
      ) : (
        rows.slice(from, to).map((r) => <Line key={r.key} cells={r.cells()} width={width} selected={r.topic === selected && r.first} focused={focused} />)
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
