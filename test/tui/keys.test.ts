import type { Key } from 'ink';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_KEY, commandForKey, fitHints, footerHints, hintsWidth, splitKeys, type Hint } from '../../src/tui/keys.js';
import { initialUiState, uiReducer, type UiState } from '../../src/tui/ui-state.js';

const key = (k: Partial<Key> = {}): Key => ({ ...NO_KEY, ...k });
const press = (ui: UiState, input: string, k: Partial<Key> = {}) => commandForKey(ui, input, key(k));
const withFocus = (focus: UiState['focus']): UiState => ({ ...initialUiState(), focus, selectedTopic: 'orders' });

test('outside text fields, letters are shortcuts', () => {
  const ui = withFocus('brokers');
  assert.equal(press(ui, 'k'), { type: 'control', action: 'kill' });
  assert.equal(press(ui, 'p'), { type: 'control', action: 'pause-resume' });
  assert.equal(press(ui, 'r'), { type: 'control', action: 'restart' });
  assert.equal(press(ui, 'c'), { type: 'create-open' });
  assert.equal(press(ui, '?'), { type: 'help' });
  assert.equal(press(ui, 'i'), { type: 'type-record' });
  assert.equal(press(ui, 'q'), { type: 'quit' });
  assert.equal(press(ui, '', { tab: true }), { type: 'focus-step', delta: 1 });
  assert.equal(press(ui, '', { tab: true, shift: true }), { type: 'focus-step', delta: -1 });
  assert.equal(press(ui, '', { downArrow: true }), { type: 'move', delta: 1 });
});

test('g opens or closes GROUPS from any pane; d unfolds bursts in EVENTS only', () => {
  assert.equal(press(withFocus('brokers'), 'g'), { type: 'groups-toggle' });
  assert.equal(press(withFocus('groups'), 'g'), { type: 'groups-toggle' });
  assert.equal(press(withFocus('events'), 'd'), { type: 'events-detail' });
  assert.is(press(withFocus('brokers'), 'd'), null);
  assert.equal(press(withFocus('produce'), 'g'), { type: 'edit', text: 'g' }, 'typed in a text field');
});

test('Enter on a topic starts a record; elsewhere it does nothing', () => {
  assert.equal(press(withFocus('topics'), '', { return: true }), { type: 'type-record' });
  assert.is(press(withFocus('brokers'), '', { return: true }), null);
});

test('typing in the produce pane never triggers a shortcut', () => {
  const ui = withFocus('produce');
  for (const letter of ['k', 'p', 'r', 'c', 'q', '?', 'i', 'b']) assert.equal(press(ui, letter), { type: 'edit', text: letter }, letter);
  assert.equal(press(ui, 'kill -9'), { type: 'edit', text: 'kill -9' });
  assert.equal(press(ui, '', { return: true }), { type: 'submit' });
  assert.equal(press(ui, '', { escape: true }), { type: 'leave-field' });
  assert.equal(press(ui, '', { downArrow: true }), { type: 'field', delta: 1 });
  assert.equal(press(ui, '', { tab: true }), { type: 'focus-step', delta: 1 }, 'Tab leaves the pane, as the footer says');
  assert.equal(press(ui, 'u', { ctrl: true }), { type: 'clear' });
  assert.equal(press(ui, 'c', { ctrl: true }), { type: 'quit' }, 'Ctrl-C always quits');
});

test('the create dialog takes text; Tab and arrows move between its fields; Esc cancels', () => {
  const ui = uiReducer(withFocus('brokers'), { type: 'create-open', partitions: 3, replicationFactor: 3 });
  assert.equal(press(ui, 'q'), { type: 'edit', text: 'q' });
  assert.equal(press(ui, '', { tab: true }), { type: 'field', delta: 1 });
  assert.equal(press(ui, '', { upArrow: true }), { type: 'field', delta: -1 });
  assert.equal(press(ui, '', { escape: true }), { type: 'cancel' });
  assert.equal(press(ui, '', { return: true }), { type: 'submit' });
});

test('help takes only its own keys; nothing but Ctrl-C works while stopping', () => {
  const help = { ...withFocus('brokers'), help: true };
  assert.is(press(help, 'k'), null);
  assert.equal(press(help, '', { escape: true }), { type: 'help' });
  assert.equal(press(help, 'q'), { type: 'quit' });
  const stopping = { ...withFocus('brokers'), stopping: true };
  assert.is(press(stopping, 'q'), null);
  assert.equal(press(stopping, 'c', { ctrl: true }), { type: 'quit' });
});

test('splitKeys splits a burst into its keys and keeps printable text together', () => {
  const keys = splitKeys('\t\tdemo\rx\u007f', NO_KEY);
  assert.equal(
    keys.map((k) => (k.key.tab ? 'Tab' : k.key.return ? 'Enter' : k.key.delete ? 'Del' : k.input)),
    ['Tab', 'Tab', 'demo', 'Enter', 'x', 'Del'],
  );
  assert.equal(splitKeys('hello', NO_KEY), [{ input: 'hello', key: NO_KEY }]);
});

test('the footer names the selected broker and offers resume for a paused one', () => {
  const ui = withFocus('brokers');
  const hints = footerHints(ui, { name: 'broker-2', state: 'paused' });
  assert.ok(hints.some(([k, label]) => k === 'k' && label === 'kill broker-2'));
  assert.ok(hints.some(([k, label]) => k === 'p' && label === 'resume'));
  assert.ok(footerHints(withFocus('produce'), null).some(([k, label]) => k === 'Esc' && label === 'done typing'));
});

test('short of room, optional hints go first, then plain ones; help and quit stay', () => {
  const hints: Hint[] = [['Tab', 'pane'], ['k', 'kill'], ['c', 'create', 'optional'], ['?', 'help', 'always'], ['q', 'quit', 'always']];
  assert.equal(fitHints(hints, 100), hints);
  assert.equal(fitHints(hints, hintsWidth(hints) - 1).map(([k]) => k), ['Tab', 'k', '?', 'q']);
  assert.equal(fitHints(hints, 10).map(([k]) => k), ['?', 'q']);
  assert.is(hintsWidth([['a', 'b'], ['c', 'd']]), 'a b  c d'.length);
});

test.run();
