import { Box, Text } from 'ink';
import { memo } from 'react';
import { clip, compact, fit } from '../format.js';
import type { TailLine } from '../tail.js';
import { theme } from '../theme.js';
import type { TailStart } from '../ui-state.js';
import { TitleRow } from './line.js';

export interface ConsumePaneProps {
  topic: string | null;
  start: TailStart;
  lines: TailLine[];
  status: string | null;
  /** Lines scrolled up from the newest. */
  scroll: number;
  focused: boolean;
  width: number;
  height: number;
}

const START_LABEL: Record<TailStart, string> = { recent: 'recent + live', beginning: 'from beginning', latest: 'new only' };

/** Live tail of the selected topic: partition, offset, key, value; newest at the bottom. */
export const ConsumePane = memo(function ConsumePane({ topic, start, lines, status, scroll, focused, width, height }: ConsumePaneProps) {
  // Left border, a space either side.
  const inner = width - 3;
  const body = height - 1 - (status ? 1 : 0);
  const end = Math.max(0, lines.length - scroll);
  const shown = lines.slice(Math.max(0, end - body), end);
  const offW = Math.max(3, ...shown.map((l) => String(l.offset).length));
  const keyW = Math.min(12, Math.max(0, ...shown.map((l) => (l.key === null ? 0 : l.key.length))));
  const title = topic ? `CONSUME ${topic}` : 'CONSUME';
  const right = scroll > 0 ? `${scroll} newer ↓ · End follows` : `${START_LABEL[start]} · b/l/t`;
  return (
    <Box flexDirection="column" width={width} height={height} paddingLeft={1} paddingRight={1} borderStyle="single" borderTop={false} borderBottom={false} borderRight={false} borderColor={theme.dim}>
      <TitleRow label={title} width={inner} focused={focused} right={right} />
      {status ? (
        <Text color={theme.warn} wrap="truncate">
          {clip(status, inner)}
        </Text>
      ) : null}
      {!topic ? (
        <Text dimColor wrap="truncate">
          select a topic (↑↓ in TOPICS) to follow it here
        </Text>
      ) : shown.length === 0 && !status ? (
        <Text dimColor wrap="truncate">
          {start === 'latest' ? 'waiting for new records…' : 'no records yet: type one in PRODUCE'}
        </Text>
      ) : (
        shown.map((l) =>
          l.skipped !== undefined ? (
            <Text key={l.id} dimColor wrap="truncate">
              {clip(`p${l.partition} … skipped ${compact(l.skipped)} records to keep up`, inner)}
            </Text>
          ) : (
            <Text key={l.id} wrap="truncate">
              <Text color={theme.label}>{`p${l.partition} `}</Text>
              <Text color={theme.info}>{fit(`@${l.offset}`, offW + 1, 'left')} </Text>
              {keyW > 0 ? <Text color={theme.accent}>{fit(l.key ?? '', keyW)} </Text> : null}
              <Text>{clip(l.value, Math.max(1, inner - String(l.partition).length - 2 - offW - 2 - (keyW > 0 ? keyW + 1 : 0)))}</Text>
            </Text>
          ),
        )
      )}
    </Box>
  );
});
