import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pushToList } from '../../src/common/list-map.js';

test('pushToList groups items by key, in the order they came, into the same list', () => {
  const lists = new Map<string, number[]>();
  for (const [k, v] of [['a', 1], ['b', 2], ['a', 3]] as const) pushToList(lists, k, v);
  const a = lists.get('a')!;
  pushToList(lists, 'a', 4);
  assert.equal([...lists], [['a', [1, 3, 4]], ['b', [2]]]);
  assert.ok(lists.get('a') === a, 'appended in place, not copied');
});

test.run();
