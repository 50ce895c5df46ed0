import { Box } from 'ink';
import { compact, duration, sparkline } from '../format.js';
import type { ProcessRow } from '../model.js';
import { stateColor, theme } from '../theme.js';
import { Line, TitleRow, type Cell } from './line.js';
import { visibleRange } from './window.js';

export interface BrokersPaneProps {
  processes: ProcessRow[];
  selected: string | null;
  focused: boolean;
  width: number;
  /** Rows, title included. */
  height: number;
}

/** Brokers (and the coordinator, last): process state, leaderships, heartbeat age, records/s. */
export function BrokersPane({ processes, selected, focused, width, height }: BrokersPaneProps) {
  const wide = width >= 100;
  const brokers = processes.filter((p) => p.brokerId !== null);
  const hint = `${brokers.filter((p) => p.state === 'alive').length}/${brokers.length} alive`;
  // Columns and gaps take 64 (80 wide); then a gap and the sparkline, a gap and the hint.
  const spark = Math.max(0, Math.min(30, width - (wide ? 80 : 64) - 2 - hint.length));
  const columns: Cell[] = [
    { text: '', width: 11 },
    { text: 'PID', width: 7, align: 'right' },
    { text: wide ? 'ADDRESS' : 'PORT', width: wide ? 21 : 5, align: wide ? 'left' : 'right' },
    { text: 'STATE', width: 8 },
    { text: 'LEAD', width: 4, align: 'right' },
    { text: 'FOLLOW', width: 6, align: 'right' },
    { text: 'HEARTBEAT', width: 9, align: 'right' },
    { text: 'REC/S', width: 7, align: 'right' },
    ...(spark > 0 ? [{ text: '', width: spark }] : []),
  ];
  const rows = height - 1;
  const sel = Math.max(0, processes.findIndex((p) => p.name === selected));
  const [from, to] = visibleRange(processes.length, rows, sel);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleRow label="BROKERS" columns={columns} width={width} focused={focused} right={hint} />
      {processes.slice(from, to).map((p) => {
        const isSelected = p.name === selected;
        const broker = p.brokerId !== null;
        const cells: Cell[] = [
          { text: `${isSelected ? '›' : ' '}${p.name}`, width: 11, bold: isSelected, dim: !broker && !isSelected },
          { text: p.pid > 0 ? String(p.pid) : '-', width: 7, align: 'right', dim: p.pid <= 0 },
          wide ? { text: p.port ? `${p.host}:${p.port}` : '-', width: 21 } : { text: p.port ? String(p.port) : '-', width: 5, align: 'right' },
          { text: p.state, width: 8, color: stateColor[p.state], bold: p.state !== 'alive' },
          { text: broker ? String(p.leads) : '-', width: 4, align: 'right', dim: !broker },
          { text: broker ? String(p.follows) : '-', width: 6, align: 'right', dim: !broker },
          {
            text: p.heartbeatAgeMs >= 0 ? duration(p.heartbeatAgeMs) : '-',
            width: 9,
            align: 'right',
            color: p.heartbeatAgeMs > 1500 ? theme.warn : undefined,
            dim: p.heartbeatAgeMs < 0 || p.state === 'dead',
          },
          { text: broker ? compact(p.recordsPerSec) : '-', width: 7, align: 'right', dim: !broker || p.recordsPerSec === 0 },
          ...(spark > 0 ? [{ text: sparkline(p.history, spark), width: spark, color: p.recordsPerSec > 0 || p.history.some((v) => v > 0) ? theme.ok : theme.dim }] : []),
        ];
        return <Line key={p.name} cells={cells} width={width} selected={isSelected} focused={focused} />;
      })}
    </Box>
  );
}
