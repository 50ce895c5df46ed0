/**
 * A cluster process collects its start-up garbage once it serves (serveClusterProcess): one full
 * collection, after the turn that reported ready, when node's `gc` is exposed (as the supervisor
 * does for its children), and none otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectStartupGarbage } from '../../src/cli/process-lifecycle.js';

test('collectStartupGarbage runs one full collection after the current turn', async () => {
  let collections = 0;
  collectStartupGarbage(() => collections++);
  assert.is(collections, 0, 'not on the stack of the start-up that is ending');
  await new Promise((resolve) => setImmediate(resolve));
  assert.is(collections, 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.is(collections, 1, 'once');
});

test('collectStartupGarbage does nothing where gc is not exposed', async () => {
  collectStartupGarbage(undefined);
  await new Promise((resolve) => setImmediate(resolve));
});

test.run();
