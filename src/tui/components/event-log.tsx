import { Box, Text } from 'ink';
import { memo } from 'react';
import { clip, clock, fit } from '../format.js';
import type { LogEvent } from '../events.js';
import { eventColor, theme } from '../theme.js';
import { TitleRow } from './line.js';

export interface EventLogProps {
  events: LogEvent[];
  scroll: number;
  focused: boolean;
  width: number;
  height: number;
  /** Drawn beside other panes (wide layout): a left border separates it. */
  beside: boolean;
}

/** Registrations, deaths, elections, ISR changes, truncations, restarts: timestamped, newest last. */
export const EventLog = memo(function EventLog({ events, scroll, focused, width, height, beside }: EventLogProps) {
  const inner = width - (beside ? 2 : 0);
  const body = height - 1;
  const end = Math.max(0, events.length - scroll);
  const shown = events.slice(Math.max(0, end - body), end);
  const withMs = inner >= 70;
  const timeW = withMs ? 12 : 8;
  const srcW = 10;
  const right = scroll > 0 ? `${scroll} newer ↓ · End follows` : `${events.length} event${events.length === 1 ? '' : 's'}`;
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      paddingLeft={beside ? 1 : 0}
      borderStyle={beside ? 'single' : undefined}
      borderTop={false}
      borderBottom={false}
      borderRight={false}
      borderColor={theme.dim}
    >
      <TitleRow label="EVENTS" width={inner} focused={focused} right={right} />
      {shown.length === 0 ? (
        <Text dimColor wrap="truncate">
          no events yet
        </Text>
      ) : (
        shown.map((e) => (
          <Text key={e.id} wrap="truncate">
            <Text dimColor>{clock(e.atMs, withMs)} </Text>
            <Text color={theme.label}>{fit(e.source, srcW)} </Text>
            <Text color={eventColor[e.kind]} bold={e.kind === 'death' || e.kind === 'election'}>
              {clip(e.text, Math.max(1, inner - timeW - srcW - 2))}
            </Text>
          </Text>
        ))
      )}
    </Box>
  );
});
