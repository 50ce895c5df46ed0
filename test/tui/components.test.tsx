import chalk from 'chalk';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stripVTControlCharacters } from 'node:util';
import { BrokersPane } from '../../src/tui/components/brokers-pane.js';
import { ConsumePane } from '../../src/tui/components/consume-pane.js';
import { CreateTopicDialog } from '../../src/tui/components/create-topic-dialog.js';
import { EventLog } from '../../src/tui/components/event-log.js';
import { Footer } from '../../src/tui/components/footer.js';
import { GroupsPane } from '../../src/tui/components/groups-pane.js';
import { Help } from '../../src/tui/components/help.js';
import { ProducePane } from '../../src/tui/components/produce-pane.js';
import { Screen, type ScreenProps } from '../../src/tui/components/screen.js';
import { TopicsPane } from '../../src/tui/components/topics-pane.js';
import type { GroupDescription } from '../../src/client/group-admin.js';
import type { ProduceResult } from '../../src/tui/hooks/use-producer.js';
import { footerHints } from '../../src/tui/keys.js';
import type { TailLine } from '../../src/tui/tail.js';
import { initialUiState, uiReducer, type UiState } from '../../src/tui/ui-state.js';
import { NOW_MS, events, metadata, sources, view } from '../helpers/cluster-view-fixtures.js';
import { deriveClusterView, partitionKey } from '../../src/tui/model.js';

/** The frame as plain lines (ink-testing-library's stdout is 100 columns wide). */
function frame(tree: ReactElement): string[] {
  const { lastFrame, unmount } = render(tree);
  const text = stripVTControlCharacters(lastFrame() ?? '');
  unmount();
  return text.split('\n');
}

function rowOf(lines: string[], needle: string): string {
  const row = lines.find((l) => l.includes(needle));
  if (row === undefined) throw new assert.Assertion({ message: `no line with "${needle}" in\n${lines.join('\n')}`, operator: 'rowOf', expects: needle, actual: lines.join('\n') });
  return row;
}

test('brokers pane: the dead broker shows dead, no pid, no leaderships', () => {
  const lines = frame(<BrokersPane processes={view().processes} selected="broker-2" focused width={100} height={6} />);
  assert.match(lines[0]!, /BROKERS\s+PID ADDRESS\s+STATE\s+LEAD FOLLOW HEARTBEAT\s+REC\/S\s+2\/3 alive/);
  assert.match(rowOf(lines, 'broker-2'), /›broker-2\s+- 127\.0\.0\.1:9092\s+dead\s+0\s+3/);
  assert.match(rowOf(lines, 'broker-1'), /broker-1\s+201 127\.0\.0\.1:9091\s+alive\s+2\s+2\s+0\.1s\s+10\s+▁▅█/);
  assert.match(rowOf(lines, 'zookeeper'), /zookeeper\s+100 127\.0\.0\.1:9000\s+alive/);
});

test('topics pane: leader, epoch, replicas, ISR with the out-of-sync replica, high watermark', () => {
  const lines = frame(<TopicsPane topics={view().topics} selected="orders" focused={false} expandAll width={100} height={6} />);
  assert.match(lines[0]!, /TOPICS\s+P LEADER EPOCH REPLICAS ISR\s+HIGH WM\s+REC\/S/);
  assert.match(rowOf(lines, '›orders'), /›orders\s+0\s+1\s+1 1,2,3\s+1,3\s+✗2\s+42\s+10/);
  assert.match(lines[3]!, /^\s+1\s+3\s+2 2,3,1\s+3,1\s+✗2\s+7\s+0/);
  assert.match(rowOf(lines, 'audit'), /audit\s+0\s+1\s+0 1,3\s+1,3\s+-/);
});

test('topics pane: short of rows, other topics fold into one summary row each', () => {
  const lines = frame(<TopicsPane topics={view().topics} selected="audit" focused expandAll={false} width={100} height={5} />);
  assert.match(rowOf(lines, 'orders'), /orders\s+3\s+1,3\s+2 rf 3\s+3 under\s+52/);
});

