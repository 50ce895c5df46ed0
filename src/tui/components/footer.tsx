import { Text } from 'ink';
import { clip } from '../format.js';
import { fitHints, hintsWidth, type Hint } from '../keys.js';
import { theme } from '../theme.js';

export interface FooterProps {
  hints: Hint[];
  /** A transient message (an action's answer or error) shown before the hints. */
  message?: { text: string; error: boolean } | null;
  width: number;
}

/** Columns a message keeps however many hints want the row. */
const MESSAGE_MIN_COLUMNS = 24;

/**
 * The keys that work right now, k9s style. A message (an action's answer) comes first; it is cut to
 * leave the keys that are not optional their room (an answer is also in the event log; the keys are
 * nowhere else), down to MESSAGE_MIN_COLUMNS.
 */
export function Footer({ hints, message, width }: FooterProps) {
  const essential = hints.filter((h) => h[2] !== 'optional');
  const messageRoom = message ? Math.min(message.text.length, Math.max(MESSAGE_MIN_COLUMNS, width - hintsWidth(essential) - 3)) : 0;
  const shown = fitHints(hints, width - (message ? messageRoom + 3 : 0));
  const messageText = message ? clip(message.text, Math.max(0, Math.min(messageRoom, width - hintsWidth(shown) - 3))) : '';
  return (
    <Text wrap="truncate">
      {message ? (
        <Text color={message.error ? theme.bad : theme.ok} bold>
          {messageText}
          {'   '}
        </Text>
      ) : null}
      {shown.map(([k, label], i) => (
        <Text key={i}>
          {i > 0 ? '  ' : ''}
          <Text inverse bold>
            {k}
          </Text>
          <Text color={theme.label}> {label}</Text>
        </Text>
      ))}
    </Text>
  );
}
