import { Box, Text } from 'ink';
import { clip, fit } from '../format.js';
import type { ProduceResult } from '../hooks/use-producer.js';
import { theme } from '../theme.js';
import type { ProduceField } from '../ui-state.js';
import { TitleRow } from './line.js';

export interface ProducePaneProps {
  values: { topic: string; key: string; value: string };
  field: ProduceField;
  /** Used when the topic field is empty: the topic selected in the topics pane. */
  defaultTopic: string | null;
  results: ProduceResult[];
  focused: boolean;
  width: number;
  height: number;
}

const LABELS: Record<ProduceField, string> = { topic: 'topic', key: 'key', value: 'value' };

export function resultText(r: ProduceResult): { text: string; color?: string; detail: string } {
  if (r.pending) return { text: `… sending to ${r.topic}`, color: theme.dim, detail: '' };
  if (r.error) return { text: `✗ ${r.error}`, color: theme.bad, detail: '' };
  return { text: `✓ partition ${r.partition} offset ${r.offset}`, color: theme.ok, detail: ` ${r.topic}${r.tookMs !== undefined ? ` ${r.tookMs} ms` : ''}` };
}

/** Topic, optional key and value fields; Enter sends (acks=all); the newest answers below. */
export function ProducePane({ values, field, defaultTopic, results, focused, width, height }: ProducePaneProps) {
  const inner = width - 1;
  const labelW = 6;
  const fieldW = Math.max(4, inner - labelW - 2);
  const line = (f: ProduceField) => {
    const active = focused && field === f;
    const text = values[f];
    const placeholder = f === 'topic' ? (defaultTopic ? `${defaultTopic} (selected)` : 'type a topic name') : f === 'key' ? 'none (optional)' : focused ? '' : 'Tab here, type, Enter';
    const shown = text.length + 1 > fieldW ? '…' + text.slice(-(fieldW - 2)) : text;
    return (
      <Text key={f} wrap="truncate">
        <Text color={active ? theme.focus : theme.label} bold={active}>
          {fit(`${active ? '›' : ' '}${LABELS[f]}`, labelW + 1)}
        </Text>{' '}
        {text ? <Text>{shown}</Text> : null}
        {active ? <Text inverse> </Text> : null}
        {!text ? <Text dimColor>{clip(placeholder, fieldW - (active ? 1 : 0))}</Text> : null}
      </Text>
    );
  };
  const shownResults = results.slice(-Math.max(1, height - 4)).reverse();
  return (
    <Box flexDirection="column" width={width} height={height} paddingRight={1}>
      <TitleRow label="PRODUCE" width={inner} focused={focused} right={focused ? 'Enter send · ↑↓ field' : 'acks=all'} />
      {(['topic', 'key', 'value'] as const).map(line)}
      {shownResults.length === 0 ? (
        <Text dimColor wrap="truncate">
          {' no record sent yet'}
        </Text>
      ) : (
        shownResults.map((r, i) => {
          const t = resultText(r);
          return (
            <Text key={r.id} wrap="truncate" dimColor={i > 0}>
              <Text color={t.color}>{clip(` ${t.text}`, inner)}</Text>
              <Text dimColor>{clip(t.detail, Math.max(0, inner - t.text.length - 1))}</Text>
            </Text>
          );
        })
      )}
    </Box>
  );
}
