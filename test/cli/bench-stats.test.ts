/**
 * bench-stats' Throttler, as Kafka's ThroughputThrottler: never ahead of the target rate, and it
 * sleeps only once 2 ms ahead (MIN_SLEEP_NS), so records go out in bursts of 2 ms worth.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Throttler } from '../../src/cli/bench-stats.js';

test('at 10,000 records/s the throttle keeps the rate and lets records go in bursts of about 2 ms worth (20), not one timer tick each', async () => {
  const throttle = new Throttler(10_000);
  const start = performance.now();
  const sentAt: number[] = [];
  for (let i = 0; i < 400; i++) {
    await throttle.wait(i);
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
