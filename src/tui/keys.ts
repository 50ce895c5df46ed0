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
  | { type: 'enter' }
  | { type: 'type-record' }
  | { type: 'control'; action: 'kill' | 'pause-resume' | 'restart' }
  | { type: 'create-open' }
  | { type: 'tail'; start: 'beginning' | 'latest' | 'recent' }
  | { type: 'field'; delta: 1 | -1 }
  | { type: 'edit'; text: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  | { type: 'submit' }
  | { type: 'cancel' };

export const PAGE = 10;

/** A key, what it does, and whether it may be left out when the footer is short of room. */
export type Hint = [key: string, label: string, optional?: boolean];

/** The typed characters of an input event: pasted text arrives as one string; newlines and controls are dropped. */
export function printableInput(input: string, key: Key): string {
  if (key.ctrl || key.meta || key.escape || key.tab || key.return) return '';
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001f\u007f]/g, '');
}

function textFieldCommand(input: string, key: Key): Command | null {
  if (key.upArrow || (key.tab && key.shift)) return { type: 'field', delta: -1 };
  if (key.downArrow || key.tab) return { type: 'field', delta: 1 };
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
    return textFieldCommand(input, key);
  }

  if (ui.help) {
    if (key.escape || input === '?' || key.return) return { type: 'help' };
    if (input === 'q') return { type: 'quit' };
    return null;
  }

  if (ui.focus === 'produce') {
    if (key.tab) return { type: 'focus-step', delta: key.shift ? -1 : 1 };
    if (key.escape) return { type: 'leave-field' };
    if (key.return) return { type: 'submit' };
    if (key.upArrow) return { type: 'field', delta: -1 };
    if (key.downArrow) return { type: 'field', delta: 1 };
    if (key.backspace || key.delete) return { type: 'backspace' };
    if (key.ctrl && input === 'u') return { type: 'clear' };
    const text = printableInput(input, key);
    return text ? { type: 'edit', text } : null;
  }

  if (key.tab) return { type: 'focus-step', delta: key.shift ? -1 : 1 };
  if (key.upArrow) return { type: 'move', delta: -1 };
  if (key.downArrow) return { type: 'move', delta: 1 };
  if (key.pageUp) return { type: 'move', delta: -PAGE };
  if (key.pageDown) return { type: 'move', delta: PAGE };
  if (key.end) return { type: 'end' };
  if (key.return) return { type: 'enter' };
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
    case 'i':
      return { type: 'type-record' };
    default:
      return null;
  }
}

/** The footer: the keys that do something in the current state (optional ones go first when room is short). */
export function footerHints(ui: UiState, selected: { name: string; state: string } | null): Hint[] {
  if (ui.stopping) return [];
  if (ui.create) return [['Enter', 'create'], ['↑↓', 'field'], ['Esc', 'cancel'], ['Ctrl-C', 'quit', true]];
  if (ui.help) return [['Esc', 'close help'], ['q', 'quit']];
  if (ui.focus === 'produce') return [['Enter', 'send'], ['↑↓', 'field'], ['Ctrl-U', 'clear', true], ['Esc', 'done typing'], ['Tab', 'next pane'], ['Ctrl-C', 'quit', true]];
  const target = selected?.name ?? 'broker';
  const paused = selected?.state === 'paused';
  const hints: Hint[] = [['Tab', 'pane'], ['↑↓', ui.focus === 'consume' || ui.focus === 'events' ? 'scroll' : 'select']];
  if (ui.focus === 'topics') hints.push(['Enter', 'produce', true]);
  hints.push(['k', `kill ${target}`], ['p', paused ? 'resume' : 'pause'], ['r', 'restart'], ['c', 'create topic', true], ['i', 'produce', true]);
  if (ui.focus === 'consume') hints.push(['b/l/t', 'from start/new/recent', true]);
  hints.push(['?', 'help'], ['q', 'quit']);
  return hints;
}

const NO_KEY: Key = {
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
