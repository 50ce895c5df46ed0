/**
 * Fetch sessions (KIP-227) over the wire, as librdkafka and the Java client use them: a full fetch
 * opens a session, incremental fetches name only what moved and get only what changed, partitions are
 * added and forgotten, and a wrong epoch or an unknown session is refused so the client starts over.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { FetchApi, type FetchPartition, type FetchResponse, type ForgottenTopic } from '../../src/protocol/apis/fetch.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { Consumer } from '../../src/client/consumer.js';
import { KafkaClient, parseBootstrap } from '../../src/client/kafka-client.js';
import { benchConsume, benchE2e } from '../../src/cli/commands/bench.js';
import { LiveReader, endOffsets, readAll } from '../../src/chaos/reading.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectBroker } from '../helpers/wire.js';

const test = suite('fetch sessions');
let cluster: TestCluster;
let conn: Connection;
const TOPIC = 'fetch-sessions';

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  conn = await connectBroker(cluster, 1);
  const created = await conn.request(CreateTopicsApi, 3, { topics: [{ name: TOPIC, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  assert.is(created.topics[0]!.errorCode, 0);
});

test.after(async () => {
  conn?.close();
  await cluster?.destroy();
});

async function produce(partition: number): Promise<void> {
  const records = encodeRecordBatch([{ key: null, value: Buffer.from(`to ${partition}`), timestamp: Date.now() }]);
  const res = await conn.request(ProduceApi, 7, { acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] });
  assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, 0);
}

const at = (partition: number, fetchOffset: number): FetchPartition => ({ partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 1024 * 1024 });

function fetch(sessionId: number, sessionEpoch: number, partitions: FetchPartition[], forgotten: ForgottenTopic[] = [], maxWaitMs = 0): Promise<FetchResponse> {
  return conn.request(FetchApi, 11, {
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 10 * 1024 * 1024,
    isolationLevel: 0,
    sessionId,
    sessionEpoch,
    topics: partitions.length > 0 ? [{ topic: TOPIC, partitions }] : [],
    forgottenTopicsData: forgotten,
    rackId: '',
  });
}

/** partition -> record bytes, for the partitions the answer carries. */
const answered = (res: FetchResponse) => Object.fromEntries(res.responses.flatMap((t) => t.partitions).map((p) => [p.partitionIndex, p.records?.length ?? 0]));

