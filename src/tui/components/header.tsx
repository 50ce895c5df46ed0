import { Text } from 'ink';
import { compact, duration } from '../format.js';
import type { ClusterView } from '../model.js';
import { stateColor, theme } from '../theme.js';

export interface HeaderProps {
  view: ClusterView;
  nowMs: number;
  width: number;
  stopping: boolean;
}

/** One line: data dir, bootstrap, uptime, coordinator state, records/s in and to followers. Parts drop off from the right on narrow terminals. */
export function Header({ view, nowMs, width, stopping }: HeaderProps) {
  const brokers = view.bootstrap.split(',').filter(Boolean);
  const bootstrap = width >= 150 || brokers.length <= 1 ? view.bootstrap : `${brokers[0]} +${brokers.length - 1}`;
  // In the order they are kept when the row is short: the bootstrap address is what a client needs.
  const parts: { label: string; value: string; color?: string }[] = [
    { label: 'bootstrap', value: bootstrap },
    { label: 'zookeeper', value: view.coordinator.state, color: stateColor[view.coordinator.state] },
    { label: 'in', value: `${compact(view.recordsInPerSec)} rec/s` },
    { label: 'up', value: duration(Math.max(0, nowMs - view.startedAtMs)) },
    { label: 'data', value: view.dataDir },
    { label: 'to followers', value: `${compact(view.recordsReplicatedPerSec)} rec/s` },
    { label: 'metadata', value: `v${view.coordinator.metadataVersion}` },
  ];
  const order = ['data', 'bootstrap', 'up', 'zookeeper', 'in', 'to followers', 'metadata'];
  // Keep the most useful parts that fit, in display order.
  let budget = width - 5;
  const kept = new Set<string>();
  for (const p of parts) {
    const w = p.label.length + p.value.length + 4;
    if (w <= budget) {
      kept.add(p.label);
      budget -= w;
    }
  }
  const shown = order.map((l) => parts.find((p) => p.label === l)!).filter((p) => kept.has(p.label));
  return (
    <Text wrap="truncate">
      <Text bold color={theme.title}>
        YaK
      </Text>
      {stopping ? (
        <Text color={theme.warn} bold>
          {'  stopping the cluster…'}
        </Text>
      ) : (
        shown.map((p) => (
          <Text key={p.label}>
            {'  '}
            <Text color={theme.label}>{p.label} </Text>
            <Text color={p.color} bold={p.label === 'zookeeper' && view.coordinator.state !== 'alive'}>
              {p.value}
            </Text>
          </Text>
        ))
      )}
    </Text>
  );
}
