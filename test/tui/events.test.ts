import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ClusterEvent } from '../../src/common/cluster-events.js';
import { BURST_GAP_MS, EventBus, clusterEventLine, unfoldBursts } from '../../src/tui/events.js';

const line = (who: string, text: string, level = 'INFO', at = '2026-01-01T10:00:00.123Z') => `${at} ${level} [${who}] ${text}`;
const elected = (partition: number, reason: string): ClusterEvent => ({ type: 'leader-changed', topic: 'big', partition, from: 2, to: 3, epoch: 1, reason });
const shrunk = (partition: number): ClusterEvent => ({ type: 'isr-changed', topic: 'big', partition, from: [1, 2, 3], to: [1, 3] });
const expanded = (partition: number): ClusterEvent => ({ type: 'isr-changed', topic: 'big', partition, from: [1, 3], to: [1, 3, 2] });

test('typed cluster events get their kind and their log line', () => {
  const cases: [ClusterEvent, string, string][] = [
    [{ type: 'broker-registered', brokerId: 2, host: '127.0.0.1', port: 9092 }, 'register', 'broker-2 registered at 127.0.0.1:9092'],
    [{ type: 'broker-dead', brokerId: 2, reason: 'process exited' }, 'death', 'broker-2 dead (process exited)'],
    [elected(1, 'broker-2 process exited'), 'election', 'big-1 leader broker-2 -> broker-3, epoch 1 (broker-2 process exited)'],
    [shrunk(0), 'isr-shrink', 'big-0 ISR [1,2,3] -> [1,3]'],
    [expanded(0), 'isr-expand', 'big-0 ISR [1,3] -> [1,3,2]'],
    [{ type: 'topic-created', topic: 'orders', partitions: 3, replicationFactor: 3 }, 'topic', 'topic orders created: 3 partition(s), replication factor 3'],
  ];
  for (const [event, kind, text] of cases) {
    const l = clusterEventLine(event);
    assert.is(l.kind, kind, text);
    assert.is(l.text, text);
  }
});

test("a dead broker's 334 elections and 666 ISR shrinks are three entries, with every event one key away", () => {
  const bus = new EventBus();
  const t0 = 1_000_000;
  bus.supervised({ type: 'process-exited', name: 'broker-2', pid: 42, how: 'SIGKILL' });
  for (let p = 0; p < 334; p++) bus.cluster(elected(p, 'broker-2 process exited'), t0);
  for (let p = 0; p < 666; p++) bus.cluster(shrunk(p), t0);
  bus.cluster({ type: 'broker-dead', brokerId: 2, reason: 'process exited' }, t0 + 1);
  const log = bus.recent().filter((e) => e.source === 'zookeeper');
  assert.equal(
    log.map((e) => [e.kind, e.text, e.count]),
    [
      ['election', 'broker-2 process exited: 334 leaders moved', 334],
      ['isr-shrink', 'broker-2 out of the ISR of 666 partitions', 666],
      ['death', 'broker-2 dead (process exited)', 1],
    ],
  );
  const detail = unfoldBursts(log);
  assert.is(detail.length, 334 + 666 + 1);
  assert.is(detail[0]!.text, 'big-0 leader broker-2 -> broker-3, epoch 1 (broker-2 process exited)');
  assert.is(new Set(detail.map((e) => e.id)).size, detail.length, 'unfolded lines keep distinct ids (React keys)');
});

test("a paused broker's churn (elections, ISR expands a second apart, preferred moves) leaves its death on a five-line pane", () => {
  const bus = new EventBus();
  const t0 = 2_000_000;
  for (let p = 0; p < 40; p++) bus.cluster(elected(p, 'broker-2 no heartbeat for 3000 ms'), t0);
  bus.cluster({ type: 'broker-dead', brokerId: 2, reason: 'no heartbeat for 3000 ms' }, t0);
  bus.cluster({ type: 'broker-registered', brokerId: 2, host: '127.0.0.1', port: 9093 }, t0 + 10_000);
  // It catches up partition by partition, and leadership moves back in rounds a second apart.
  for (let p = 0; p < 40; p++) bus.cluster(expanded(p), t0 + 10_100 + p * 100);
  for (let round = 0; round < 4; round++) for (let p = 0; p < 10; p++) bus.cluster(elected(round * 10 + p, 'preferred replica back in sync'), t0 + 11_000 + round * 1000);
  const texts = bus.recent().map((e) => e.text);
  assert.equal(texts, [
    'broker-2 no heartbeat for 3000 ms: 40 leaders moved',
    'broker-2 dead (no heartbeat for 3000 ms)',
    'broker-2 registered at 127.0.0.1:9093',
    'broker-2 back in the ISR of 40 partitions',
    'preferred replica back in sync: 40 leaders moved',
  ]);
});

