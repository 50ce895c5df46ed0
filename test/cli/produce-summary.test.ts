import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProduceTally } from '../../src/cli/produce-summary.js';

const meta = (partition: number, offset: number) => ({ topic: 't', partition, offset, timestamp: 0 });

test('the tally counts answers per partition with their first and last offsets; the line and the object agree', () => {
  const s = new ProduceTally();
  s.sent = 5;
  for (const [p, o] of [[1, 7], [0, 3], [1, 8], [0, 4]] as const) s.acked(meta(p, o));
  assert.is(s.line('t', 'all'), 'acknowledged 4 of 5 record(s) to t (partition 0: 2, partition 1: 2), acks=all; 1 not answered');
  assert.equal(s.toJson('t', 'all', { interrupted: false, error: null }), {
    topic: 't', acks: 'all', sent: 5, acknowledged: 4, failed: 0, unanswered: 1,
    partitions: [{ partition: 0, records: 2, firstOffset: 3, lastOffset: 4 }, { partition: 1, records: 2, firstOffset: 7, lastOffset: 8 }],
    interrupted: false, error: null,
  });
  s.sent = 6;
  s.failedWith(new Error('NOT_ENOUGH_REPLICAS'));
  s.failedWith(new Error('later'));
  assert.is(s.answered(), 6);
  const json = s.toJson('t', 'all', { interrupted: true, error: new Error('1 record(s) failed') });
  assert.equal([json.failed, json.unanswered, json.interrupted, json.error], [2, 0, true, '1 record(s) failed']);
  assert.is(s.firstError?.message, 'NOT_ENOUGH_REPLICAS');
});

test('acks=0: "sent", and nothing answered is shown as unanswered only when it is', () => {
  const s = new ProduceTally();
  s.sent = 1;
  s.acked(meta(0, -1));
  assert.is(s.line('t', '0'), 'sent 1 of 1 record(s) to t (partition 0: 1), acks=0');
  assert.equal(s.toJson('t', '0', { interrupted: false, error: null }).partitions, [{ partition: 0, records: 1, firstOffset: -1, lastOffset: -1 }]);
});

test.run();