test('topics pane: a selected 1000-partition topic shows the rows that fit, in line, and counts the rest', () => {
  const replicas = (p: number) => [0, 1, 2].map((i) => ((p + i) % 3) + 1);
  const big = deriveClusterView(sources({
    metadata: { ...metadata, topics: [{ name: 'big', id: 'big-id', configs: {}, partitions: Array.from({ length: 1000 }, (_, p) => ({ partition: p, leader: replicas(p)[0]!, leaderEpoch: 0, replicas: replicas(p), isr: replicas(p) })) }] },
    offsets: new Map(Array.from({ length: 1000 }, (_, p) => [partitionKey('big', p), { highWatermark: p, recordsPerSec: 0, history: [0, 0, 0] }])),
  })).topics;
  const lines = frame(<TopicsPane topics={big} selected="big" focused={false} expandAll={false} width={150} height={8} />);
  assert.is(lines.length, 8);
  assert.match(lines[0]!, /1 topic \(993↓\)$/, 'the partitions below are counted');
  assert.match(lines[1]!, /›big\s+0\s+1\s+0 1,2,3\s+1,2,3\s+0\s+0\s+▁▁▁/);
  assert.match(lines[7]!, /^\s+6\s+1\s+0 1,2,3\s+1,2,3\s+6\s+0\s+▁▁▁/);
  const scrolled = frame(<TopicsPane topics={big} selected="big" focused={false} expandAll={false} width={150} height={4} />);
  assert.match(scrolled[0]!, /1 topic \(997↓\)$/);
  // The ASCII cells and the sparkline are drawn as separate Texts: the columns still line up.
  const sparkAt = lines.slice(1).map((l) => l.indexOf('▁'));
  assert.ok(sparkAt.every((i) => i > 0 && i === sparkAt[0]), JSON.stringify(lines));
  assert.ok(lines.every((l) => l.length <= 150));
});

test('produce pane: fields, the cursor on the value, and the offset a record got', () => {
  const results: ProduceResult[] = [
    { id: 1, topic: 'orders', key: null, value: 'first', pending: false, partition: 0, offset: 41, tookMs: 9 },
    { id: 2, topic: 'orders', key: 'k', value: 'hello', pending: false, partition: 0, offset: 42, tookMs: 12 },
  ];
  const lines = frame(<ProducePane values={{ topic: 'orders', key: '', value: 'hel' }} field="value" defaultTopic="orders" results={results} focused width={40} height={7} />);
  assert.match(lines[0]!, /PRODUCE\s+Enter send · ↑↓ field · Esc/);
  assert.match(lines[1]!, /^ topic\s+orders/);
  assert.match(lines[2]!, /^ key\s+none \(optional\)/);
  assert.match(lines[3]!, /^›value\s+hel/);
  assert.match(lines[4]!, /✓ partition 0 offset 42 orders 12 ms/, 'newest first');
  assert.match(lines[5]!, /✓ partition 0 offset 41/);
});

test('produce pane, not focused: says how to start typing', () => {
  const lines = frame(<ProducePane values={{ topic: '', key: '', value: '' }} field="value" defaultTopic="orders" results={[{ id: 1, topic: 'x y', key: null, value: 'v', pending: false, error: 'bad topic name' }]} focused={false} width={40} height={6} />);
  assert.match(lines[1]!, /topic\s+orders \(selected\)/);
  assert.match(lines[3]!, /value\s+press i to type a record/);
  assert.match(lines[4]!, /✗ bad topic name/);
});

