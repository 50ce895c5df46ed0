import type { Key } from 'ink';
import type { UiState } from './ui-state.js';

/**
 * Key bindings: what a key press means given the screen's state. Text fields (the produce pane,
 * the create-topic dialog) take every printable key, so typing never triggers a shortcut; only
 * Tab, Esc, Enter, arrows and Ctrl-C mean something there.
 */
export type Command =
  | { type: 'quit' }
  | { type: 'help' }
  | { type: 'focus-step'; delta: 1 | -1 }
  | { type: 'leave-field' }
  | { type: 'move'; delta: number }
  | { type: 'end' }
  /** `i`, or Enter on a topic: the cursor goes to the produce pane's value field. */
  | { type: 'type-record' }
  | { type: 'control'; action: 'kill' | 'pause-resume' | 'restart' }
  | { type: 'create-open' }
  | { type: 'tail'; start: 'beginning' | 'latest' | 'recent' }
  /** `d` in EVENTS: a coalesced burst's events one by one, or its summary again. */
  | { type: 'events-detail' }
  | { type: 'groups-toggle' }
  | { type: 'field'; delta: 1 | -1 }
  | { type: 'edit'; text: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  | { type: 'submit' }
  | { type: 'cancel' };

export const PAGE = 10;

/**
 * A key and what it does. When the footer is short of room, `optional` hints go first, then plain
 * ones from the right; `always` ones (help, quit) stay.
 */
export type Hint = [key: string, label: string, priority?: 'optional' | 'always'];

/** The typed characters of an input event: pasted text arrives as one string; newlines and controls are dropped. */
export function printableInput(input: string, key: Key): string {
  if (key.ctrl || key.meta || key.escape || key.tab || key.return) return '';
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001f\u007f]/g, '');
}

/** Keys inside a text field (produce pane, create dialog): ↑↓ change field, the rest edits. Enter, Esc and Tab are the caller's. */
function textFieldCommand(input: string, key: Key): Command | null {
  if (key.upArrow) return { type: 'field', delta: -1 };
  if (key.downArrow) return { type: 'field', delta: 1 };
  if (key.backspace || key.delete) return { type: 'backspace' };
  if (key.ctrl && input === 'u') return { type: 'clear' };
  const text = printableInput(input, key);
  return text ? { type: 'edit', text } : null;
}

export function commandForKey(ui: UiState, input: string, key: Key): Command | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (ui.stopping) return null;

  if (ui.create) {
    if (key.escape) return { type: 'cancel' };
    if (key.return) return { type: 'submit' };
    // A dialog has nowhere else to go: Tab moves between its fields.
    if (key.tab) return { type: 'field', delta: key.shift ? -1 : 1 };
    return textFieldCommand(input, key);
  }

  if (ui.help) {
    if (key.escape || input === '?' || key.return) return { type: 'help' };
    if (input === 'q') return { type: 'quit' };
    return null;
  }

  if (ui.focus === 'produce') {
    // Tab leaves the pane here as everywhere else; ↑↓ move between its fields.
    if (key.tab) return { type: 'focus-step', delta: key.shift ? -1 : 1 };
    if (key.escape) return { type: 'leave-field' };
    if (key.return) return { type: 'submit' };
    return textFieldCommand(input, key);
  }

  if (key.tab) return { type: 'focus-step', delta: key.shift ? -1 : 1 };
  if (key.upArrow) return { type: 'move', delta: -1 };
  if (key.downArrow) return { type: 'move', delta: 1 };
  if (key.pageUp) return { type: 'move', delta: -PAGE };
  if (key.pageDown) return { type: 'move', delta: PAGE };
  if (key.end) return { type: 'end' };
  if (key.return) return ui.focus === 'topics' ? { type: 'type-record' } : null;
  if (key.escape) return null;
  if (key.ctrl || key.meta) return null;
  switch (input) {
    case 'q':
      return { type: 'quit' };
    case '?':
    case 'h':
      return { type: 'help' };
    case 'k':
      return { type: 'control', action: 'kill' };
    case 'p':
      return { type: 'control', action: 'pause-resume' };
    case 'r':
      return { type: 'control', action: 'restart' };
    case 'c':
      return { type: 'create-open' };
    case 'b':
      return { type: 'tail', start: 'beginning' };
    case 'l':
      return { type: 'tail', start: 'latest' };
    case 't':
      return { type: 'tail', start: 'recent' };
    case 'G':
      return { type: 'end' };
    case 'g':
      return { type: 'groups-toggle' };
    case 'd':
      return ui.focus === 'events' ? { type: 'events-detail' } : null;
    case 'i':
      return { type: 'type-record' };
    default:
      return null;
  }
}

