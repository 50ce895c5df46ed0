import { Text } from 'ink';
import type { Hint } from '../keys.js';
import { theme } from '../theme.js';


export interface FooterProps {
  hints: Hint[];
  /** A transient message (an action's answer or error) shown before the hints. */
  message?: { text: string; error: boolean } | null;
  width: number;
}

const widthOf = (hs: Hint[]) => hs.reduce((a, [k, label]) => a + k.length + label.length + 3, 0);

/** The keys that work right now, k9s style; optional ones make room on narrow terminals, from the last. */
export function Footer({ hints, message, width }: FooterProps) {
  const budget = width - (message ? message.text.length + 3 : 0);
  let shown = hints;
  for (let i = shown.length - 1; i >= 0 && widthOf(shown) > budget; i--) if (shown[i]![2]) shown = shown.filter((_, j) => j !== i);
  while (shown.length > 0 && widthOf(shown) > budget) shown = shown.slice(0, -1);
  return (
    <Text wrap="truncate">
      {message ? (
        <Text color={message.error ? theme.bad : theme.ok} bold>
          {message.text}
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
