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

/** The keys that work right now, k9s style. A message (an action's answer) comes first and is cut before help and quit are. */
export function Footer({ hints, message, width }: FooterProps) {
  const shown = fitHints(hints, width - (message ? message.text.length + 3 : 0));
  const messageText = message ? clip(message.text, Math.max(0, width - hintsWidth(shown) - 3)) : '';
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
