/**
 * The bench's bookkeeping per record: send times queued per partition in send order (a ring that
 * grows), the Throttler's delays (as Kafka's ThroughputThrottler: never ahead of the target rate, and
 * it sleeps only once 2 ms ahead, MIN_SLEEP_NS), and the client's own CPU.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientCpu, SEND_CLOCK_RECORDS, SendClock, SendTimes, Throttler, TurnClock } from '../../src/cli/bench-stats.js';

test('SendTimes hands back each partition\'s times oldest first, across growth and wrap-around', () => {
  const t = new SendTimes();
  const expected = new Map<number, number[]>();
  let next = 0;
  // Interleave pushes and shifts so the ring wraps before it grows, on two partitions.
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 1500 * (round + 1); i++) {
      const p = i % 3 === 0 ? 2 : 0;
      t.push(p, next);
      (expected.get(p) ?? expected.set(p, []).get(p)!).push(next++);
    }
    for (const [p, q] of expected) {
      for (let i = 0; i < Math.floor(q.length / 2); i++) assert.is(t.shift(p), q.shift());
    }
  }
  for (const [p, q] of expected) while (q.length > 0) assert.is(t.shift(p), q.shift());
  assert.ok(Number.isNaN(t.shift(0)) && Number.isNaN(t.shift(1)), 'nothing waiting');
});

test('TurnClock reads the clock once per turn', async () => {
  const c = new TurnClock();
  const a = c.now();
  for (let i = 0; i < 1e5; i++) assert.is(c.now(), a);
  await new Promise((r) => setTimeout(r, 2));
  assert.ok(c.now() > a, 'a new turn reads it again');
});

test('SendClock reads the clock once per SEND_CLOCK_RECORDS records, and afresh after a wait', async () => {
  const c = new SendClock();
  const busyUntil = (ms: number) => {
    while (performance.now() < ms);
  };
  const first = c.next();
  busyUntil(first + 1);
  for (let i = 1; i < SEND_CLOCK_RECORDS; i++) assert.is(c.next(), first, `record ${i} shares the reading`);
  const second = c.next();
  assert.ok(second > first, 'the next group reads the clock');
  busyUntil(second + 1);
  c.waited();
  assert.ok(c.next() > second, 'after a wait the next record reads it again');
});

test('Throttler: no delay unthrottled; a delay once ahead of the target rate', () => {
  assert.is(new Throttler(-1).delayMs(1e9), 0);
  const t = new Throttler(1000);
  assert.is(t.delayMs(0), 0);
  const d = t.delayMs(5000);
  assert.ok(d > 4000 && d <= 5000, `record 5000 at 1000/s is due ~5 s from the start: ${d}`);
});

test('ClientCpu counts this process\'s CPU per record', () => {
  const cpu = new ClientCpu();
  let x = 0;
  const until = performance.now() + 30;
  while (performance.now() < until) x++;
  const u = cpu.since(1000);
  assert.ok(x > 0 && u.cpuSeconds > 0 && u.cpuUsPerRecord > 0, JSON.stringify(u));
  assert.is(cpu.since(0).cpuUsPerRecord, 0);
});

test('at 10,000 records/s the throttle keeps the rate and lets records go in bursts of about 2 ms worth (20), not one timer tick each', async () => {
  const throttle = new Throttler(10_000);
  const start = performance.now();
  const sentAt: number[] = [];
  for (let i = 0; i < 400; i++) {
    const delayMs = throttle.delayMs(i);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    sentAt.push(performance.now());
  }
  assert.ok(sentAt[399]! - start >= 37, `400 records took ${(sentAt[399]! - start).toFixed(1)} ms, at least the 40 ms the rate allows less one burst`);
  // A burst: records sent with no sleep between them (well under the 2 ms the throttle sleeps at least).
  const bursts: number[] = [1];
  for (let i = 1; i < sentAt.length; i++) {
    if (sentAt[i]! - sentAt[i - 1]! < 0.5) bursts[bursts.length - 1]!++;
    else bursts.push(1);
  }
  const sorted = [...bursts].sort((a, b) => a - b);
  assert.ok(sorted[Math.floor(sorted.length / 2)]! >= 15, `median burst ${sorted[Math.floor(sorted.length / 2)]} records (bursts: ${bursts.join(' ')})`);
});

test.run();