test('consume pane: partition, offset, key and value of each record, newest last', () => {
  const lines: TailLine[] = [
    { id: 1, partition: 0, offset: 41, key: null, value: 'first' },
    { id: 2, partition: 2, offset: 3, key: 'user-7', value: 'hello' },
    { id: 3, partition: 1, offset: 7, key: null, value: '', skipped: 20_000 },
  ];
  const out = frame(<ConsumePane topic="orders" start="recent" lines={lines} status={null} scroll={0} focused={false} width={60} height={5} />);
  assert.match(out[0]!, /CONSUME orders\s+recent \+ live · b\/l\/t/);
  assert.match(out[1]!, /p0 @41\s+first/);
  assert.match(out[2]!, /p2 @3\s+user-7 hello/);
  assert.match(out[3]!, /p1 … skipped 20k records to keep up/);
});

test('event log: timestamped elections with old -> new leader and epoch', () => {
  const lines = frame(<EventLog events={events} scroll={0} focused={false} width={100} height={5} beside={false} />);
  assert.match(lines[0]!, /EVENTS\s+4 events/);
  assert.match(rowOf(lines, 'exited'), /^\d\d:\d\d:\d\d\.\d{3} yak\s+broker-2 exited \(SIGKILL\)/);
  assert.match(rowOf(lines, 'leader'), /zookeeper\s+orders-1 leader broker-2 -> broker-3, epoch 2/);
  assert.match(rowOf(lines, 'ISR'), /orders-0 ISR \[1,2,3\] -> \[1,3\]/);
});

test('create-topic dialog: fields with defaults and the error of a refused name', () => {
  const ui = uiReducer(initialUiState(), { type: 'create-open', partitions: 3, replicationFactor: 3 });
  const lines = frame(<CreateTopicDialog dialog={{ ...ui.create!, name: 'bad name', error: 'topic names use letters, digits, . _ -' }} width={80} height={6} />);
  assert.match(lines[0]!, /CREATE TOPIC\s+Enter create · Tab ↑↓ field · Esc cancel/);
  assert.match(lines[1]!, /›name\s+bad name/);
  assert.match(lines[2]!, /partitions\s+3/);
  assert.match(lines[3]!, /replication 3/);
  assert.match(rowOf(lines, '✗'), /✗ topic names use letters/);
});

test('footer: an action message, then the keys that fit, help and quit last to go', () => {
  const ui: UiState = { ...initialUiState(), selectedProcess: 'broker-2' };
  const hints = footerHints(ui, { name: 'broker-2', state: 'alive' });
  const [wide] = frame(<Footer hints={hints} width={100} />);
  assert.match(wide!, /Tab pane\s+↑↓ select\s+k kill broker-2\s+p pause\s+r restart/);
  const [narrow] = frame(<Footer hints={hints} message={{ text: 'killed broker-2 (pid 202, SIGKILL) and more words to fill the line', error: false }} width={80} />);
  assert.ok(narrow!.length <= 80, narrow);
  assert.match(narrow!, /^killed broker-2.*\? help\s+q quit$/);
});

test('help fits 80x24 with every key listed', () => {
  const lines = frame(<Help width={80} height={21} />);
  assert.ok(lines.length <= 21, `${lines.length} lines`);
  for (const key of ['Tab Shift-Tab', 'k ', 'p ', 'r ', 'c ', 'g ', 'd ', 'i  Enter', 'in PRODUCE', '?', 'q  Ctrl-C']) rowOf(lines, key);
  assert.ok(lines.every((l) => l.length <= 80));
});

const GROUPS: GroupDescription[] = [
  {
    groupId: 'billing',
    state: 'Stable',
    protocolType: 'consumer',
    assignor: 'range',
    members: [{ memberId: 'm-1', groupInstanceId: null, clientId: 'billing-1', host: '/127.0.0.1', partitions: [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }] }],
    partitions: [
      { topic: 'orders', partition: 0, committedOffset: 40, logEndOffset: 42, lag: 2, memberId: 'm-1', clientId: 'billing-1', host: '/127.0.0.1' },
      { topic: 'orders', partition: 1, committedOffset: null, logEndOffset: 7, lag: null, memberId: 'm-1', clientId: 'billing-1', host: '/127.0.0.1' },
    ],
  },
  { groupId: 'audit-reader', state: 'Empty', protocolType: 'consumer', assignor: '', members: [], partitions: [{ topic: 'audit', partition: 0, committedOffset: 0, logEndOffset: 5, lag: 5, memberId: null, clientId: null, host: null }] },
];

