/**
 * YaK's own transactional producer (src/client/producer.ts with transaction-manager.ts) against
 * `yak up --brokers 3`: commit and abort across 3 partitions read back read_committed and
 * read_uncommitted by YaK's consumer; a second instance with the same transactional id fences the
 * first (fatal for it, its open transaction aborted); a batch refused for good leaves the
 * transaction only to abort, after which the epoch is bumped and the next one commits; offsets sent in the transaction with the
 * group consumer's metadata, visible only once committed; a stale generation refused, leaving the
 * transaction to abort; a group consumer commits past the markers it read over.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Consumer, type IsolationLevel } from '../../src/client/consumer.js';
import { RangeAssignor } from '../../src/client/assignors.js';
import { GroupAdmin } from '../../src/client/group-admin.js';
import { GroupConsumer } from '../../src/client/group-consumer.js';
import { Producer } from '../../src/client/producer.js';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientPool, createTopic, destroyAndCheck, waitFor } from '../helpers/failover.js';

const test = suite("client transactions: YaK's transactional producer and read_committed consumers");

let cluster: TestCluster | undefined;
const pool = clientPool(() => cluster!.bootstrap);
const client = (id: string) => pool.client(id);

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  for (const t of ['ca', 'fence', 'in', 'out', 'marked']) await createTopic(cluster.bootstrap, t, 3, 3);
  await createTopic(cluster.bootstrap, 'small', 1, 3, { 'max.message.bytes': '1000' });
});

test.after(async () => {
  pool.closeAll();
  await destroyAndCheck(cluster);
});

/** Every value of `topic` as a consumer at `isolation` reads it, once the last stable offset has caught up. */
async function values(topic: string, isolation: IsolationLevel): Promise<string[]> {
  const consumer = new Consumer(client(`read-${topic}`), { topic, start: 'earliest', isolation, maxWaitMs: 100 });
  await consumer.start();
  const seen: string[] = [];
  try {
    // Markers move the positions past the last record: wait until two polls in a row bring nothing.
    let quiet = 0;
    await waitFor(`${topic} read ${isolation}`, async () => {
      const got = await consumer.poll(300);
      seen.push(...got.map((r) => r.value!.toString()));
      quiet = got.length === 0 ? quiet + 1 : 0;
      return quiet >= 3;
    }, { timeoutMs: 20_000 });
  } finally {
    consumer.close();
  }
  return seen.sort();
}

const txnProducer = (id: string) => new Producer(client(id), { transactionalId: id, transactionTimeoutMs: 20_000, lingerMs: 1 });

test('commit and abort across 3 partitions: read_committed sees the committed transaction only, read_uncommitted both', async () => {
  const p = txnProducer('yak-ca');
  await p.initTransactions();
  await p.partitionsOf('ca');
  p.beginTransaction();
  for (let i = 0; i < 6; i++) p.send('ca', { value: Buffer.from(`commit-${i}`), partition: i % 3 });
  await p.commitTransaction();
  p.beginTransaction();
  for (let i = 0; i < 6; i++) p.send('ca', { value: Buffer.from(`abort-${i}`), partition: i % 3 });
  await p.flush();
  await p.abortTransaction();
  // Between transactions a send is refused: records belong to a transaction.
  assert.throws(() => p.send('ca', { value: Buffer.from('outside') }), /cannot send/);
  await p.close();
  const committed = Array.from({ length: 6 }, (_, i) => `commit-${i}`);
  assert.equal(await values('ca', 'read_committed'), committed);
  assert.equal(await values('ca', 'read_uncommitted'), [...Array.from({ length: 6 }, (_, i) => `abort-${i}`), ...committed]);
});

test('a second instance with the same transactional id fences the first: its open transaction is aborted, its commit refused for good', async () => {
  const first = txnProducer('yak-fence');
  await first.initTransactions();
  await first.partitionsOf('fence');
  first.beginTransaction();
  for (let i = 0; i < 3; i++) first.send('fence', { value: Buffer.from(`zombie-${i}`), partition: i });
  await first.flush();
  const second = txnProducer('yak-fence');
  await second.initTransactions();
  const refused = await first.commitTransaction().then(() => null, (err: unknown) => err);
  assert.ok(refused instanceof KafkaError, String(refused));
  assert.ok(([ErrorCode.PRODUCER_FENCED, ErrorCode.INVALID_PRODUCER_EPOCH] as number[]).includes(refused.code), refused.message);
  assert.match(refused.message, /fenced/);
  // Fatal: the instance can do nothing more.
  assert.throws(() => first.beginTransaction(), /fatal-error/);
  await second.partitionsOf('fence');
  second.beginTransaction();
  second.send('fence', { value: Buffer.from('successor'), partition: 0 });
  await second.commitTransaction();
  await first.close(0);
  await second.close();
  assert.equal(await values('fence', 'read_committed'), ['successor']);
});

test('a batch refused for good (MESSAGE_TOO_LARGE) leaves the transaction only to abort; after the abort the producer goes on, under a bumped epoch', async () => {
  const p = txnProducer('yak-small');
  await p.initTransactions();
  await p.partitionsOf('small');
  p.beginTransaction();
  const fits = p.sendAsync('small', { value: Buffer.from('fits'), partition: 0 });
  await fits;
  const tooLarge = await p.sendAsync('small', { value: Buffer.alloc(2000, 1), partition: 0 }).then(() => null, (err: unknown) => err);
  assert.ok(tooLarge instanceof KafkaError && tooLarge.code === ErrorCode.MESSAGE_TOO_LARGE, String(tooLarge));
  assert.throws(() => p.send('small', { value: Buffer.from('after') }), /MESSAGE_TOO_LARGE|too large|max.message.bytes/i);
  await p.commitTransaction().then(() => assert.unreachable('a transaction with a failed batch must not commit'), (err: unknown) => assert.instance(err, KafkaError));
  await p.abortTransaction();
  p.beginTransaction();
  p.send('small', { value: Buffer.from('next'), partition: 0 });
  await p.commitTransaction();
  await p.close();
  assert.equal(await values('small', 'read_committed'), ['next']);
});

