import { Box, Text } from 'ink';
import { clip, fit } from '../format.js';
import { theme } from '../theme.js';
import type { CreateDialog, CreateField } from '../ui-state.js';
import { TitleRow } from './line.js';

const LABELS: Record<CreateField, string> = { name: 'name', partitions: 'partitions', replicationFactor: 'replication' };

/** The `c` dialog: topic name, partitions, replication factor. */
export function CreateTopicDialog({ dialog, width, height }: { dialog: CreateDialog; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleRow label="CREATE TOPIC" width={width} focused right="Enter create · Tab ↑↓ field · Esc cancel" />
      {(['name', 'partitions', 'replicationFactor'] as const).map((f) => {
        const active = dialog.field === f;
        return (
          <Text key={f} wrap="truncate">
            <Text color={active ? theme.focus : theme.label} bold={active}>
              {fit(`${active ? '›' : ' '}${LABELS[f]}`, 13)}
            </Text>
            <Text>{dialog[f]}</Text>
            {active && !dialog.busy ? <Text inverse> </Text> : null}
            {f === 'name' && !dialog.name ? <Text dimColor> letters, digits, . _ -</Text> : null}
          </Text>
        );
      })}
      {dialog.busy ? <Text color={theme.dim}> creating…</Text> : null}
      {dialog.error ? <Text color={theme.bad}>{clip(` ✗ ${dialog.error}`, width)}</Text> : null}
    </Box>
  );
}
