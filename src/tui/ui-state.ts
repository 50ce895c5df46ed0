/**
 * Focus, selection and the text being typed: the part of the screen's state that only keys change.
 * A pure reducer, so the key bindings are testable without a terminal.
 */
/** `groups` is drawn in the place of `topics` (a tab: g, or the Tab after events). */
export type Pane = 'brokers' | 'topics' | 'produce' | 'consume' | 'events' | 'groups';
export const PANES: readonly Pane[] = ['brokers', 'topics', 'produce', 'consume', 'events', 'groups'];

export type ProduceField = 'topic' | 'key' | 'value';
export const PRODUCE_FIELDS: readonly ProduceField[] = ['topic', 'key', 'value'];

export type CreateField = 'name' | 'partitions' | 'replicationFactor';
export const CREATE_FIELDS: readonly CreateField[] = ['name', 'partitions', 'replicationFactor'];

export type TailStart = 'recent' | 'beginning' | 'latest';

export interface CreateDialog {
  field: CreateField;
  name: string;
  partitions: string;
  replicationFactor: string;
  error: string | null;
  busy: boolean;
}

export interface UiState {
  focus: Pane;
  /** By name (`broker-2`), so a selection survives the list changing. */
  selectedProcess: string | null;
  selectedTopic: string | null;
  selectedGroup: string | null;
  produce: { field: ProduceField; topic: string; key: string; value: string };
  create: CreateDialog | null;
  help: boolean;
  tailStart: TailStart;
  /** Bumped to restart the tail (same topic, new start). */
  tailEpoch: number;
  /** Lines scrolled up from the newest; 0 follows new lines. */
  consumeScroll: number;
  eventsScroll: number;
  /** The event pane shows each event of a coalesced burst instead of its summary. */
  eventsDetail: boolean;
  stopping: boolean;
}

export const initialUiState = (): UiState => ({
  focus: 'brokers',
  selectedProcess: null,
  selectedTopic: null,
  selectedGroup: null,
  produce: { field: 'value', topic: '', key: '', value: '' },
  create: null,
  help: false,
  tailStart: 'recent',
  tailEpoch: 0,
  consumeScroll: 0,
  eventsScroll: 0,
  eventsDetail: false,
  stopping: false,
});

export type UiAction =
  | { type: 'focus'; pane: Pane }
  | { type: 'focus-step'; delta: 1 | -1 }
  /** `i`, or Enter on a topic: type a record for the selected topic. */
  | { type: 'produce-start' }
  | { type: 'select-process'; names: readonly string[]; delta: number }
  | { type: 'select-topic'; names: readonly string[]; delta: number }
  | { type: 'set-topic'; name: string }
  | { type: 'select-group'; names: readonly string[]; delta: number }
  /** `g`: the GROUPS pane, or back to TOPICS from it. */
  | { type: 'groups-toggle' }
  | { type: 'scroll'; pane: 'consume' | 'events'; delta: number; max: number }
  | { type: 'scroll-end'; pane: 'consume' | 'events' }
  | { type: 'produce-field'; delta: 1 | -1 }
  | { type: 'produce-field-set'; field: ProduceField }
  | { type: 'produce-edit'; text: string }
  | { type: 'produce-backspace' }
  | { type: 'produce-clear' }
  | { type: 'produce-sent' }
  | { type: 'create-open'; partitions: number; replicationFactor: number }
  | { type: 'create-field'; delta: 1 | -1 }
  | { type: 'create-edit'; text: string }
  | { type: 'create-backspace' }
  | { type: 'create-clear' }
  | { type: 'create-busy' }
  | { type: 'create-error'; error: string }
  | { type: 'create-close' }
  | { type: 'help'; open?: boolean }
  | { type: 'tail'; start: TailStart }
  | { type: 'events-detail' }
  | { type: 'stopping' };

function step<T>(list: readonly T[], current: T, delta: number): T {
  const i = list.indexOf(current);
  return list[(((i < 0 ? 0 : i) + delta) % list.length + list.length) % list.length]!;
}

/** The item `delta` places from `current` in a fixed list, stopping at either end rather than wrapping (↓ ↓ always ends on the last field). */
function stepWithin<T>(list: readonly T[], current: T, delta: number): T {
  const i = Math.max(0, list.indexOf(current));
  return list[Math.max(0, Math.min(list.length - 1, i + delta))]!;
}

/** A selection in a list that changes: nothing or a vanished item selects the first one. */
function move(names: readonly string[], current: string | null, delta: number): string | null {
  if (names.length === 0) return current;
  if (current === null || !names.includes(current)) return names[0]!;
  return stepWithin(names, current, delta);
}