test('a group consumer commits past the transaction markers it read over: no lag is left on a transactional topic', async () => {
  const p = txnProducer('yak-marked');
  await p.initTransactions();
  await p.partitionsOf('marked');
  p.beginTransaction();
  for (let i = 0; i < 3; i++) p.send('marked', { value: Buffer.from(`m-${i}`), partition: 0 });
  await p.commitTransaction();
  await p.close();
  // Offsets 0-2 are the records, 3 the COMMIT marker: the log ends at 4.
  const consumer = new GroupConsumer(client('marked-consumer'), { topic: 'marked', groupId: 'marked', resetTo: 'earliest', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300, autoCommitIntervalMs: null, assignors: [RangeAssignor], isolation: 'read_committed' });
  await consumer.start();
  try {
    const seen: string[] = [];
    let quiet = 0;
    await waitFor('marked read', async () => {
      const got = await consumer.poll(300);
      seen.push(...got.map((r) => r.value!.toString()));
      quiet = got.length === 0 && seen.length === 3 ? quiet + 1 : 0;
      return quiet >= 2;
    }, { timeoutMs: 20_000 });
    assert.equal(seen, ['m-0', 'm-1', 'm-2']);
    assert.equal(consumer.consumedOffsets().get(0), 4);
    await consumer.commit();
    const described = await new GroupAdmin(client('marked-admin')).describeGroup('marked');
    const partition0 = described?.partitions.find((x) => x.topic === 'marked' && x.partition === 0);
    assert.equal(partition0?.committedOffset, 4);
    assert.equal(partition0?.lag, 0);
  } finally {
    await consumer.close();
  }
});

test('consume-transform-produce: offsets sent in the transaction commit with it; an aborted one leaves them, and a stale generation is refused', async () => {
  const seed = new Producer(client('seed'), { lingerMs: 1 });
  await seed.partitionsOf('in');
  await Promise.all(Array.from({ length: 9 }, (_, i) => seed.sendAsync('in', { value: Buffer.from(String(i)), partition: i % 3 })));
  const consumer = new GroupConsumer(client('ctp-consumer'), { topic: 'in', groupId: 'ctp', resetTo: 'earliest', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 300, autoCommitIntervalMs: null, assignors: [RangeAssignor], isolation: 'read_committed', offsetsInTransactions: true });
  await consumer.start();
  const p = txnProducer('yak-ctp');
  await p.initTransactions();
  await p.partitionsOf('out');
  const committedOffsets = async () => new Map(((await new GroupAdmin(client('ctp-admin')).describeGroup('ctp'))?.partitions ?? []).filter((x) => x.topic === 'in').map((x) => [x.partition, x.committedOffset]));
  const carryOver = async (end: 'commit' | 'abort') => {
    const records = await waitFor('input records', async () => {
      const got = await consumer.poll(300);
      return got.length > 0 ? got : null;
    });
    p.beginTransaction();
    for (const r of records) p.send('out', { value: Buffer.from(`${end}-${r.value}`), partition: r.partition });
    await p.sendOffsetsToTransaction('in', consumer.consumedOffsets(), consumer.groupMetadata());
    if (end === 'commit') await p.commitTransaction();
    else await p.abortTransaction();
    return records.length;
  };
  // All 9 arrive in one poll or a few: read them all, abort, rewind, read them again, commit.
  let read = 0;
  while (read < 9) read += await carryOver('abort');
  assert.equal([...(await committedOffsets()).values()].filter((o) => o !== null), [], 'nothing committed by the aborted transactions');
  await consumer.rewindToCommitted();
  read = 0;
  while (read < 9) read += await carryOver('commit');
  assert.equal(await committedOffsets(), new Map([[0, 3], [1, 3], [2, 3]]));
  assert.equal(await values('out', 'read_committed'), Array.from({ length: 9 }, (_, i) => `commit-${i}`));
  // A member whose generation is gone (as after a rebalance it has not joined yet) cannot commit offsets.
  p.beginTransaction();
  p.send('out', { value: Buffer.from('stale'), partition: 0 });
  const stale = { ...consumer.groupMetadata(), generationId: consumer.groupMetadata().generationId - 1 };
  const refused = await p.sendOffsetsToTransaction('in', new Map([[0, 3]]), stale).then(() => null, (err: unknown) => err);
  assert.ok(refused instanceof KafkaError && refused.code === ErrorCode.ILLEGAL_GENERATION, String(refused));
  await p.commitTransaction().then(() => assert.unreachable('a transaction whose offsets were refused must not commit'), (err: unknown) => assert.instance(err, KafkaError));
  await p.abortTransaction();
  await consumer.commit().then(() => assert.unreachable('its offsets are committed in transactions'), (err: unknown) => assert.match(String(err), /committed in transactions/));
  await consumer.close();
  await p.close();
  await seed.close();
  assert.equal(await values('out', 'read_committed'), Array.from({ length: 9 }, (_, i) => `commit-${i}`));
});

test.run();
