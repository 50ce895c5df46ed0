import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../../src/tui/ui-state.js';

const apply = (s: UiState, ...actions: UiAction[]) => actions.reduce(uiReducer, s);
const type = (text: string): UiAction => ({ type: 'produce-edit', text });
const down: UiAction = { type: 'produce-field', delta: 1 };
const up: UiAction = { type: 'produce-field', delta: -1 };

test('i on a selected topic: the topic is filled in and the cursor is on the value', () => {
  const s = apply({ ...initialUiState(), selectedTopic: 'orders' }, { type: 'produce-start' });
  assert.is(s.focus, 'produce');
  assert.equal(s.produce, { field: 'value', topic: 'orders', key: '', value: '' });
});

test('i, then ↓ ↓ and typing: the text still goes to the value (fields stop at the ends)', () => {
  const s = apply({ ...initialUiState(), selectedTopic: 'orders' }, { type: 'produce-start' }, down, down, type('hello'));
  assert.equal(s.produce, { field: 'value', topic: 'orders', key: '', value: 'hello' });
});

test('with no topic yet: the cursor starts on the topic; topic, ↓ ↓, value', () => {
  const s = apply(initialUiState(), { type: 'produce-start' });
  assert.is(s.produce.field, 'topic');
  const typed = apply(s, type('demo'), down, down, type('hello'), up, up, up);
  assert.equal(typed.produce, { field: 'topic', topic: 'demo', key: '', value: 'hello' });
});

test('i on another topic replaces the topic; Tab into the pane keeps a typed one', () => {
  const typed = apply({ ...initialUiState(), selectedTopic: 'orders', focus: 'produce', produce: { field: 'topic', topic: 'mine', key: '', value: '' } }, { type: 'focus', pane: 'topics' });
  assert.is(apply(typed, { type: 'focus', pane: 'produce' }).produce.topic, 'mine');
  assert.is(apply(typed, { type: 'produce-start' }).produce.topic, 'orders');
  const tabbed = apply({ ...initialUiState(), selectedTopic: 'orders', focus: 'topics' }, { type: 'focus-step', delta: 1 });
  assert.equal([tabbed.focus, tabbed.produce.topic, tabbed.produce.field], ['produce', 'orders', 'value']);
});

test('a sent record clears the value and keeps topic and key; backspace and clear edit the current field', () => {
  const s = apply({ ...initialUiState(), selectedTopic: 'orders' }, { type: 'produce-start' }, up, type('k1'), down, type('hello'), { type: 'produce-sent' });
  assert.equal(s.produce, { field: 'value', topic: 'orders', key: 'k1', value: '' });
  const edited = apply(s, up, { type: 'produce-backspace' });
  assert.is(edited.produce.key, 'k');
  assert.is(apply(edited, { type: 'produce-clear' }).produce.key, '');
});

test('Tab cycles the panes both ways', () => {
  const s = initialUiState();
  assert.is(s.focus, 'brokers');
  assert.is(apply(s, { type: 'focus-step', delta: -1 }).focus, 'groups');
  assert.equal(
    [1, 2, 3, 4, 5, 6].map((n) => apply(s, ...Array<UiAction>(n).fill({ type: 'focus-step', delta: 1 })).focus),
    ['topics', 'produce', 'consume', 'events', 'groups', 'brokers'],
  );
  assert.is(apply(s, { type: 'groups-toggle' }).focus, 'groups', 'g opens GROUPS');
  assert.is(apply(s, { type: 'groups-toggle' }, { type: 'groups-toggle' }).focus, 'topics', 'g again: TOPICS');
});

test('selection moves within the list and stops at its ends', () => {
  const names = ['broker-1', 'broker-2', 'broker-3'];
  const s = apply(initialUiState(), { type: 'select-process', names, delta: 0 });
  assert.is(s.selectedProcess, 'broker-1');
  assert.is(apply(s, { type: 'select-process', names, delta: -1 }).selectedProcess, 'broker-1');
  assert.is(apply(s, { type: 'select-process', names, delta: 5 }).selectedProcess, 'broker-3');
  const topic = apply({ ...initialUiState(), consumeScroll: 4 }, { type: 'select-topic', names: ['a', 'b'], delta: 1 });
  assert.equal([topic.selectedTopic, topic.consumeScroll], ['a', 0]);
});

test('the create dialog: numbers only in numeric fields, errors cleared by editing, closed when stopping', () => {
  let s = apply(initialUiState(), { type: 'create-open', partitions: 3, replicationFactor: 2 });
  assert.equal(s.create, { field: 'name', name: '', partitions: '3', replicationFactor: '2', error: null, busy: false });
  s = apply(s, { type: 'create-edit', text: 'orders' }, { type: 'create-field', delta: 1 }, { type: 'create-backspace' }, { type: 'create-edit', text: '6x' });
  assert.is(s.create!.partitions, '6');
  s = apply(s, { type: 'create-field', delta: 1 }, { type: 'create-field', delta: 1 });
  assert.is(s.create!.field, 'replicationFactor', 'stops at the last field');
  s = apply(s, { type: 'create-error', error: 'no' }, { type: 'create-edit', text: '1' });
  assert.equal([s.create!.error, s.create!.replicationFactor], [null, '21']);
  assert.is(apply(s, { type: 'stopping' }).create, null);
});

test('scrolling stays within the lines there are; End follows again', () => {
  const s = apply(initialUiState(), { type: 'scroll', pane: 'events', delta: 30, max: 10 });
  assert.is(s.eventsScroll, 10);
  assert.is(apply(s, { type: 'scroll', pane: 'events', delta: -50, max: 10 }).eventsScroll, 0);
  assert.is(apply(s, { type: 'scroll-end', pane: 'events' }).eventsScroll, 0);
  const tail = apply(initialUiState(), { type: 'tail', start: 'beginning' });
  assert.equal([tail.tailStart, tail.tailEpoch], ['beginning', 1]);
});

test('Ctrl-U clears the create-topic field being typed', () => {
  let s = apply(initialUiState(), { type: 'create-open', partitions: 3, replicationFactor: 3 }, { type: 'create-edit', text: 'orders' });
  s = apply(s, { type: 'create-clear' });
  assert.is(s.create!.name, '');
  assert.is(s.create!.partitions, '3');
});

test.run();
