/**
 * `bench consume`'s read loop: it counts records and their bytes until it has the number asked
 * for, and the run ends when the last of them arrived, as kafka-consumer-perf-test's does, not when
 * the consumer has closed (closing waits out the long polls of partitions already read to their end).
 * The clock is a counter the fake consumer moves, so nothing here depends on real time.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConsumedRecord } from '../../src/client/consumer.js';
import { consumeRecords } from '../../src/cli/commands/bench.js';

const rec = (value: string | null, key: string | null = null): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: 0,
  timestamp: 0,
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(value),
  headers: [],
});

/** Hands out `polls` one per call, each 10 "ms" after the last; then polls that wait 5000 and bring nothing. */
function fakeConsumer(polls: ConsumedRecord[][]) {
  const clock = { ms: 1000 };
  return {
    clock,
    consumer: {
      async poll(timeoutMs: number): Promise<ConsumedRecord[]> {
        const next = polls.shift();
        clock.ms += next ? 10 : timeoutMs;
        return next ?? [];
      },
    },
  };
}

test('counts records and key + value bytes up to the number asked; ends at the last record\'s arrival', async () => {
  const { clock, consumer } = fakeConsumer([[rec('abc', 'k'), rec(null)], [rec('defg')], [rec('never read')]]);
  const tally = await consumeRecords(consumer, 3, () => clock.ms);
  assert.equal(tally, { count: 3, bytes: 8, lastAtMs: 1020 });
  clock.ms += 500; // what a close waiting for a long poll would add
  assert.is(tally.lastAtMs, 1020, 'the time of the last record, whatever happens after');
});

test('a topic holding fewer records: stops after a poll that brought none; the run still ends at the last record', async () => {
  const { clock, consumer } = fakeConsumer([[rec('a'), rec('b')]]);
  const tally = await consumeRecords(consumer, 10, () => clock.ms);
  assert.equal(tally, { count: 2, bytes: 2, lastAtMs: 1010 });
  assert.is(clock.ms, 6010, 'it waited one empty poll');
});

test.run();
