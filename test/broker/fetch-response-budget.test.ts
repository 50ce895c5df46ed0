import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FetchResponseBudget } from '../../src/broker/fetch-response-budget.js';

const test = suite('FetchResponseBudget: record bytes of Fetch answers, per connection and per broker');
const limits = { perConnectionBytes: 100, consumersBytes: 250, replicasBytes: 100, minGrantBytes: 10 };

test('a fetch gets what it asks for while its connection and the broker have room, then only what is left', async () => {
  const b = new FetchResponseBudget(limits);
  const first = await b.reserve(1, false, 60, 0);
  assert.is(first.bytes, 60);
  const second = await b.reserve(1, false, 60, 0);
  assert.is(second.bytes, 40, 'trimmed to what is left of the connection share');
  assert.is(b.used(1), 100);
  const none = await b.reserve(1, false, 60, 0);
  assert.is(none.bytes, 0, 'the connection share is spent: nothing, not waited for');
  assert.is((await b.reserve(2, false, 100, 0)).bytes, 100, 'another connection still gets its own');
  assert.is((await b.reserve(3, false, 100, 0)).bytes, 50, 'the broker share is 250 in all');
  assert.equal(b.used(), { consumers: 250, replicas: 0 });
});

test('followers have a share of their own: consumers using all of theirs do not starve them', async () => {
  const b = new FetchResponseBudget(limits);
  for (const c of [1, 2, 3]) await b.reserve(c, false, 100, 0);
  assert.is(b.used().consumers, 250);
  assert.is((await b.reserve(9, true, 100, 0)).bytes, 100);
  assert.equal(b.used(), { consumers: 250, replicas: 100 });
});

test('charge frees what was not read at once, and charges a first batch larger than the grant in full', async () => {
  const b = new FetchResponseBudget(limits);
  const g = await b.reserve(1, false, 80, 0);
  g.charge(30);
  assert.is(b.used(1), 30);
  g.charge(120);
  assert.is(b.used(1), 120, 'one whole first batch, over the share');
  assert.is((await b.reserve(1, false, 10, 0)).bytes, 0, 'nothing more for that connection meanwhile');
  g.release();
  g.release();
  assert.is(b.used(1), 0, 'released once, however often called');
  g.charge(50);
  assert.is(b.used(1), 0, 'a charge after the release (the connection ended mid-fetch) holds nothing');
  assert.equal(b.used(), { consumers: 0, replicas: 0 });
});

test('a fetch that finds less than the minimum grant free waits for a release, in order, and takes what it can', async () => {
  const b = new FetchResponseBudget(limits);
  const held = await b.reserve(1, false, 95, 0);
  const order: string[] = [];
  const a = b.reserve(1, false, 50, 10_000).then((g) => (order.push('a'), g));
  const c = b.reserve(1, false, 50, 10_000).then((g) => (order.push('c'), g));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(order, [], 'only 5 free, under the minimum of 10: both wait');
  held.charge(45);
  const ga = await a;
  assert.is(ga.bytes, 50, 'the first waiter gets all it asked for');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(order, ['a'], 'the second still waits: 5 free');
  ga.release();
  assert.is((await c).bytes, 50);
  assert.equal(order, ['a', 'c']);
});

test('a fetch that waited its maxWaitMs in vain is granted what is free, maybe nothing, and holds nothing more', async () => {
  const b = new FetchResponseBudget(limits);
  await b.reserve(1, false, 100, 0);
  const g = await b.reserve(1, false, 50, 50);
  assert.is(g.bytes, 0);
  assert.is(b.used(1), 100);
});

test.run();