/**
 * Entering the produce pane: an empty topic field takes the selected topic, and the cursor goes to
 * the value when there is a topic to send to, else to the topic field.
 */
function focusOn(s: UiState, pane: Pane): UiState {
  if (pane === s.focus) return s;
  if (pane !== 'produce') return { ...s, focus: pane };
  return { ...s, focus: pane, produce: produceWithTopic(s.produce, s.produce.topic || s.selectedTopic || '') };
}

function produceWithTopic(p: UiState['produce'], topic: string): UiState['produce'] {
  return { ...p, topic, field: topic ? 'value' : 'topic' };
}

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'focus':
      return focusOn(s, a.pane);
    case 'focus-step':
      return focusOn(s, step(PANES, s.focus, a.delta));
    case 'produce-start':
      return { ...s, focus: 'produce', produce: produceWithTopic(s.produce, s.selectedTopic ?? s.produce.topic) };
    case 'select-process':
      return { ...s, selectedProcess: move(a.names, s.selectedProcess, a.delta) };
    case 'select-topic': {
      const next = move(a.names, s.selectedTopic, a.delta);
      return next === s.selectedTopic ? s : { ...s, selectedTopic: next, consumeScroll: 0 };
    }
    case 'select-group':
      return { ...s, selectedGroup: move(a.names, s.selectedGroup, a.delta) };
    case 'groups-toggle':
      return focusOn(s, s.focus === 'groups' ? 'topics' : 'groups');
    case 'set-topic':
      return a.name === s.selectedTopic ? s : { ...s, selectedTopic: a.name, consumeScroll: 0 };
    case 'scroll': {
      const key = a.pane === 'consume' ? 'consumeScroll' : 'eventsScroll';
      return { ...s, [key]: Math.max(0, Math.min(a.max, s[key] + a.delta)) };
    }
    case 'scroll-end':
      return { ...s, [a.pane === 'consume' ? 'consumeScroll' : 'eventsScroll']: 0 };
    case 'produce-field':
      return { ...s, produce: { ...s.produce, field: stepWithin(PRODUCE_FIELDS, s.produce.field, a.delta) } };
    case 'produce-field-set':
      return { ...s, produce: { ...s.produce, field: a.field } };
    case 'produce-edit':
      return { ...s, produce: { ...s.produce, [s.produce.field]: s.produce[s.produce.field] + a.text } };
    case 'produce-backspace':
      return { ...s, produce: { ...s.produce, [s.produce.field]: s.produce[s.produce.field].slice(0, -1) } };
    case 'produce-clear':
      return { ...s, produce: { ...s.produce, [s.produce.field]: '' } };
    case 'produce-sent':
      return { ...s, produce: { ...s.produce, value: '' } };
    case 'create-open':
      return {
        ...s,
        help: false,
        create: { field: 'name', name: '', partitions: String(a.partitions), replicationFactor: String(a.replicationFactor), error: null, busy: false },
      };
    case 'create-field':
      return s.create ? { ...s, create: { ...s.create, field: stepWithin(CREATE_FIELDS, s.create.field, a.delta) } } : s;
    case 'create-edit': {
      if (!s.create || s.create.busy) return s;
      const c = s.create;
      const text = c.field === 'name' ? a.text : a.text.replace(/\D/g, '');
      return { ...s, create: { ...c, [c.field]: c[c.field] + text, error: null } };
    }
    case 'create-backspace':
      return s.create && !s.create.busy ? { ...s, create: { ...s.create, [s.create.field]: s.create[s.create.field].slice(0, -1), error: null } } : s;
    case 'create-clear':
      return s.create && !s.create.busy ? { ...s, create: { ...s.create, [s.create.field]: '', error: null } } : s;
    case 'create-busy':
      return s.create ? { ...s, create: { ...s.create, busy: true, error: null } } : s;
    case 'create-error':
      return s.create ? { ...s, create: { ...s.create, busy: false, error: a.error } } : s;
    case 'create-close':
      return { ...s, create: null };
    case 'help':
      return { ...s, help: a.open ?? !s.help };
    case 'tail':
      return { ...s, tailStart: a.start, tailEpoch: s.tailEpoch + 1, consumeScroll: 0 };
    case 'events-detail':
      return { ...s, eventsDetail: !s.eventsDetail, eventsScroll: 0 };
    case 'stopping':
      return { ...s, stopping: true, help: false, create: null };
  }
}
