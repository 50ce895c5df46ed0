import { Box, Text } from 'ink';
import { memo } from 'react';
import { clip, fit } from '../format.js';
import type { ProduceResult } from '../hooks/use-producer.js';
import { theme } from '../theme.js';
import type { ProduceField } from '../ui-state.js';
import { TitleRow } from './line.js';

export interface ProducePaneProps {
  values: { topic: string; key: string; value: string };
  field: ProduceField;
  /** The topic selected in the topics pane: entering this pane puts it in an empty topic field. */
  defaultTopic: string | null;
  results: ProduceResult[];
  focused: boolean;
  width: number;
  height: number;
}

const LABELS: Record<ProduceField, string> = { topic: 'topic', key: 'key', value: 'value' };

/** What an empty field says: how to get a record sent from where the cursor is. */
function placeholderFor(f: ProduceField, active: ProduceField, focused: boolean, defaultTopic: string | null): string {
  if (f === 'topic') return focused ? 'type a name (a new topic is created)' : defaultTopic ? `${defaultTopic} (selected)` : 'none yet';
  if (f === 'key') return 'none (optional)';
  if (!focused) return 'press i to type a record';
  return active === 'value' ? 'type it, Enter sends' : '↓ to here, type, Enter';
}

export function resultText(r: ProduceResult): { text: string; color?: string; detail: string } {
  if (r.pending) return { text: `… sending to ${r.topic}`, color: theme.dim, detail: '' };
  if (r.error) return { text: `✗ ${r.error}`, color: theme.bad, detail: '' };
  return { text: `✓ partition ${r.partition} offset ${r.offset}`, color: theme.ok, detail: ` ${r.topic}${r.tookMs !== undefined ? ` ${r.tookMs} ms` : ''}` };
}

/** Topic, optional key and value fields; Enter sends (acks=all); the newest answers below. */
export const ProducePane = memo(function ProducePane({ values, field, defaultTopic, results, focused, width, height }: ProducePaneProps) {
  const inner = width - 1;
  const labelW = 6;
  const fieldW = Math.max(4, inner - labelW - 2);
  const line = (f: ProduceField) => {
    const active = focused && field === f;
    const text = values[f];
    const placeholder = placeholderFor(f, field, focused, defaultTopic);
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
      <TitleRow label="PRODUCE" width={inner} focused={focused} right={focused ? 'Enter send · ↑↓ field · Esc' : 'i type · acks=all'} />
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
});
