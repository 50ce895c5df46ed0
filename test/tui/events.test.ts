import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus, classifyLine } from '../../src/tui/events.js';

const line = (who: string, text: string, level = 'INFO', at = '2026-01-01T10:00:00.123Z') => `${at} ${level} [${who}] ${text}`;

test('child lines become typed, timestamped events', () => {
  const cases: [string, string, string][] = [
    ['zookeeper', 'broker-2 registered at 127.0.0.1:9092', 'register'],
    ['zookeeper', 'broker-2 dead (process exited)', 'death'],
    ['yak', 'broker-2 exited (SIGKILL)', 'death'],
    ['zookeeper', 'orders-1 leader broker-2 -> broker-3, epoch 2 (broker-2 process exited)', 'election'],
    ['zookeeper', 'orders-0 ISR [1,2,3] -> [1,3]', 'isr-shrink'],
    ['zookeeper', 'orders-0 ISR [1,3] -> [1,2,3]', 'isr-expand'],
    ['broker-2', 'truncating orders-1 from 9 to 5 to match leader broker-3', 'truncation'],
    ['tui', 'restarted broker-2 (pid 12, 127.0.0.1:9092) in 250 ms', 'action'],
    ['zookeeper', 'topic orders created: 3 partition(s), replication factor 3', 'topic'],
  ];
  for (const [who, text, kind] of cases) {
    const e = classifyLine(who, line(who, text));
    assert.ok(e, text);
    assert.is(e.kind, kind, text);
    assert.is(e.text, text);
    assert.is(e.source, who);
    assert.is(e.atMs, Date.parse('2026-01-01T10:00:00.123Z'));
  }
});

test('routine lines are dropped; warnings, errors and stray output are kept', () => {
  assert.is(classifyLine('broker-1', line('broker-1', 'leading orders-0 at epoch 1')), null);
  assert.is(classifyLine('broker-1', line('broker-1', 'fetch failed', 'WARN'))?.kind, 'warn');
  assert.is(classifyLine('broker-1', line('broker-1', 'disk full', 'ERROR'))?.kind, 'error');
  assert.is(classifyLine('broker-1', 'TypeError: x is undefined', 5)?.kind, 'warn');
  assert.is(classifyLine('broker-1', '   '), null);
});

test('the bus keeps events in time order, keeps the last `capacity`, and tells subscribers', () => {
  const bus = new EventBus(3);
  const seen: string[] = [];
  const unsubscribe = bus.subscribe((e) => seen.push(e.text));
  bus.push({ atMs: 20, source: 'a', kind: 'info', text: 'second' });
  bus.push({ atMs: 10, source: 'b', kind: 'info', text: 'first' });
  bus.push({ atMs: 30, source: 'a', kind: 'info', text: 'third' });
  bus.push({ atMs: 40, source: 'a', kind: 'info', text: 'fourth' });
  assert.equal(bus.recent().map((e) => e.text), ['second', 'third', 'fourth']);
  assert.equal(seen, ['second', 'first', 'third', 'fourth']);
  unsubscribe();
  bus.childLine('zookeeper', line('zookeeper', 'broker-1 dead (no heartbeat for 3000 ms)', 'INFO', new Date(50).toISOString()));
  assert.is(seen.length, 4);
  assert.is(bus.recent().at(-1)!.kind, 'death');
});

test("the supervisor's logger classifies its own messages", () => {
  const bus = new EventBus();
  bus.logger('yak').info('broker-3 exited (SIGKILL)');
  bus.logger('yak').warn('something odd');
  assert.equal(bus.recent().map((e) => [e.source, e.kind]), [['yak', 'death'], ['yak', 'warn']]);
});

test.run();
