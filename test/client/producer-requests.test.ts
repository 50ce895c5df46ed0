/**
 * How the producer groups batches into produce requests (Kafka's Sender): at most
 * maxInFlightProduceRequestsPerBroker requests in flight to a broker, and the next one carries every
 * waiting partition's batch (up to maxProduceRequestBytes), so a topic of many partitions costs as
 * few requests as a topic of a few.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KafkaClient, PartitionInfo } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer.js';
import { ErrorCode } from '../../src/common/errors.js';
import { maxInFlightProduceRequestsPerBroker, maxProduceRequestBytes } from '../../src/common/limits.js';
import type { ProduceRequest, ProduceResponse } from '../../src/protocol/apis/produce.js';

interface SentRequest {
  leader: number;
  partitions: number[];
  bytes: number;
  answer(): void;
}

/** A KafkaClient stand-in: topic 't' of `count` partitions, partition p led by broker 1 + p % brokers; requests wait for the test to answer. */
function scriptedCluster(count: number, brokers = 1) {
  const sent: SentRequest[] = [];
  const partitions: PartitionInfo[] = Array.from({ length: count }, (_, p) => ({ partition: p, leader: 1 + (p % brokers), replicas: [1], isr: [1], errorCode: 0 }));
  const nextOffset = new Map<number, number>();
  const client = {
    partitions: () => partitions,
    leaderOf: (_topic: string, partition: number) => partitions[partition]?.leader ?? -1,
    refreshMetadata: async () => ({ topics: [] }),
    send: async () => ({ errorCode: 0, producerId: 7000, producerEpoch: 0, throttleTimeMs: 0 }),
    sendToLeader: (leader: number, _topics: string[], _stillLeads: () => boolean, _api: unknown, _version: number, req: ProduceRequest) =>
      new Promise<ProduceResponse>((resolve) => {
        const data = req.topicData.flatMap((t) => t.partitionData);
        sent.push({
          leader,
          partitions: data.map((p) => p.index),
          bytes: data.reduce((n, p) => n + p.records!.length, 0),
          answer: () =>
            resolve({
              throttleTimeMs: 0,
              responses: req.topicData.map((t) => ({
                name: t.name,
                partitionResponses: t.partitionData.map((p) => {
                  const baseOffset = nextOffset.get(p.index) ?? 0;
                  nextOffset.set(p.index, baseOffset + 1);
                  return { index: p.index, errorCode: ErrorCode.NONE, baseOffset, logAppendTimeMs: -1, logStartOffset: 0 };
                }),
              })),
            }),
        });
      }),
  };
  return { client: client as unknown as KafkaClient, sent };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

async function waitForSent(sent: SentRequest[], n: number): Promise<void> {
  for (let i = 0; i < 400 && sent.length < n; i++) await tick();
  assert.ok(sent.length >= n, `expected ${n} produce requests, saw ${sent.length}`);
}

/** One record of `valueBytes` to each of `partitions` partitions (batchBytes 1 closes each batch at once); resolves with their offsets. */
async function onePerPartition(producer: Producer, partitions: number, valueBytes = 10): Promise<number[]> {
  await producer.partitionsOf('t');
  const value = Buffer.alloc(valueBytes, 'x');
  return Promise.all(Array.from({ length: partitions }, (_, p) => producer.sendAsync('t', { value, partition: p }).then((m) => m.offset)));
}

test('batches of many partitions closed while a broker has its requests in flight go to it together in the next request', async () => {
  const { client, sent } = scriptedCluster(200);
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  const done = onePerPartition(producer, 200);
  await waitForSent(sent, maxInFlightProduceRequestsPerBroker);
  await tick();
  assert.is(sent.length, maxInFlightProduceRequestsPerBroker, 'no more requests in flight to one broker than the limit');
  sent[0]!.answer();
  await waitForSent(sent, maxInFlightProduceRequestsPerBroker + 1);
  await tick();
  assert.is(sent.length, maxInFlightProduceRequestsPerBroker + 1);
  const next = sent[maxInFlightProduceRequestsPerBroker]!;
  assert.is(next.partitions.length, 200 - maxInFlightProduceRequestsPerBroker, 'one request carries every waiting partition');
  assert.equal([...sent.flatMap((s) => s.partitions)].sort((a, b) => a - b), Array.from({ length: 200 }, (_, p) => p), 'each partition once');
  for (const s of sent.slice(1)) s.answer();
  assert.equal(await done, Array.from({ length: 200 }, () => 0));
});

test('each broker has its own in-flight requests, and waiting batches go to their own leader', async () => {
  const { client, sent } = scriptedCluster(60, 3);
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  const done = onePerPartition(producer, 60);
  await waitForSent(sent, 3 * maxInFlightProduceRequestsPerBroker);
  await tick();
  assert.is(sent.length, 3 * maxInFlightProduceRequestsPerBroker);
  for (const leader of [1, 2, 3]) assert.is(sent.filter((s) => s.leader === leader).length, maxInFlightProduceRequestsPerBroker);
  for (const s of [...sent]) s.answer();
  await waitForSent(sent, 3 * maxInFlightProduceRequestsPerBroker + 3);
  for (const s of sent.slice(3 * maxInFlightProduceRequestsPerBroker)) {
    assert.ok(s.partitions.every((p) => 1 + (p % 3) === s.leader), 'a request carries only its leader\'s partitions');
    assert.is(s.partitions.length, 20 - maxInFlightProduceRequestsPerBroker);
    s.answer();
  }
  await done;
});

test('waiting batches beyond maxProduceRequestBytes go in further requests, each within it', async () => {
  const { client, sent } = scriptedCluster(40);
  const producer = new Producer(client, { acks: -1, batchBytes: 1, retryBackoffMs: 1 });
  const done = onePerPartition(producer, 40, 100 * 1024);
  await waitForSent(sent, maxInFlightProduceRequestsPerBroker);
  for (const s of [...sent]) s.answer();
  await waitForSent(sent, maxInFlightProduceRequestsPerBroker + 1);
  await tick();
  const later = sent.slice(maxInFlightProduceRequestsPerBroker);
  assert.ok(later.length > 1, 'the 35 waiting batches (3.5 MB) do not fit one request');
  for (const s of later) {
    assert.ok(s.bytes <= maxProduceRequestBytes, `request of ${s.bytes} bytes`);
    assert.ok(s.partitions.length > 1, 'each carries as many as fit');
  }
  assert.is(later.reduce((n, s) => n + s.partitions.length, 0), 40 - maxInFlightProduceRequestsPerBroker, 'every waiting batch went');
  for (const s of later) s.answer();
  assert.equal(await done, Array.from({ length: 40 }, () => 0));
});

test('records to 100 partitions of one broker, flushed together, go in one request', async () => {
  const { client, sent } = scriptedCluster(100);
  const producer = new Producer(client, { acks: -1, lingerMs: 60_000, retryBackoffMs: 1 });
  await producer.partitionsOf('t');
  const done = Promise.all(Array.from({ length: 100 }, (_, p) => producer.sendAsync('t', { value: Buffer.from('v'), partition: p })));
  const flushed = producer.flush();
  await waitForSent(sent, 1);
  await tick();
  assert.is(sent.length, 1);
  assert.is(sent[0]!.partitions.length, 100);
  sent[0]!.answer();
  await Promise.all([done, flushed]);
});

test.run();
