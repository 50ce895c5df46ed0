/** StallClock: time the process could not run (here: its event loop blocked) is counted, once, after the moment asked about. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StallClock } from '../../src/coordinator/stall-clock.js';

test('a blocked event loop counts as a stall for moments before it, not after it', async () => {
  const clock = new StallClock();
  try {
    await new Promise((r) => setTimeout(r, 150));
    const before = Date.now();
    assert.is(clock.stalledSince(before), 0, 'nothing stood still yet');
    const until = Date.now() + 600;
    while (Date.now() < until) {
      // blocks the event loop as SIGSTOP would stop the process
    }
    const stalled = clock.stalledSince(before);
    assert.ok(stalled >= 400 && stalled <= 700, `stalled ${stalled} ms`);
    assert.is(clock.stalledSince(Date.now()), 0, 'not after it');
    assert.is(clock.stalledSince(before), stalled, 'counted once');
  } finally {
    clock.close();
  }
});

test.run();
