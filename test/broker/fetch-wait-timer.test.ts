/**
 * FetchWaitTimer: the timeouts of waiting fetches, one Node timer for all. Woken waits never time
 * out; the others time out in deadline order, whatever their timeouts; a wait woken before the armed
 * deadline leaves the timer armed, and its firing re-arms for the rest.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FetchWaitTimer } from '../../src/broker/fetch-wait-timer.js';

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('waits time out in deadline order across timeouts; cancelled ones never do', async () => {
  let now = 1000;
  const timer = new FetchWaitTimer(() => now);
  const out: string[] = [];
  const done = new Promise<void>((resolve) => {
    timer.add(30, () => out.push('a30'));
    const cancelB = timer.add(10, () => out.push('b10'));
    timer.add(20, () => out.push('c20'));
    timer.add(10, () => {
      out.push('d10');
    });
    timer.add(40, () => {
      out.push('e40');
      resolve();
    });
    cancelB();
    cancelB();
    now = 1050;
  });
  await done;
  assert.equal(out, ['d10', 'c20', 'a30', 'e40']);
  assert.is(timer.size, 0);
});

test('any number of waits arm one Node timer; it re-arms while waits are left', async () => {
  const before = timeouts();
  const timer = new FetchWaitTimer();
  const cancels = Array.from({ length: 100 }, () => timer.add(60_000, () => assert.unreachable('cancelled')));
  assert.is(timeouts() - before, 1);
  let fired = false;
  const short = new Promise<void>((resolve) => timer.add(5, () => ((fired = true), resolve())));
  assert.is(timeouts() - before, 1, 'an earlier deadline re-arms the one timer');
  await short;
  assert.ok(fired);
  assert.is(timer.size, 100);
  assert.is(timeouts() - before, 1, 're-armed for the waits left');
  for (const cancel of cancels) cancel();
  assert.is(timer.size, 0);
});

test.run();
