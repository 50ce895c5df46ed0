/**
 * @platformatic/kafka 1.x (flexible versions only) on the data path: an idempotent producer (flexible
 * InitProducerId and Produce), ListOffsets at its newest version, and Fetch by topic id (v13+) from
 * each partition's leader, reading back every record produced. It picks the highest versions both
 * sides know: InitProducerId v5, Produce v11, ListOffsets v9, Fetch v16 (it has up to v17). Its group
 * consumer needs the flexible group APIs, which are not this test's. After a failover, its Fetch
 * (which names the current leader epoch as the last fetched one) still gets records.
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

test('after a failover, a Fetch naming the new leader epoch as its last fetched epoch (as its consumer stream sends it) gets records, not a diverging epoch', async () => {
  const bootstrapBrokers = [cluster.bootstrap.split(',')[0]!];
  const consumer = new Consumer({ groupId: 'unused', clientId: 'yak-test-failover', bootstrapBrokers, metadataMaxAge: 100 });
  try {
    const before = (await consumer.metadata({ topics: [TOPIC], forceUpdate: true })).topics.get(TOPIC)!.partitions[0]!;
    await cluster.supervisor.handleControl('kill', `broker-${before.leader}`);
    let after = before;
    for (let waited = 0; after.leader === before.leader || after.leader < 0; waited += 200) {
      assert.ok(waited < 20_000, 'a new leader within 20 s');
      await new Promise((r) => setTimeout(r, 200));
      after = (await consumer.metadata({ topics: [TOPIC], forceUpdate: true })).topics.get(TOPIC)!.partitions[0]!;
    }
    assert.ok(after.leaderEpoch > before.leaderEpoch);
    const topic = (await consumer.metadata({ topics: [TOPIC] })).topics.get(TOPIC)!;
    // The new leader's high watermark may trail for a moment (until the other follower fetches in its epoch): ask again until it answers records.
    const fetchFromZero = async () =>
      (await consumer.fetch({
        node: after.leader,
        maxWaitTime: 100,
        topics: [{ topicId: topic.id, partitions: [{ partition: 0, currentLeaderEpoch: after.leaderEpoch, fetchOffset: 0n, lastFetchedEpoch: after.leaderEpoch, partitionMaxBytes: 4096 }] }],
      })).responses[0]!.partitions[0]!;
    let answer = await fetchFromZero();
    for (let waited = 0; answer.errorCode === 0 && (answer.records ?? []).length === 0 && waited < 10_000; waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
      answer = await fetchFromZero();
    }
    assert.is(answer.errorCode, 0);
    // It does not read diverging epochs: one here (the new leader has written nothing in its epoch yet) would leave it fetching offset 0 for ever.
    assert.ok((answer.records ?? []).length > 0, `records from offset 0 (high watermark ${answer.highWatermark})`);
  } finally {
    await consumer.close(true);
  }
});

test.run();
