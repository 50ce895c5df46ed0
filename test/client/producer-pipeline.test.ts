/**
 * The idempotent producer's in-flight pipeline against a scripted leader: several batches of one
 * partition in flight at once, a failure sends it and everything behind it again in order, and a
 * batch refused behind a final refusal goes again under a renewed producer id.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KafkaClient, PartitionInfo } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/apis/produce.js';
import { readBatchHeader } from '../../src/protocol/record-batch.js';

interface Sent {
  producerId: number;
  baseSequence: number;
  values: number;
  answer(errorCode: number, baseOffset?: number): void;
}

/** A KafkaClient stand-in: one topic, one partition led by broker 1; produce requests wait for the test to answer them. */
function scriptedLeader() {
  const sent: Sent[] = [];
  let nextProducerId = 7000;
  const partitions: PartitionInfo[] = [{ partition: 0, leader: 1, replicas: [1], isr: [1], errorCode: 0 }];
  const client = {
    partitions: () => partitions,
    leaderOf: (_topic: string, partition: number) => partitions[partition]?.leader ?? -1,
    refreshMetadata: async () => ({ topics: [] }),
    send: async () => ({ errorCode: 0, producerId: nextProducerId++, producerEpoch: 0, throttleTimeMs: 0 }),
    sendToLeader: (_leader: number, _topics: string[], _stillLeads: () => boolean, _api: unknown, _version: number, req: ProduceRequest) =>
      new Promise<ProduceResponse>((resolve) => {
        const records = req.topicData[0]!.partitionData[0]!.records!;
        const h = readBatchHeader(records);
        sent.push({
          producerId: h.producerId,
          baseSequence: h.baseSequence,
          values: h.recordCount,
          answer: (errorCode, baseOffset = -1) =>
            resolve({
              throttleTimeMs: 0,
              responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode, baseOffset, logAppendTimeMs: -1, logStartOffset: 0 }] }],
            }),
        });
      }),
  };
  return { client: client as unknown as KafkaClient, sent };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

async function waitForSent(sent: Sent[], n: number): Promise<void> {
  for (let i = 0; i < 400 && sent.length < n; i++) await tick();
  assert.ok(sent.length >= n, `expected ${n} produce requests, saw ${sent.length}`);
}

/** Sends `batches` single-record batches (batchBytes 1 closes each batch at once) and returns their outcomes. */
async function sendBatches(producer: Producer, batches: number) {
  await producer.partitionsOf('t');
  const outcomes: (string | number)[] = [];
  const done = Array.from({ length: batches }, (_, i) =>
    producer.sendAsync('t', { value: Buffer.from(`v${i}`), partition: 0 }).then(
      (m) => (outcomes[i] = m.offset),
      (err: Error) => (outcomes[i] = err.message),
    ),
  );
  return { outcomes, done: Promise.all(done) };
}

test('five batches of one partition are in flight at once, in sequence order; the sixth waits for an answer', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  const { outcomes, done } = await sendBatches(producer, 6);
  await waitForSent(sent, 5);
  await tick();
  assert.is(sent.length, 5, 'at most 5 in flight');
  assert.equal(sent.map((s) => s.baseSequence), [0, 1, 2, 3, 4]);
  sent[0]!.answer(ErrorCode.NONE, 100);
  await waitForSent(sent, 6);
  assert.is(sent[5]!.baseSequence, 5);
  sent.slice(1).forEach((s, i) => s.answer(ErrorCode.NONE, 101 + i));
  await done;
  assert.equal(outcomes, [100, 101, 102, 103, 104, 105]);
});

test('a failed batch and the ones refused behind it go again in order, one at a time, with the same sequence numbers', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  const { outcomes, done } = await sendBatches(producer, 3);
  await waitForSent(sent, 3);
  sent[0]!.answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  sent[1]!.answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  sent[2]!.answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  for (let n = 4; n <= 6; n++) {
    await waitForSent(sent, n);
    await tick();
    assert.is(sent.length, n, 'one batch at a time while recovering');
    const s = sent[n - 1]!;
    assert.is(s.baseSequence, n - 4, 'resent in order, same sequence');
    assert.is(s.producerId, sent[0]!.producerId, 'same producer id: nothing was lost');
    s.answer(ErrorCode.NONE, 10 + n - 4);
  }
  await done;
  assert.equal(outcomes, [10, 11, 12]);
});

test('a batch refused for good fails alone: the one refused behind it goes again under a new producer id from sequence 0', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  const { outcomes, done } = await sendBatches(producer, 3);
  await waitForSent(sent, 3);
  sent[0]!.answer(ErrorCode.NONE, 0);
  sent[1]!.answer(ErrorCode.MESSAGE_TOO_LARGE);
  sent[2]!.answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  await waitForSent(sent, 4);
  const again = sent[3]!;
  assert.is.not(again.producerId, sent[0]!.producerId, 'renewed producer id');
  assert.is(again.baseSequence, 0);
  again.answer(ErrorCode.NONE, 1);
  await done;
  assert.is(outcomes[0], 0);
  assert.match(String(outcomes[1]), 'MESSAGE_TOO_LARGE');
  assert.is(outcomes[2], 1);
});

