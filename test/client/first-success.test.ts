import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstSuccess } from '../../src/client/kafka-client.js';

const after = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

test('firstSuccess: a hung first attempt is overtaken by the next one after the hedge delay', async () => {
  const started: string[] = [];
  const t0 = Date.now();
  const value = await firstSuccess(
    [
      () => (started.push('hung'), new Promise<string>(() => undefined)),
      () => (started.push('fast'), after(5, 'fast')),
    ],
    50,
  );
  assert.is(value, 'fast');
  assert.equal(started, ['hung', 'fast']);
  assert.ok(Date.now() - t0 >= 45, 'the second attempt waited for the hedge delay');
});

test('firstSuccess: a failure starts the next attempt at once; the first answer wins', async () => {
  const started: string[] = [];
  const value = await firstSuccess(
    [() => (started.push('a'), after(1, 'a', true)), () => (started.push('b'), after(1, 'b')), () => (started.push('c'), after(1, 'c'))],
    10_000,
  );
  assert.is(value, 'b');
  assert.equal(started, ['a', 'b']);
});

test('firstSuccess: rejects with the last error only when every attempt failed', async () => {
  const err = await firstSuccess([() => after(20, 'slow', true), () => after(1, 'quick', true)], 5).catch((e: Error) => e);
  assert.instance(err, Error);
  assert.is((err as Error).message, 'slow');
  await firstSuccess([], 5).then(
    () => assert.unreachable('no attempts cannot succeed'),
    (e: Error) => assert.match(e.message, 'no broker known'),
  );
});

test.run();