/** The footer: the keys that do something in the current state (optional ones go first when room is short). */
export function footerHints(ui: UiState, selected: { name: string; state: string } | null): Hint[] {
  if (ui.stopping) return [];
  if (ui.create) return [['Enter', 'create', 'always'], ['Tab ↑↓', 'field'], ['Ctrl-U', 'clear', 'optional'], ['Esc', 'cancel', 'always'], ['Ctrl-C', 'quit', 'optional']];
  if (ui.help) return [['Esc', 'close help', 'always'], ['q', 'quit', 'always']];
  if (ui.focus === 'produce') return [['Enter', 'send', 'always'], ['↑↓', 'field', 'always'], ['Ctrl-U', 'clear', 'optional'], ['Esc', 'done typing', 'always'], ['Tab', 'next pane'], ['Ctrl-C', 'quit', 'optional']];
  const target = selected?.name ?? 'broker';
  const paused = selected?.state === 'paused';
  // Navigation is the first to go when room is short (it is in the help); the pane's own key and the verbs stay.
  const hints: Hint[] = [['Tab', 'pane', 'optional'], ['↑↓', ui.focus === 'consume' || ui.focus === 'events' ? 'scroll' : 'select', 'optional']];
  if (ui.focus === 'topics') hints.push(['Enter', 'produce', 'optional']);
  if (ui.focus === 'events') hints.push(['d', ui.eventsDetail ? 'summaries' : 'each event']);
  // A process that is not running can only be started: kill and pause would be refused.
  if (selected?.state === 'dead') hints.push(['r', `restart ${target}`]);
  else hints.push(['k', `kill ${target}`], ['p', paused ? 'resume' : 'pause'], ['r', 'restart']);
  hints.push(['c', 'create topic', 'optional'], ['i', 'produce', 'optional']);
  if (ui.focus === 'consume') hints.push(['b/l/t', 'from start/new/recent', 'optional']);
  hints.push(['?', 'help', 'always'], ['q', 'quit', 'always']);
  return hints;
}

/** Columns the footer needs for `hints`: `key label`, two spaces apart. */
export const hintsWidth = (hints: Hint[]) => hints.reduce((a, [k, label], i) => a + (i > 0 ? 2 : 0) + k.length + 1 + label.length, 0);

/** `hints` without the last one of the given priority, or null when there is none. */
function withoutLast(hints: Hint[], priority: Hint[2]): Hint[] | null {
  for (let i = hints.length - 1; i >= 0; i--) if (hints[i]![2] === priority) return hints.filter((_, j) => j !== i);
  return null;
}

/** The hints that fit in `budget` columns: optional ones go first, then plain ones, from the right. */
export function fitHints(hints: Hint[], budget: number): Hint[] {
  let shown = hints;
  while (hintsWidth(shown) > budget) {
    const fewer = withoutLast(shown, 'optional') ?? withoutLast(shown, undefined);
    if (!fewer) break;
    shown = fewer;
  }
  return shown;
}

/** An input event with no special key: the base of the keys `splitKeys` makes. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/**
 * Ink hands over a run of ordinary characters as one input (a paste, or keys typed faster than it
 * reads: "\t\tdemo"). Split such a run into its keys, so Tab, Enter and Backspace inside it still
 * count, and printable text stays together.
 */
export function splitKeys(input: string, key: Key): { input: string; key: Key }[] {
  // eslint-disable-next-line no-control-regex
  if (input.length <= 1 || !/[\t\r\n\u007f\b]/.test(input) || key.ctrl || key.meta) return [{ input, key }];
  const out: { input: string; key: Key }[] = [];
  // eslint-disable-next-line no-control-regex
  for (const part of input.split(/([\t\r\n\u007f\b])/)) {
    if (part === '') continue;
    if (part === '\t') out.push({ input: '', key: { ...NO_KEY, tab: true } });
    else if (part === '\r' || part === '\n') out.push({ input: '', key: { ...NO_KEY, return: true } });
    else if (part === '\u007f') out.push({ input: '', key: { ...NO_KEY, delete: true } });
    else if (part === '\b') out.push({ input: '', key: { ...NO_KEY, backspace: true } });
    else out.push({ input: part, key: NO_KEY });
  }
  return out;
}