test('a full fetch opens a session; incremental fetches carry only what changed; partitions are added and forgotten; a wrong epoch or session is refused', async () => {
  await produce(0);
  await produce(1);
  const full = await fetch(0, 0, [at(0, 0), at(1, 0)]);
  assert.is(full.errorCode, ErrorCode.NONE);
  const id = full.sessionId ?? 0;
  assert.ok(id > 0, `session id ${id}`);
  const first = answered(full);
  assert.equal(Object.keys(first), ['0', '1']);
  assert.ok(first[0]! > 0 && first[1]! > 0, 'both partitions have their record');

  // Both positions moved past the record: nothing changed, so the answer (after the wait) is empty.
  const idle = await fetch(id, 1, [at(0, 1), at(1, 1)], [], 200);
  assert.is(idle.errorCode, ErrorCode.NONE);
  assert.is(idle.sessionId, id);
  assert.equal(answered(idle), {});

  // A new record on partition 1 only: an incremental fetch naming nothing gets just that partition.
  await produce(1);
  const one = await fetch(id, 2, []);
  assert.equal(Object.keys(answered(one)), ['1']);
  assert.ok(answered(one)[1]! > 0);

  // Add partition 2 (new to the session: answered), forget partition 0 (no longer answered even with new data).
  const added = await fetch(id, 3, [at(1, 2), at(2, 0)], [{ topic: TOPIC, partitions: [0] }]);
  assert.equal(Object.keys(answered(added)), ['2'], 'the added partition, with its high watermark');
  await produce(0);
  await produce(2);
  const afterForget = await fetch(id, 4, []);
  assert.equal(Object.keys(answered(afterForget)), ['2'], 'partition 0 was forgotten');

  const wrongEpoch = await fetch(id, 9, []);
  assert.is(wrongEpoch.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  assert.equal(wrongEpoch.responses, []);
  const unknown = await fetch(id + 1, 1, []);
  assert.is(unknown.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);

  // The refused request left the session at its epoch; the final epoch closes it.
  assert.is((await fetch(id, 5, [])).errorCode, ErrorCode.NONE);
  const closing = await fetch(id, -1, [at(0, 0)]);
  assert.is(closing.sessionId, 0);
  assert.equal(Object.keys(answered(closing)), ['0'], 'a sessionless fetch answers what it names');
  assert.is((await fetch(id, 6, [])).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
});

test('YaK\'s consumer closes its fetch session on close (the final epoch, as Kafka\'s consumer): the broker forgets it', async () => {
  await produce(1);
  // The session id the broker gave the consumer, read from the answers its fetch loop gets.
  const sessionIds: number[] = [];
  const client = new (class extends KafkaClient {
    override async sendToLeader<Req, Res>(...args: Parameters<KafkaClient['sendToLeader']>): Promise<Res> {
      const res = (await super.sendToLeader(...(args as [number, string[], () => boolean, never, number, Req]))) as Res;
      if (args[3] === FetchApi) sessionIds.push((res as FetchResponse).sessionId ?? 0);
      return res;
    }
  })({ bootstrap: parseBootstrap(cluster.bootstrap), clientId: 'closing-consumer' });
  try {
    const consumer = new Consumer(client, { topic: TOPIC, start: 'earliest', maxWaitMs: 100 });
    await consumer.start();
    for (let i = 0; i < 50 && sessionIds.filter((id) => id > 0).length < 2; i++) await consumer.poll(200);
    const sessionId = sessionIds.find((id) => id > 0);
    assert.ok(sessionId, `the broker opened a session: ${sessionIds}`);
    await consumer.close();
    // Epoch 1 of a session still open (at a later epoch) is INVALID_FETCH_SESSION_EPOCH; of a closed one, not found.
    assert.is((await fetch(sessionId!, 1, [])).errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  } finally {
    client.close();
  }
});

/** A client that counts the sessions its consumer's fetches opened, and its closing fetches (the final epoch) sent and answered. */
function closeWatchingClient(clientId: string): { client: KafkaClient; closes: { opened: number; sent: number; answered: number } } {
  const closes = { opened: 0, sent: 0, answered: 0 };
  const client = new (class extends KafkaClient {
    override async sendToLeader<Req, Res>(...args: Parameters<KafkaClient['sendToLeader']>): Promise<Res> {
      const res = (await super.sendToLeader(...(args as [number, string[], () => boolean, never, number, Req]))) as Res;
      if (args[3] === FetchApi && ((res as FetchResponse).sessionId ?? 0) > 0) closes.opened++;
      return res;
    }
    override async send<Req, Res>(...args: Parameters<KafkaClient['send']>): Promise<Res> {
      const closing = args[1] === FetchApi && (args[3] as { sessionEpoch?: number }).sessionEpoch === -1;
      if (closing) closes.sent++;
      const res = (await super.send(...(args as [number, never, number, Req]))) as Res;
      if (closing) closes.answered++;
      return res;
    }
  })({ bootstrap: parseBootstrap(cluster.bootstrap), clientId });
  return { client, closes };
}

// Each caller returns (and its process may close the client and exit) only once its consumer closed its sessions.
test('yak bench consume and e2e, and chaos\'s readers, return once their consumer\'s fetch sessions are closed', async () => {
  await produce(0);
  const common = { 'data-dir': '', bootstrap: cluster.bootstrap, json: true };
  const quiet = () => undefined;
  const watched = async (name: string, run: (client: KafkaClient, opened: () => boolean) => Promise<unknown>) => {
    const { client, closes } = closeWatchingClient(name);
    try {
      await run(client, () => closes.opened > 0);
      assert.ok(closes.sent > 0 && closes.answered === closes.sent, `${name}: ${closes.answered} of ${closes.sent} closing fetches answered`);
    } finally {
      client.close();
    }
  };
  await watched('bench consume', (c) => benchConsume(c, { ...common, topic: TOPIC, records: 1 }, quiet));
  const e2eArgs = { ...common, topic: 'fetch-sessions-e2e', records: 20, 'record-size': 10, partitions: 1, acks: 'all', 'batch-bytes': 16384, 'linger-ms': 0, compression: 'none', throughput: -1 };
  const { client: producerClient } = closeWatchingClient('bench e2e producer');
  try {
    await watched('bench e2e', (c) => benchE2e(producerClient, c, e2eArgs, quiet));
  } finally {
    producerClient.close();
  }
  await watched('chaos readAll', async (c) => readAll(c, TOPIC, await endOffsets(c, TOPIC, 3, performance.now() + 10_000), new AbortController().signal));
  await watched('chaos LiveReader', async (c, opened) => {
    const live = new LiveReader(c, TOPIC);
    await live.start();
    while (!opened()) await new Promise((r) => setTimeout(r, 50));
    await live.close();
  });
});

test.run();