test("a process event ends a burst: the next kill's elections are a new entry", () => {
  const bus = new EventBus();
  bus.cluster(elected(0, 'broker-2 process exited'), 100);
  bus.cluster(elected(1, 'broker-2 process exited'), 100);
  bus.cluster({ type: 'broker-dead', brokerId: 2, reason: 'process exited' }, 101);
  bus.cluster({ type: 'broker-registered', brokerId: 2, host: '127.0.0.1', port: 9093 }, 500);
  bus.cluster(elected(2, 'broker-2 process exited'), 900);
  assert.equal(bus.recent().map((e) => e.text).at(-1), 'big-2 leader broker-2 -> broker-3, epoch 1 (broker-2 process exited)');
  assert.is(bus.recent()[0]!.count, 2);
});

test('events of one cause far apart in time are separate entries', () => {
  const bus = new EventBus();
  bus.cluster(elected(0, 'preferred replica back in sync'), 0);
  bus.cluster(elected(1, 'preferred replica back in sync'), BURST_GAP_MS + 1);
  assert.equal(bus.recent().map((e) => e.count), [1, 1]);
});

test('a burst keeps at most its detail limit of lines, and says how many it left out', () => {
  const bus = new EventBus(100, 3);
  for (let p = 0; p < 5; p++) bus.cluster(elected(p, 'x'), 10);
  const [entry] = bus.recent();
  assert.is(entry!.count, 5);
  assert.equal(unfoldBursts([entry!]).map((e) => e.text).at(-1), '… and 2 more');
});

test("children add only their warnings, errors and stray output; INFO lines (the coordinator's event lines included) are not parsed", () => {
  const bus = new EventBus();
  bus.childLine('zookeeper', line('zookeeper', 'broker-2 dead (process exited)'));
  bus.childLine('broker-1', line('broker-1', 'leading orders-0 at epoch 1'));
  bus.childLine('broker-1', line('broker-1', 'fetch failed', 'WARN'));
  bus.childLine('broker-1', line('broker-1', 'disk full', 'ERROR'));
  bus.childLine('broker-1', 'TypeError: x is undefined');
  bus.childLine('broker-1', '   ');
  assert.equal(bus.recent().map((e) => [e.source, e.kind, e.text]), [
    ['broker-1', 'warn', 'fetch failed'],
    ['broker-1', 'error', 'disk full'],
    ['broker-1', 'warn', 'TypeError: x is undefined'],
  ]);
  assert.is(bus.recent()[0]!.atMs, Date.parse('2026-01-01T10:00:00.123Z'));
});

test('the bus keeps entries in time order, keeps the last `capacity`, and tells subscribers', () => {
  const bus = new EventBus(3);
  let told = 0;
  const unsubscribe = bus.subscribe(() => told++);
  const info = (text: string) => ({ kind: 'info' as const, text });
  bus.add('a', info('second'), 20);
  bus.add('b', info('first'), 10);
  bus.add('a', info('third'), 30);
  bus.add('a', info('fourth'), 40);
  assert.equal(bus.recent().map((e) => e.text), ['second', 'third', 'fourth']);
  assert.is(told, 4);
  unsubscribe();
  bus.supervised({ type: 'process-exited', name: 'broker-1', pid: 7, how: 'SIGKILL' });
  assert.is(told, 4);
  assert.equal([bus.recent().at(-1)!.kind, bus.recent().at(-1)!.text], ['death', 'broker-1 exited (SIGKILL)']);
});

test("a broker's truncation, relayed by the supervisor, is its own typed entry", () => {
  const bus = new EventBus();
  bus.supervised({ type: 'log-truncated', brokerId: 2, topic: 'orders', partition: 1, from: 9, to: 5, leaderId: 3, reason: 'diverging epoch: epoch 4 ends at 5' });
  assert.equal(bus.recent().map((e) => [e.source, e.kind, e.text]), [['broker-2', 'truncation', 'truncating orders-1 from 9 to 5 to match leader broker-3 (diverging epoch: epoch 4 ends at 5)']]);
});

test("the supervisor's logger notes its messages by level", () => {
  const bus = new EventBus();
  bus.logger('yak').info('cluster ready');
  bus.logger('yak').warn('something odd');
  assert.equal(bus.recent().map((e) => [e.source, e.kind]), [['yak', 'info'], ['yak', 'warn']]);
});

test.run();
