/**
 * YaK's group consumer (src/client/group-consumer.ts) against a real broker: a poll that waits while
 * the group rebalances ends with nothing from the fetcher the rebalance closed, and the records
 * produced afterwards are read once by the two members together.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RangeAssignor } from '../../src/client/assignors.js';
import { GroupConsumer } from '../../src/client/group-consumer.js';
import { Producer } from '../../src/client/producer.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { clientPool, createTopic, destroyAndCheck, waitFor } from '../helpers/failover.js';

const test = suite('group consumer');

let cluster: TestCluster | undefined;
const pool = clientPool(() => cluster!.bootstrap);
const client = (id: string) => pool.client(id);

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  await createTopic(cluster.bootstrap, 'split', 4, 1);
});

test.after(async () => {
  pool.closeAll();
  await destroyAndCheck(cluster);
});

const member = (id: string) => new GroupConsumer(client(id), { topic: 'split', groupId: 'split', resetTo: 'earliest', sessionTimeoutMs: 10_000, heartbeatIntervalMs: 200, autoCommitIntervalMs: null, assignors: [RangeAssignor] });

test('a poll waiting while the group rebalances ends with nothing (its fetcher was closed), and the members then read every record once', async () => {
  const first = member('first');
  await first.start();
  const second = member('second');
  try {
    // Nothing to read: the poll waits until the rebalance the second member causes closes its fetcher.
    const waiting = first.poll(20_000);
    await second.start();
    assert.equal(await waiting, []);
    const producer = new Producer(client('producer'), { lingerMs: 1 });
    await producer.partitionsOf('split');
    await Promise.all(Array.from({ length: 8 }, (_, i) => producer.sendAsync('split', { value: Buffer.from(`v${i}`), partition: i % 4 })));
    await producer.close();
    const seen: string[] = [];
    await waitFor('both members read the records', async () => {
      for (const m of [first, second]) seen.push(...(await m.poll(200)).map((r) => r.value!.toString()));
      return seen.length >= 8;
    }, { timeoutMs: 20_000 });
    assert.equal(seen.sort(), Array.from({ length: 8 }, (_, i) => `v${i}`));
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});

test.run();