test('80x24: GROUPS in the place of TOPICS: state, members, lag; the selected group by partition', () => {
  const ui: UiState = { ...initialUiState(), focus: 'groups', selectedGroup: 'billing' };
  const lines = frame(<Screen {...screenProps(ui, 80, 24)} footer={{ hints: footerHints(ui, null), message: null }} />);
  assert.ok(lines.every((l) => l.length <= 80), lines.find((l) => l.length > 80));
  assert.not.ok(lines.some((l) => l.startsWith('TOPICS')));
  assert.match(rowOf(lines, 'GROUPS'), /GROUPS\s+STATE \/ PARTITION\s+MEMBER\s+COMMITTED\s+END\s+LAG/);
  assert.match(rowOf(lines, '›billing'), /›billing\s+Stable\s+1 member, 2 parts\s+2$/);
  assert.match(rowOf(lines, 'orders-0'), /orders-0\s+billing-1\s+40\s+42\s+2$/);
  assert.match(rowOf(lines, 'orders-1'), /orders-1\s+billing-1\s+-\s+7\s+-$/);
  assert.match(rowOf(lines, 'audit-reader'), /audit-reader\s+Empty\s+0 members, 1 part\s+5$/);
});

test('80 columns: a group\'s summary row shows its member and partition counts whole (in the blank COMMITTED and END columns), and a lag too long for its column in short form', () => {
  const partitions = Array.from({ length: 12 }, (_, p) => ({ topic: 'orders', partition: p, committedOffset: 0, logEndOffset: 1_234_567, lag: 1_234_567, memberId: null, clientId: null, host: null }));
  const members = ['m-1', 'm-2'].map((memberId) => ({ memberId, groupInstanceId: null, clientId: 'c', host: '/127.0.0.1', partitions: [] }));
  const group: GroupDescription = { groupId: 'big', state: 'Stable', protocolType: 'consumer', assignor: 'range', members, partitions };
  for (const width of [80, 120]) {
    const lines = frame(<GroupsPane groups={[group]} status={null} selected="big" focused={false} width={width} height={4} />);
    assert.ok(lines.every((l) => l.length <= width), lines.find((l) => l.length > width));
    assert.match(rowOf(lines, '›big'), /›big\s+Stable\s+2 members, 12 parts\s+15M$/, `${width} columns`);
    assert.match(rowOf(lines, 'orders-0'), /orders-0\s+no member\s+0\s+1234567\s+1234567$/);
  }
});

const screenProps = (ui: UiState, columns: number, rows: number): ScreenProps => ({
  view: view(),
  ui,
  events,
  groups: { groups: GROUPS, status: null },
  tail: { lines: [{ id: 1, partition: 0, offset: 42, key: null, value: 'hello' }], status: null },
  produceResults: [{ id: 1, topic: 'orders', key: null, value: 'hello', pending: false, partition: 0, offset: 42, tookMs: 5 }],
  footer: { hints: footerHints(ui, null), message: null },
  nowMs: NOW_MS,
  columns,
  rows,
});

test('the whole screen at 80x24: every pane, one row short of the terminal, nothing wider than it', () => {
  const ui: UiState = { ...initialUiState(), selectedProcess: 'broker-2', selectedTopic: 'orders' };
  const lines = frame(<Screen {...screenProps(ui, 80, 24)} />);
  assert.is(lines.length, 23);
  assert.ok(lines.every((l) => l.length <= 80), lines.find((l) => l.length > 80));
  assert.match(lines[0]!, /^YaK\s+bootstrap 127\.0\.0\.1:9091 \+2\s+up 1m05s\s+zookeeper alive/);
  for (const title of ['BROKERS', 'TOPICS', 'PRODUCE', 'CONSUME orders', 'EVENTS']) rowOf(lines, title);
  assert.match(rowOf(lines, 'broker-2'), /dead/);
  assert.match(rowOf(lines, 'p0 @42'), /hello/);
  assert.match(rowOf(lines, 'epoch 2'), /orders-1 leader broker-2 -> broker-3/);
  assert.match(lines[22]!, /q quit/);
});

