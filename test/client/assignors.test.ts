import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RangeAssignor, RoundRobinAssignor, type Assignor, type MemberSubscription } from '../../src/client/assignors.js';

/** memberId -> "topic:p,p topic:p" for compact comparisons. */
function plan(assignor: Assignor, members: MemberSubscription[], partitions: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [member, topics] of assignor.assign(members, new Map(Object.entries(partitions)))) {
    out[member] = [...topics.entries()].map(([t, ps]) => `${t}:${ps.join(',')}`).join(' ');
  }
  return out;
}

const two = [{ memberId: 'b', topics: ['t'] }, { memberId: 'a', topics: ['t'] }];

test('range: consecutive ranges per topic in member id order, the first members one more', () => {
  assert.equal(plan(RangeAssignor, two, { t: 6 }), { a: 't:0,1,2', b: 't:3,4,5' });
  assert.equal(plan(RangeAssignor, two, { t: 7 }), { a: 't:0,1,2,3', b: 't:4,5,6' });
  const three = [...two, { memberId: 'c', topics: ['t', 'u'] }];
  assert.equal(plan(RangeAssignor, three, { t: 4, u: 2 }), { a: 't:0,1', b: 't:2', c: 't:3 u:0,1' });
});

test('round robin: partitions dealt in turn, skipping members not subscribed', () => {
  assert.equal(plan(RoundRobinAssignor, two, { t: 6 }), { a: 't:0,2,4', b: 't:1,3,5' });
  const mixed = [{ memberId: 'a', topics: ['t'] }, { memberId: 'b', topics: ['t', 'u'] }];
  assert.equal(plan(RoundRobinAssignor, mixed, { t: 3, u: 2 }), { a: 't:0,2', b: 't:1 u:0,1' });
});

test('every partition goes to exactly one subscribed member; more members than partitions leaves some idle', () => {
  const members = Array.from({ length: 5 }, (_, i) => ({ memberId: `m${i}`, topics: ['t'] }));
  for (const assignor of [RangeAssignor, RoundRobinAssignor]) {
    const result = assignor.assign(members, new Map([['t', 3]]));
    const all = [...result.values()].flatMap((tp) => tp.get('t') ?? []).sort();
    assert.equal(all, [0, 1, 2], `${assignor.name} assigns each partition once`);
    assert.is(result.size, 5, `${assignor.name} answers for every member`);
    assert.is([...result.values()].filter((tp) => tp.size === 0).length, 2);
  }
});

test.run();