test('every record is answered, in send order, with its partition: a failed one too (offset -1), as Kafka\'s Callback', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  await producer.partitionsOf('t');
  const answers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const partition = producer.send('t', { value: Buffer.from(`v${i}`) }, (err, meta) => answers.push(`${i} ${err ? 'failed' : 'ok'} ${meta.topic}-${meta.partition}@${meta.offset}`));
    assert.is(partition, 0, 'send says where the record goes');
  }
  await waitForSent(sent, 3);
  sent[0]!.answer(ErrorCode.NONE, 40);
  sent[1]!.answer(ErrorCode.MESSAGE_TOO_LARGE);
  sent[2]!.answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  await waitForSent(sent, 4);
  sent[3]!.answer(ErrorCode.NONE, 41);
  await producer.flush();
  assert.equal(answers, ['0 ok t-0@40', '1 failed t-0@-1', '2 ok t-0@41']);
});

test('records of one batch sharing a callback, then others with callbacks of their own (or none), are each answered by their own, in order', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, batchBytes: 1 << 20, lingerMs: 60_000, retryBackoffMs: 1 });
  await producer.partitionsOf('t');
  const answers: string[] = [];
  const shared = (_err: Error | null, meta: { offset: number }) => answers.push(`shared@${meta.offset}`);
  const own = (name: string) => (_err: Error | null, meta: { offset: number }) => answers.push(`${name}@${meta.offset}`);
  for (let i = 0; i < 3; i++) producer.send('t', { value: Buffer.from(`v${i}`) }, shared);
  producer.send('t', { value: Buffer.from('v3') }, own('a'));
  producer.send('t', { value: Buffer.from('v4') });
  producer.send('t', { value: Buffer.from('v5') }, shared);
  producer.send('t', { value: Buffer.from('v6') }, own('b'));
  const flushed = producer.flush();
  await waitForSent(sent, 1);
  assert.is(sent[0]!.values, 7, 'one batch');
  sent[0]!.answer(ErrorCode.NONE, 100);
  await flushed;
  assert.equal(answers, ['shared@100', 'shared@101', 'shared@102', 'a@103', 'shared@105', 'b@106']);
});

test('without idempotence (acks=1) five batches of one partition are in flight, as Kafka\'s max.in.flight.requests.per.connection', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: 1, batchBytes: 1, retryBackoffMs: 1 });
  const { outcomes, done } = await sendBatches(producer, 6);
  await waitForSent(sent, 5);
  await tick();
  assert.is(sent.length, 5, 'the sixth waits');
  assert.is(sent[0]!.producerId, -1, 'not idempotent');
  sent[0]!.answer(ErrorCode.NONE, 0);
  await waitForSent(sent, 6);
  for (let n = 1; n < 6; n++) sent[n]!.answer(ErrorCode.NONE, n);
  await done;
  assert.equal(outcomes, [0, 1, 2, 3, 4, 5]);
});

test('maxInFlight: an idempotent producer allows at most 5 (the broker\'s window of sequences), and 0 is refused', () => {
  const { client } = scriptedLeader();
  assert.throws(() => new Producer(client, { acks: -1, maxInFlight: 6 }), /at most 5 batches in flight/);
  assert.throws(() => new Producer(client, { acks: 1, maxInFlight: 0 }), /at least 1/);
  new Producer(client, { acks: 1, maxInFlight: 6 });
});

test('without idempotence, maxInFlight 1 keeps one batch per partition in flight (order through retries)', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: 1, maxInFlight: 1, batchBytes: 1, retryBackoffMs: 1 });
  const { outcomes, done } = await sendBatches(producer, 3);
  for (let n = 1; n <= 3; n++) {
    await waitForSent(sent, n);
    await tick();
    assert.is(sent.length, n);
    assert.is(sent[n - 1]!.producerId, -1);
    sent[n - 1]!.answer(ErrorCode.NONE, n);
  }
  await done;
  assert.equal(outcomes, [1, 2, 3]);
});

test('linger 0: a record is sent at the end of its event-loop turn, not after a timer (setTimeout(0) waits 1 ms)', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, lingerMs: 0, retryBackoffMs: 1 });
  await producer.partitionsOf('t');
  // The producer id first (InitProducerId): then the pipeline is open.
  void producer.sendAsync('t', { value: Buffer.from('a'), partition: 0 });
  await waitForSent(sent, 1);
  sent[0]!.answer(ErrorCode.NONE, 0);
  await tick();
  void producer.sendAsync('t', { value: Buffer.from('b'), partition: 0 });
  void producer.sendAsync('t', { value: Buffer.from('c'), partition: 0 });
  await new Promise((r) => setImmediate(r));
  assert.is(sent.length, 2, 'sent in the turn after the sends, with no timer');
  assert.is(sent[1]!.values, 2, 'the records of one turn share a batch');
});

test('a queued batch takes records until it is sent: with five batches in flight, what is sent meanwhile goes as one batch', async () => {
  const { client, sent } = scriptedLeader();
  const producer = new Producer(client, { acks: -1, lingerMs: 0, retryBackoffMs: 1 });
  await producer.partitionsOf('t');
  const done: Promise<unknown>[] = [];
  const send = (v: string) => done.push(producer.sendAsync('t', { value: Buffer.from(v), partition: 0 }));
  send('first');
  await waitForSent(sent, 1);
  for (let i = 0; i < 4; i++) {
    send(`in flight ${i}`);
    await waitForSent(sent, 2 + i);
  }
  for (let i = 0; i < 3; i++) {
    send(`queued ${i}`);
    await tick();
  }
  assert.is(sent.length, 5, 'the in-flight window is full');
  sent[0]!.answer(ErrorCode.NONE, 0);
  await waitForSent(sent, 6);
  await tick();
  assert.is(sent.length, 6);
  assert.is(sent[5]!.values, 3, 'the three records sent while the window was full in one batch');
  sent.slice(1).forEach((s, i) => s.answer(ErrorCode.NONE, 1 + i));
  await Promise.all(done);
});

test.run();
