import { Box, Text } from 'ink';
import { fit } from '../format.js';
import { theme } from '../theme.js';

type Row = { heading: string } | { term: string; text: string } | { note: string } | null;

const KEYS: [string, string][] = [
  ['Tab Shift-Tab', 'move between panes: brokers, topics, produce, consume, events, groups'],
  ['↑ ↓ PgUp PgDn', 'select a broker or a topic; scroll the consume and event panes'],
  ['End', 'follow the newest lines again'],
  ['k', 'kill the selected broker (SIGKILL, a crash): watch the elections'],
  ['p', 'pause the selected broker (SIGSTOP, a hang), or resume it'],
  ['r', 'restart the selected broker (killed first if running); it catches up, rejoins the ISR'],
  ['c', 'create a topic: name, partitions, replication factor (Tab or ↑ ↓ between them)'],
  ['i  Enter', 'type a record for the selected topic (Enter: in TOPICS); the cursor is on the value'],
  [' in PRODUCE', '↑ ↓ topic / key (optional) / value; Enter sends (acks=all); Ctrl-U clears; Esc leaves'],
  ['b / l / t', 'consume pane: from the beginning / new records only / recent and live'],
  ['g', 'consumer groups in place of topics: state, members, lag'],
  ['d', 'event pane: each event of a burst, or the summaries again'],
  ['?', 'this help (Esc closes it)'],
  ['q  Ctrl-C', 'quit: stops every broker and the coordinator'],
];

const LEGEND: [string, string][] = [
  ['dead', 'no process: r restarts it from its own data directory'],
  ['paused', 'SIGSTOPped: no heartbeats; the coordinator declares it dead after the session timeout'],
  ['starting', 'process running, not registered (yet, or again after a pause)'],
  ['✗2', 'replica 2 is out of sync (not in the ISR): it cannot be elected leader'],
  ['HIGH WM', 'high watermark: records below it are on every in-sync replica and readable'],
  ['REC/S', 'records per second appended, from the high watermark polled each second'],
  ['alive', 'registered with the coordinator and heartbeating'],
];

const OUTSIDE = 'Outside this screen, yak kill|pause|resume|restart broker-N, yak produce, kcat -P ... show up here within a second.';

/**
 * The rows that fit in `height`: every key; then as much of the legend as fits (most useful first);
 * the blank separators and the closing note only when there is room for them too.
 */
function helpRows(height: number): Row[] {
  const keys: Row[] = [{ heading: 'KEYS' }, ...KEYS.map(([term, text]) => ({ term, text }))];
  const room = height - keys.length;
  const roomy = room >= LEGEND.length + 4;
  const legend = LEGEND.slice(0, Math.max(0, room - 1 - (roomy ? 1 : 0))).map(([term, text]) => ({ term, text }));
  const legendRows: Row[] = legend.length > 0 ? [{ heading: 'WHAT YOU SEE' }, ...legend] : [];
  return roomy ? [...keys, null, ...legendRows, null, { note: OUTSIDE }] : [...keys, ...legendRows];
}

/** The help screen: keys, and what the states and columns mean (as much as the terminal holds). */
export function Help({ width, height }: { width: number; height: number }) {
  const termW = Math.max(...[...KEYS, ...LEGEND].map(([term]) => term.length)) + 2;
  return (
    <Box flexDirection="column" width={width} height={height} paddingX={1}>
      {helpRows(height).map((row, i) =>
        row === null ? (
          <Text key={i}> </Text>
        ) : 'heading' in row ? (
          <Text key={i} bold color={theme.title}>
            {row.heading}
          </Text>
        ) : 'note' in row ? (
          <Text key={i} dimColor wrap="truncate">
            {row.note}
          </Text>
        ) : (
          <Text key={i} wrap="truncate">
            <Text bold>{fit(row.term, termW)}</Text>
            {row.text}
          </Text>
        ),
      )}
    </Box>
  );
}
