/**
 * DeadlineTimer: many timeouts (waiting fetches, client requests), one Node timer for all. Cancelled waits never time
 * out; the others time out in deadline order, whatever their timeouts; a wait woken before the armed
 * deadline leaves the timer armed, and its firing re-arms for the rest.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeadlineTimer } from '../../src/common/deadline-timer.js';

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('waits time out in deadline order across timeouts; cancelled ones never do', async () => {
  let now = 1000;
  const timer = new DeadlineTimer(() => now);
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
  const timer = new DeadlineTimer();
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

test('a wait cancelled by the timeout of another due in the same firing is not called', async () => {
  let now = 0;
  const timer = new DeadlineTimer(() => now);
  const out: string[] = [];
  let cancelSecond = () => {};
  const done = new Promise<void>((resolve) => {
    timer.add(10, () => {
      out.push('first');
      cancelSecond();
      setTimeout(resolve, 5);
    });
    cancelSecond = timer.add(20, () => out.push('second'));
    now = 100;
  });
  await done;
  assert.equal(out, ['first']);
});

test('clear cancels every wait and stops the Node timer', () => {
  const before = timeouts();
  const timer = new DeadlineTimer();
  for (let i = 0; i < 10; i++) timer.add(60_000, () => assert.unreachable('cleared'));
  assert.is(timeouts() - before, 1);
  timer.clear();
  assert.is(timer.size, 0);
  assert.is(timeouts() - before, 0, 'nothing left to keep the process alive');
  let fired = false;
  timer.add(0, () => (fired = true));
  assert.is(timeouts() - before, 1, 'usable again after clear');
  timer.clear();
  assert.not.ok(fired);
});

test.run();
