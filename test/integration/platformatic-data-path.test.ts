/**
 * @platformatic/kafka 1.x (flexible versions only) on the data path: an idempotent producer (flexible
 * InitProducerId and Produce), ListOffsets at its newest version, and Fetch by topic id (v13+) from
 * each partition's leader, reading back every record produced. It picks the highest versions both
 * sides know: InitProducerId v5, Produce v11, ListOffsets v9, Fetch v16 (it has up to v17). Its group
 * consumer needs the flexible group APIs, which are not this test's.
 */
import { Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';

const test = suite('@platformatic/kafka data path');
const TOPIC = 'platformatic-data';
const RECORDS = 300;
let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  const created = await runYak(['topic', 'create', TOPIC, '--partitions', '3', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
});

test.after(async () => {
  await cluster?.destroy();
});

test('idempotent produce, ListOffsets and Fetch by topic id from each leader: every record back once', async () => {
  const bootstrapBrokers = [cluster.bootstrap.split(',')[0]!];
  const producer = new Producer({ clientId: 'yak-test-producer', bootstrapBrokers, serializers: stringSerializers, idempotent: true });
  try {
    await producer.send({ messages: Array.from({ length: RECORDS }, (_, i) => ({ topic: TOPIC, key: `k${i}`, value: `v${i}` })) });
  } finally {
    await producer.close();
  }
  const consumer = new Consumer({ groupId: 'unused', clientId: 'yak-test-consumer', bootstrapBrokers });
  try {
    const offsets = await consumer.listOffsets({ topics: [TOPIC] });
    const ends = offsets.get(TOPIC)!;
    assert.is(ends.reduce((n, o) => n + Number(o), 0), RECORDS, `high watermarks ${ends.join(', ')}`);
    const md = await consumer.metadata({ topics: [TOPIC] });
    const topic = md.topics.get(TOPIC)!;
    const values = new Set<string>();
    for (const [partition, p] of topic.partitions.entries()) {
      let fetchOffset = 0n;
      while (fetchOffset < ends[partition]!) {
        const res = await consumer.fetch({
          node: p.leader,
          maxWaitTime: 100,
          topics: [{ topicId: topic.id, partitions: [{ partition, currentLeaderEpoch: p.leaderEpoch, fetchOffset, lastFetchedEpoch: -1, partitionMaxBytes: 4096 }] }],
        });
        const answer = res.responses[0]!.partitions[0]!;
        assert.is(answer.errorCode, 0);
        assert.is(res.responses[0]!.topicId, topic.id);
        const records = (answer.records ?? []).flatMap((b) => b.records.map((r) => ({ offset: b.firstOffset + BigInt(r.offsetDelta), value: r.value?.toString() ?? '' })));
        assert.ok(records.length > 0, `records from offset ${fetchOffset} of partition ${partition}`);
        for (const r of records) if (r.offset >= fetchOffset) values.add(r.value);
        fetchOffset = records[records.length - 1]!.offset + 1n;
      }
    }
    assert.is(values.size, RECORDS);
  } finally {
    await consumer.close(true);
  }
});

test.run();
