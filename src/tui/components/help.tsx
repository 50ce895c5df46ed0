import { Box, Text } from 'ink';
import { fit } from '../format.js';
import { theme } from '../theme.js';

const KEYS: [string, string][] = [
  ['Tab / Shift-Tab', 'move between panes: brokers, topics, produce, consume, events'],
  ['↑ ↓  PgUp PgDn', 'select a broker or a topic; scroll the consume and event panes'],
  ['End', 'follow the newest lines again'],
  ['k', 'kill the selected broker (SIGKILL, a crash): watch the elections'],
  ['p', 'pause the selected broker (SIGSTOP, a hang), or resume it'],
  ['r', 'restart the selected broker (after a kill): it truncates, catches up, rejoins the ISR'],
  ['c', 'create a topic: name, partitions, replication factor'],
  ['i  or Enter on a topic', 'type a record: topic, key (optional), value; Enter sends it (acks=all)'],
  ['b / l / t', 'consume pane: from the beginning / new records only / recent and live'],
  ['?', 'this help (Esc closes it)'],
  ['q  Ctrl-C', 'quit: stops every broker and the coordinator'],
];

const LEGEND: [string, string][] = [
  ['alive', 'registered with the coordinator and heartbeating'],
  ['starting', 'process running, not registered (yet, or again after a pause)'],
  ['paused', 'SIGSTOPped: no heartbeats; the coordinator declares it dead after the session timeout'],
  ['dead', 'no process: r restarts it from its own data directory'],
  ['✗2', 'replica 2 is out of sync (not in the ISR): it cannot be elected leader'],
  ['HIGH WM', 'high watermark: records below it are on every in-sync replica and readable'],
  ['REC/S', 'records per second appended, from the high watermark polled each second'],
];

/** The help screen: keys and what the states and columns mean. */
export function Help({ width, height }: { width: number; height: number }) {
  const keyW = 24;
  return (
    <Box flexDirection="column" width={width} height={height} paddingX={1}>
      <Text bold color={theme.title}>
        KEYS
      </Text>
      {KEYS.map(([k, d]) => (
        <Text key={k} wrap="truncate">
          <Text bold>{fit(k, keyW)}</Text>
          {d}
        </Text>
      ))}
      <Text> </Text>
      <Text bold color={theme.title}>
        WHAT YOU SEE
      </Text>
      {LEGEND.map(([k, d]) => (
        <Text key={k} wrap="truncate">
          <Text bold>{fit(k, keyW)}</Text>
          {d}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate">
        Outside this screen, yak kill|pause|resume|restart broker-N, yak produce, kcat -P ... show up here within a second.
      </Text>
    </Box>
  );
}