test('80x24 with the default data dir: the bootstrap address stays in the header', () => {
  const ui: UiState = { ...initialUiState(), selectedTopic: 'orders' };
  const props = screenProps(ui, 80, 24);
  const lines = frame(<Screen {...props} view={{ ...props.view, dataDir: '.yak' }} />);
  assert.match(lines[0]!, /bootstrap 127\.0\.0\.1:9091 \+2/);
  assert.ok(lines[0]!.length <= 80);
});

test('80x24: a status message leaves the key hints on the footer row', () => {
  const ui: UiState = { ...initialUiState(), selectedProcess: 'broker-1' };
  const message = { text: 'restarted broker-2 (stopped pid 4242, pid 4343, 127.0.0.1:9092) in 812 ms', error: false };
  const [row] = frame(<Footer hints={footerHints(ui, { name: 'broker-1', state: 'alive' })} message={message} width={80} />);
  assert.ok(row!.length <= 80, row);
  assert.match(row!, /^restarted broker-2/);
  assert.match(row!, /k kill broker-1\s+p pause\s+r restart\s+\? help\s+q quit$/);
});

test('a dead broker is offered r restart, not k kill or p pause', () => {
  const ui: UiState = { ...initialUiState(), selectedProcess: 'broker-2' };
  const [row] = frame(<Footer hints={footerHints(ui, { name: 'broker-2', state: 'dead' })} width={80} />);
  assert.match(row!, /r restart broker-2/);
  assert.not.match(row!, /kill|pause/);
});

test('the selected, focused partition row of a fully in-sync ISR has no coloured blank beside it', () => {
  // Colours on (the test's stdout is no terminal), for this render only: Ink colours with chalk's default instance.
  const level = chalk.level;
  chalk.level = 1;
  const { lastFrame, unmount } = render(<TopicsPane topics={view().topics} selected="audit" focused expandAll width={100} height={6} />);
  chalk.level = level;
  const lines = (lastFrame() ?? '').split('\n');
  unmount();
  const row = lines.find((l) => l.includes('audit'))!;
  assert.match(lines.find((l) => l.includes('orders'))!, /\x1b\[31m ✗2/, 'colours are on');
  // Red (31) appears only with text: the out-of-sync marker of orders, never on audit's blank cell.
  assert.not.match(row, /\x1b\[31m\s+\x1b\[39m/, JSON.stringify(row));
});

test('event log at 80x24: a coalesced burst is one line, its events one key (d) away', () => {
  const burst = { id: 9, atMs: NOW_MS, source: 'zookeeper', kind: 'election' as const, text: 'broker-2 process exited: 334 leaders moved', count: 334, details: [{ atMs: NOW_MS, text: 'big-0 leader broker-2 -> broker-3, epoch 1 (broker-2 process exited)' }] };
  const ui: UiState = { ...initialUiState(), focus: 'events' };
  const lines = frame(<Screen {...screenProps(ui, 80, 24)} events={[...events, burst]} />);
  rowOf(lines, 'broker-2 process exited: 334 leaders moved');
  assert.match(lines[22]!, /d each event/);
});

test('the help and the create dialog take their place in the screen', () => {
  const helpUi: UiState = { ...initialUiState(), help: true };
  rowOf(frame(<Screen {...screenProps(helpUi, 80, 24)} />), 'KEYS');
  const createUi = uiReducer(initialUiState(), { type: 'create-open', partitions: 3, replicationFactor: 3 });
  const lines = frame(<Screen {...screenProps(createUi, 80, 24)} />);
  rowOf(lines, 'CREATE TOPIC');
  assert.not.ok(lines.some((l) => l.includes('PRODUCE')));
});

test.run();
