import type { BrokerState } from '../common/cluster-types.js';
import type { EventKind } from './events.js';

/**
 * Semantic colours: components ask for "dead" or "focus", never for "red". Calm by default: most
 * text is the terminal's own colour, colour marks what needs a look (dead, paused, out of sync).
 */
export const theme = {
  title: 'cyan',
  focus: 'cyan',
  dim: 'gray',
  label: 'gray',
  ok: 'green',
  warn: 'yellow',
  bad: 'red',
  info: 'blue',
  accent: 'magenta',
  selectedBg: 'blue',
} as const;

export const stateColor: Record<BrokerState, string> = {
  alive: theme.ok,
  dead: theme.bad,
  paused: theme.warn,
  starting: theme.info,
};

export const eventColor: Record<EventKind, string | undefined> = {
  register: theme.ok,
  start: theme.ok,
  death: theme.bad,
  election: theme.accent,
  'isr-shrink': theme.warn,
  'isr-expand': theme.ok,
  truncation: theme.warn,
  action: theme.info,
  topic: theme.title,
  warn: theme.warn,
  error: theme.bad,
  info: undefined,
};
