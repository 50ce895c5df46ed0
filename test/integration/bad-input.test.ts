import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection } from '../../src/net/connection.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { CreateTopicsApi, type CreateTopicsResponse } from '../../src/protocol/apis/create-topics.js';
import { DeleteTopicsApi } from '../../src/protocol/apis/delete-topics.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { ProduceApi, type ProducePartitionResponse } from '../../src/protocol/apis/produce.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { Writer } from '../../src/protocol/writer.js';
import { runYak, startCluster, tempDir, type TestCluster } from '../helpers/cluster.js';
import { zstdBatch } from '../helpers/batches.js';
import { processesMentioning, waitFor } from '../helpers/failover.js';
import { brokerById, fetchAll, listOffset, metadata, rawSocket, type RawSocket } from '../helpers/wire.js';

const test = suite('bad input: malformed frames and requests to a live broker, and CLI misuse');
let cluster: TestCluster;
/** Every malformed request goes to broker 1; well-formed ones through `conn`, a Connection to it. */
let target: { id: number; host: string; port: number; pid: number };
let conn: Connection;

const TOPIC = 'bad-input';
/** Partitions of TOPIC led by broker 1, and one led by another broker. */
let mine: number[] = [];
let other = -1;

const CLOSE_MS = 3000;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  target = brokerById(cluster, 1);
  conn = await Connection.connect(target.host, target.port, { clientId: 'bad-input-test', requestTimeoutMs: 10_000 });
  const created = await createTopic(TOPIC, 6);
  assert.is(created.topics[0]!.errorCode, 0, created.topics[0]!.errorMessage ?? '');
  const md = await metadata(conn, [TOPIC]);
  for (const p of md.topics[0]!.partitions) {
    if (p.leaderId === target.id) mine.push(p.partitionIndex);
    else if (other < 0) other = p.partitionIndex;
  }
  mine = mine.sort((a, b) => a - b);
  assert.ok(mine.length >= 2 && other >= 0, `6 partitions over 3 brokers: broker 1 leads ${mine}, another leads ${other}`);
});

test.after(async () => {
  conn?.close();
  await cluster?.destroy();
});

// ---------------------------------------------------------------------------------------------
// helpers

function createTopic(name: string, partitions: number, replicationFactor = 1): Promise<CreateTopicsResponse> {
  return conn.request(CreateTopicsApi, 3, {
    topics: [{ name, numPartitions: partitions, replicationFactor, assignments: [], configs: [] }],
    timeoutMs: 5000,
    validateOnly: false,
  });
}

/** A request frame with header v1 and `body` as given. */
function frame(apiKey: number, apiVersion: number, correlationId: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const w = startRequestFrame({ apiKey, apiVersion, correlationId, clientId: 'raw' });
  w.raw(body);
  return finishFrame(w);
}

async function raw(): Promise<RawSocket> {
  return rawSocket(target.host, target.port);
}

/** A fresh connection to the target broker answers ApiVersions v2 with the served APIs. */
async function assertBrokerAnswers(): Promise<void> {
  const c = await Connection.connect(target.host, target.port, { requestTimeoutMs: 5000 });
  try {
    const res = await c.request(ApiVersionsApi, 2, {});
    assert.is(res.errorCode, 0);
    assert.ok(res.apiKeys.some((k) => k.apiKey === 0 && k.maxVersion >= 3), 'Produce is advertised');
  } finally {
    c.close();
  }
  // The long-lived connection opened before the bad input is unaffected too.
  const md = await metadata(conn, [TOPIC]);
  assert.is(md.topics[0]!.errorCode, 0);
}

async function assertClosedWithoutAnswer(s: RawSocket, what: string): Promise<void> {
  assert.ok(await s.closedWithin(CLOSE_MS), `${what}: the broker closes the connection`);
  assert.is(s.received().length, 0, `${what}: no response bytes`);
}

function record(value: string | Buffer, key: string | null = 'k') {
  return { key: key === null ? null : Buffer.from(key), value: Buffer.isBuffer(value) ? value : Buffer.from(value), timestamp: Date.now() };
}

async function produce(partitions: { topic?: string; index: number; records: Buffer | null }[], acks = -1, c: Connection = conn): Promise<ProducePartitionResponse[]> {
  const byTopic = new Map<string, { index: number; records: Buffer | null }[]>();
  for (const p of partitions) {
    const t = p.topic ?? TOPIC;
    byTopic.set(t, [...(byTopic.get(t) ?? []), { index: p.index, records: p.records }]);
  }
  const res = await c.request(ProduceApi, 7, { acks, timeoutMs: 5000, topicData: [...byTopic].map(([name, partitionData]) => ({ name, partitionData })) });
  return res.responses.flatMap((t) => t.partitionResponses);
}

async function latest(partition: number, topic = TOPIC): Promise<number> {
  const r = await listOffset(conn, topic, partition, -1);
  assert.is(r.errorCode, 0);
  return r.offset;
}

/** Rewrites the CRC of a batch after a test changed bytes inside the CRC'd range. */
function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

// ---------------------------------------------------------------------------------------------
// (a)-(e): framing and header

test('(a) garbage bytes close the connection; a new connection is served', async () => {
  const http = await raw();
  http.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await assertClosedWithoutAnswer(http, 'an HTTP request');

  // A small, well-sized frame whose header is nonsense (client id length runs past the frame).
  const small = await raw();
  small.socket.write(Buffer.from([0, 0, 0, 10, 0, 3, 0, 1, 0, 0, 0, 1, 0x7f, 0x7f]));
  await assertClosedWithoutAnswer(small, 'a frame with a truncated header');

  // A frame too short for any header.
  const tiny = await raw();
  tiny.socket.write(Buffer.from([0, 0, 0, 2, 0xff, 0xff]));
  await assertClosedWithoutAnswer(tiny, 'a 2-byte frame');

  // A Metadata v1 header followed by a body whose topic array claims 1e9 entries.
  const lying = await raw();
  lying.socket.write(frame(3, 1, 1, Buffer.from([0x3b, 0x9a, 0xca, 0x00, 0, 1, 0x61])));
  await assertClosedWithoutAnswer(lying, 'an array count larger than the frame');
  await assertBrokerAnswers();
});

test('(b) a size field of 2 GB, or a negative one, closes the connection at once', async () => {
  for (const size of [0x7fffffff, 0x80000000, 0xffffffff]) {
    const s = await raw();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(size);
    s.socket.write(Buffer.concat([head, frame(18, 0, 1).subarray(4)]));
    await assertClosedWithoutAnswer(s, `size 0x${size.toString(16)}`);
  }
  await assertBrokerAnswers();
});

test('(c) a frame that claims more bytes than are sent: the broker waits, serves others, and forgets it on close', async () => {
  const s = await raw();
  const head = Buffer.alloc(4);
  head.writeInt32BE(1000);
  s.socket.write(Buffer.concat([head, Buffer.from('only ten b')]));
  // While that frame is incomplete the broker serves everyone else.
  await assertBrokerAnswers();
  assert.is(await s.closedWithin(300), false, 'an incomplete frame is not an error yet');
  s.socket.end();
  assert.ok(await s.closedWithin(CLOSE_MS));
  assert.is(s.received().length, 0);
  await assertBrokerAnswers();
});

test('(d) an unknown API key (999), or a Kafka API the broker does not advertise, closes the connection', async () => {
  const advertised = new Set((await conn.request(ApiVersionsApi, 2, {})).apiKeys.map((k) => k.apiKey));
  const unserved = [4, 5, 6, 7, 10, 22, 32].filter((k) => !advertised.has(k)); // LeaderAndIsr, ..., FindCoordinator, InitProducerId, DescribeConfigs
  assert.ok(unserved.length > 0);
  for (const apiKey of [999, -1, 0x7fff, ...unserved]) {
    const s = await raw();
    s.socket.write(frame(apiKey, 0, 1));
    await assertClosedWithoutAnswer(s, `API key ${apiKey}`);
  }
  await assertBrokerAnswers();
});

/** ApiVersions as librdkafka sends it first: request header v2 (tagged fields), a flexible body. */
function apiVersionsV3(version: number, correlationId: number, body?: Buffer, headerTags = Buffer.from([0])): Buffer {
  const w = new Writer(64);
  w.reserveInt32();
  w.int16(18).int16(version).int32(correlationId).nullableString('rdkafka');
  w.raw(headerTags);
  w.raw(body ?? Buffer.concat([Buffer.from('0b', 'hex'), Buffer.from('librdkafka'), Buffer.from('06', 'hex'), Buffer.from('2.0.2'), Buffer.from([0])]));
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}

test('(e) ApiVersions v3 is answered in v3 with response header v0 (no tagged fields in the header), its body ending in a tag section', async () => {
  const s = await raw();
  s.socket.write(apiVersionsV3(3, 41));
  const r = new Reader(await s.nextFrame());
  assert.is(r.int32(), 41, 'correlation id, straight followed by the body: header v0');
  const res = ApiVersionsApi.decodeResponse(r, 3);
  assert.is(r.remaining, 0);
  assert.is(res.errorCode, 0);
  const keys = new Map(res.apiKeys.map((k) => [k.apiKey, k]));
  assert.is(keys.get(18)!.maxVersion, ApiVersionsApi.maxVersion);
  s.socket.destroy();
});

test('(e) ApiVersions at a version YaK lacks is answered UNSUPPORTED_VERSION in a v0 body listing the APIs; the client retries on the same connection', async () => {
  const s = await raw();
  const future = ApiVersionsApi.maxVersion + 1;
  s.socket.write(apiVersionsV3(future, 41, Buffer.from('a future layout, never read')));
  const r = new Reader(await s.nextFrame());
  assert.is(r.int32(), 41, 'correlation id');
  const res = ApiVersionsApi.decodeResponse(r, 0);
  assert.is(res.errorCode, 35);
  assert.is(r.remaining, 0, 'a v0 body: no throttle time, no tagged fields');
  const keys = new Map(res.apiKeys.map((k) => [k.apiKey, k]));
  for (const k of [0, 1, 2, 3, 18, 19, 20]) {
    assert.ok(keys.has(k), `API ${k} listed`);
    assert.is(keys.get(k)!.minVersion, k === 1 ? 4 : 0, `API ${k} min version (Fetch from v4, as Kafka 4.0)`);
  }
  assert.is(keys.get(18)!.maxVersion, ApiVersionsApi.maxVersion);

  // The same connection stays usable: ApiVersions v0 now succeeds with the same list.
  s.socket.write(frame(18, 0, 42));
  const r0 = new Reader(await s.nextFrame());
  assert.is(r0.int32(), 42);
  const res0 = ApiVersionsApi.decodeResponse(r0, 0);
  assert.is(res0.errorCode, 0);
  assert.equal(res0.apiKeys, res.apiKeys);
  s.socket.destroy();
});

test('(e) malformed flexible requests close the connection: lying header tags, a lying compact length, a tagged field that lies about its size', async () => {
  const cases: [string, Buffer][] = [
    ['header tag count beyond the frame', apiVersionsV3(3, 1, undefined, Buffer.from([0x7f]))],
    ['header tag size beyond the frame', apiVersionsV3(3, 1, undefined, Buffer.from([1, 0, 0x7f]))],
    ['compact string length beyond the frame', apiVersionsV3(3, 1, Buffer.from([0x7f, 0x61, 0x62]))],
    ['body tag count beyond the frame', apiVersionsV3(3, 1, Buffer.from([1, 1, 0x7f]))],
  ];
  for (const [what, bytes] of cases) {
    const s = await raw();
    s.socket.write(bytes);
    await assertClosedWithoutAnswer(s, what);
  }
  await assertBrokerAnswers();
});

test('(e) an unsupported version of Metadata (99, or max + 1) closes the connection with a WARN line naming the API and version', async () => {
  for (const v of [99, MetadataApi.maxVersion + 1, -1]) {
    const s = await raw();
    s.socket.write(frame(3, v, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 1])));
    await assertClosedWithoutAnswer(s, `Metadata v${v}`);
    const line = `unsupported version ${v} of API Metadata`;
    await waitFor(`the WARN line for v${v}`, () => cluster.log.some((l) => l.includes('WARN') && l.includes(line)));
  }
  await assertBrokerAnswers();
});

test('a client that disconnects while its Fetch is waiting for data does not disturb the broker', async () => {
  const s = await raw();
  const w = startRequestFrame({ apiKey: 1, apiVersion: 11, correlationId: 9, clientId: 'raw' });
  FetchApi.encodeRequest(w, {
    replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition: mine[0]!, currentLeaderEpoch: -1, fetchOffset: await latest(mine[0]!), logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  }, 11);
  s.socket.write(finishFrame(w));
  s.socket.destroy();
  // A produce to that partition wakes the abandoned fetch; the broker carries on.
  const [r] = await produce([{ index: mine[0]!, records: encodeRecordBatch([record('wake')]) }]);
  assert.is(r!.errorCode, 0);
  await assertBrokerAnswers();
});

// ---------------------------------------------------------------------------------------------
// (f)-(j): well-framed requests the broker must refuse

test('(f) a batch whose CRC is wrong gets CORRUPT_MESSAGE and nothing is stored; the good partition of the same request is', async () => {
  const [good, bad] = [mine[0]!, mine[1]!];
  const before = [await latest(good), await latest(bad)];
  const corrupt = encodeRecordBatch([record('hello'), record('world')]);
  corrupt.writeUInt8(corrupt.readUInt8(40) ^ 0x01, 40); // one bit of maxTimestamp: inside the CRC'd range
  const res = await produce([
    { index: good, records: encodeRecordBatch([record('fine')]) },
    { index: bad, records: corrupt },
  ]);
  const byIndex = new Map(res.map((r) => [r.index, r]));
  assert.is(byIndex.get(good)!.errorCode, 0);
  assert.is(byIndex.get(good)!.baseOffset, before[0]);
  assert.is(byIndex.get(bad)!.errorCode, 2, 'CORRUPT_MESSAGE');
  assert.is(byIndex.get(bad)!.baseOffset, -1);
  assert.is(await latest(good), before[0]! + 1);
  assert.is(await latest(bad), before[1], 'nothing stored');
});

test('(f) batches whose length field lies, or that are cut short, get CORRUPT_MESSAGE; nothing is stored', async () => {
  const p = mine[1]!;
  const before = await latest(p);
  const batch = encodeRecordBatch([record('a'), record('b')]);
  const longer = Buffer.from(batch);
  longer.writeInt32BE(batch.length, 8); // batchLength now covers 12 bytes that are not there
  const shorter = Buffer.from(batch);
  shorter.writeInt32BE(20, 8); // less than a header
  for (const [what, records] of [
    ['length past the data', longer],
    ['length shorter than a header', shorter],
    ['cut at 40 bytes', batch.subarray(0, 40)],
    ['empty', Buffer.alloc(0)],
  ] as const) {
    const [r] = await produce([{ index: p, records }]);
    assert.is(r!.errorCode, 2, `${what}: CORRUPT_MESSAGE`);
  }
  assert.is(await latest(p), before);
});

test('(f) a batch whose header promises more records than it holds (CRC valid) is refused, not stored', async () => {
  const p = mine[1]!;
  const before = await latest(p);
  // One record, but recordCount 2 and lastOffsetDelta 1, CRC recomputed: a Kafka leader iterates the
  // records of an uncompressed batch and rejects this (CORRUPT_MESSAGE, or INVALID_RECORD since 2.5).
  const batch = encodeRecordBatch([record('only one')]);
  batch.writeInt32BE(1, 23); // lastOffsetDelta
  batch.writeInt32BE(2, 57); // recordCount
  const [r] = await produce([{ index: p, records: fixCrc(batch) }]);
  assert.ok([2, 87].includes(r!.errorCode), `error code ${r!.errorCode}, expected CORRUPT_MESSAGE (2) or INVALID_RECORD (87)`);
  assert.is(await latest(p), before, 'nothing stored');
});

test('(f) a batch whose record bytes are garbage (CRC valid) is refused, not stored', async () => {
  const p = mine[1]!;
  const before = await latest(p);
  const batch = encodeRecordBatch([record('xxxxxxxxxx')]);
  batch.fill(0xff, 61); // every record byte: varints that never end
  const [r] = await produce([{ index: p, records: fixCrc(batch) }]);
  assert.ok([2, 87].includes(r!.errorCode), `error code ${r!.errorCode}, expected CORRUPT_MESSAGE (2) or INVALID_RECORD (87)`);
  assert.is(await latest(p), before, 'nothing stored');
});

test('(f) a batch whose record fields lie about their sizes (CRC and record lengths valid) is refused; the partition stays readable', async () => {
  // A Kafka leader parses every record of an uncompressed batch (DefaultRecord.readFrom): fields that
  // run past the record's length, or do not fill it, fail the append. Stored, such a batch is a poison
  // pill: consumers can neither decode it nor skip it.
  const topic = 'poison';
  assert.is((await createTopic(topic, 3)).topics[0]!.errorCode, 0);
  const lead = await metadata(conn, [topic]);
  const p = lead.topics[0]!.partitions.find((x) => x.leaderId === target.id)!.partitionIndex;
  const send = async (records: Buffer) => (await produce([{ topic, index: p, records }]))[0]!;
  assert.is((await send(encodeRecordBatch([record('before')]))).errorCode, 0);

  const base = () => encodeRecordBatch([{ key: Buffer.from('k'), value: Buffer.from('poison'), timestamp: Date.now() }]);
  // Record layout after the 61-byte header: length, attributes, timestampDelta, offsetDelta, keyLength @65.
  assert.is(base()[65], 0x02, 'key length varint (zigzag 1) at byte 65');
  const keyTooLong = base();
  keyTooLong[65] = 0x64; // key length 50 in a 13-byte record
  const valueTooShort = base();
  valueTooShort[67] = 0x02; // value length 1 of 6: the record has bytes left over
  const headersLie = base();
  headersLie[headersLie.length - 1] = 0x0a; // 5 headers, none present
  const accepted: string[] = [];
  for (const [what, batch] of [['key length past the record', keyTooLong], ['value length short of the record', valueTooShort], ['header count with no headers', headersLie]] as const) {
    const r = await send(fixCrc(batch));
    if (![2, 87].includes(r.errorCode)) accepted.push(`${what}: error ${r.errorCode} at offset ${r.baseOffset}`);
  }
  assert.is((await send(encodeRecordBatch([record('after')]))).errorCode, 0);
  assert.equal(accepted, [], 'each must get CORRUPT_MESSAGE (2) or INVALID_RECORD (87)');
  assert.is(await latest(p, topic), 2, 'only the two good records are stored');
  const leaderConn = await Connection.connect(target.host, target.port);
  try {
    assert.equal((await fetchAll(leaderConn, topic, p)).map((r) => r.value?.toString()), ['before', 'after']);
  } finally {
    leaderConn.close();
  }
});

test('(f) the partition stays readable after all those refusals', async () => {
  const leaderConn = await Connection.connect(target.host, target.port);
  try {
    for (const p of mine) {
      const records = await fetchAll(leaderConn, TOPIC, p);
      assert.is(records.length, await latest(p));
    }
  } finally {
    leaderConn.close();
  }
});

/** One record whose batch is exactly `size` bytes (baseOffset through the last record byte). */
function batchOfSize(size: number): Buffer {
  let valueLen = size - 80;
  for (let i = 0; i < 5; i++) {
    const b = encodeRecordBatch([record(Buffer.alloc(valueLen, 0x61), null)]);
    if (b.length === size) return b;
    valueLen += size - b.length;
  }
  throw new Error(`cannot build a batch of ${size} bytes`);
}

const MAX_MESSAGE_BYTES = 1024 * 1024 + 12; // the broker's default message.max.bytes, as Kafka's

test('(g) a batch of exactly message.max.bytes is stored; one byte more gets MESSAGE_TOO_LARGE', async () => {
  const p = mine[0]!;
  const before = await latest(p);
  const [tooBig] = await produce([{ index: p, records: batchOfSize(MAX_MESSAGE_BYTES + 1) }]);
  assert.is(tooBig!.errorCode, 10, 'MESSAGE_TOO_LARGE');
  assert.is(await latest(p), before);
  const [fits] = await produce([{ index: p, records: batchOfSize(MAX_MESSAGE_BYTES) }]);
  assert.is(fits!.errorCode, 0);
  assert.is(fits!.baseOffset, before);
  assert.is(await latest(p), before + 1);
});

test('(g) a 1.5 MiB batch gets MESSAGE_TOO_LARGE and the connection stays open', async () => {
  const p = mine[0]!;
  const before = await latest(p);
  const [r] = await produce([{ index: p, records: batchOfSize(1.5 * 1024 * 1024) }]);
  assert.is(r!.errorCode, 10);
  assert.is(await latest(p), before);
  assert.not.ok(conn.closed);
});

test('(g) a 2 MiB record gets MESSAGE_TOO_LARGE like Kafka (frames up to socket.request.max.bytes, 100 MiB, are read)', async () => {
  const p = mine[0]!;
  const before = await latest(p);
  const [r] = await produce([{ index: p, records: batchOfSize(2 * 1024 * 1024) }]);
  assert.is(r!.errorCode, 10);
  assert.is(await latest(p), before);
  assert.not.ok(conn.closed);
  await assertBrokerAnswers();
});

test('(h) Produce to partition 99 of an existing topic, or to a topic that does not exist: UNKNOWN_TOPIC_OR_PARTITION; Produce never creates topics', async () => {
  const batch = encodeRecordBatch([record('x')]);
  const res = await produce([
    { index: 99, records: batch },
    { topic: 'no-such-topic', index: 0, records: batch },
  ]);
  assert.equal(res.map((r) => r.errorCode), [3, 3]);
  const md = await metadata(conn, ['no-such-topic']);
  assert.is(md.topics[0]!.errorCode, 3, 'still does not exist');
  const offsets = await listOffset(conn, TOPIC, 99);
  assert.is(offsets.errorCode, 3);
});

test('(h) DeleteTopics v1 naming the empty topic answers an error for that name and keeps the connection (the fuzzer found it answered a null name, which v1 cannot carry)', async () => {
  const res = await conn.request(DeleteTopicsApi, 1, { topicNames: [''], timeoutMs: 2000 });
  assert.is(res.responses.length, 1);
  assert.is(res.responses[0]!.name, '');
  assert.ok(res.responses[0]!.errorCode !== 0, `an error for '': ${res.responses[0]!.errorCode}`);
  const md = await metadata(conn, [TOPIC]);
  assert.is(md.topics[0]!.errorCode, 0, 'the same connection still serves');
});

test('(h) a zstd batch in Produce below v7 gets UNSUPPORTED_COMPRESSION_TYPE, as in Kafka (zstd came with v7, KIP-110); nothing is stored; v7 stores it', async () => {
  const p = mine[0]!;
  const before = await latest(p);
  const batch = () => ({ name: TOPIC, partitionData: [{ index: p, records: zstdBatch([record('zstd')]) }] });
  for (const version of [3, 6]) {
    const refused = await conn.request(ProduceApi, version, { acks: -1, timeoutMs: 5000, topicData: [batch()] });
    assert.is(refused.responses[0]!.partitionResponses[0]!.errorCode, 76, `Produce v${version}`);
  }
  assert.is(await latest(p), before);
  const [stored] = await produce([{ index: p, records: zstdBatch([record('zstd')]) }]);
  assert.is(stored!.errorCode, 0);
  assert.is(await latest(p), before + 1);
});

test('(h) Fetch below v10 of a zstd batch gets UNSUPPORTED_COMPRESSION_TYPE and no bytes (zstd came with Fetch v10, KIP-110); v10 reads it', async () => {
  const p = mine[0]!;
  const at = await latest(p);
  const [stored] = await produce([{ index: p, records: zstdBatch([record('zstd for v10+')]) }]);
  assert.is(stored!.errorCode, 0);
  const fetchAt = (version: number) =>
    conn.request(FetchApi, version, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: TOPIC, partitions: [{ partition: p, currentLeaderEpoch: -1, fetchOffset: at, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
  for (const version of [4, 9]) {
    const old = (await fetchAt(version)).responses[0]!.partitions[0]!;
    assert.equal([old.errorCode, old.records?.length ?? 0], [76, 0], `Fetch v${version}`);
  }
  const v10 = (await fetchAt(10)).responses[0]!.partitions[0]!;
  assert.is(v10.errorCode, 0);
  assert.ok((v10.records?.length ?? 0) > 0, 'Fetch v10 carries the batch');
});

test('(h) acks other than -1, 0 and 1 get INVALID_REQUIRED_ACKS; nothing is stored', async () => {
  const p = mine[0]!;
  const before = await latest(p);
  const [r] = await produce([{ index: p, records: encodeRecordBatch([record('x')]) }], 2);
  assert.is(r!.errorCode, 21);
  assert.is(await latest(p), before);
});

test('(i) Metadata with auto-creation: an invalid name gets INVALID_TOPIC_EXCEPTION, a valid one in the same request is created', async () => {
  const md = await conn.request(MetadataApi, 4, { topics: [{ name: 'bad name!' }, { name: 'auto-created-ok' }], allowAutoTopicCreation: true });
  const byName = new Map(md.topics.map((t) => [t.name, t]));
  assert.is(byName.get('bad name!')!.errorCode, 17);
  assert.is(byName.get('bad name!')!.partitions.length, 0);
  assert.is(byName.get('auto-created-ok')!.errorCode, 0);
  assert.is(byName.get('auto-created-ok')!.partitions.length, 3);
  const all = await metadata(conn, null);
  assert.not.ok(all.topics.some((t) => t.name === 'bad name!'));
});

test('(i) CreateTopics refuses invalid names with INVALID_TOPIC_EXCEPTION; 249 characters is the longest allowed', async () => {
  for (const name of ['bad name!', 'x'.repeat(250), '.', '..', '', 'ünïcode', 'a/b']) {
    const res = await createTopic(name, 1);
    assert.is(res.topics[0]!.errorCode, 17, `"${name.slice(0, 20)}" (${name.length} chars)`);
    assert.ok(res.topics[0]!.errorMessage, 'with a message');
  }
  const longest = 'y'.repeat(249);
  const ok = await createTopic(longest, 1);
  assert.is(ok.topics[0]!.errorCode, 0, ok.topics[0]!.errorMessage ?? '');
  const md = await metadata(conn, [longest]);
  assert.is(md.topics[0]!.errorCode, 0);
});

test('(i) CreateTopics: existing topic 36, 0 partitions 37, replication factor above the live brokers 38', async () => {
  assert.is((await createTopic(TOPIC, 3)).topics[0]!.errorCode, 36);
  assert.is((await createTopic('zero-partitions', 0)).topics[0]!.errorCode, 37);
  assert.is((await createTopic('rf-four', 1, 4)).topics[0]!.errorCode, 38);
  const md = await metadata(conn, ['zero-partitions', 'rf-four']);
  assert.equal(md.topics.map((t) => t.errorCode), [3, 3], 'neither was created');
  assert.is((await metadata(conn, [TOPIC])).topics[0]!.partitions.length, 6, 'the existing topic is unchanged');
});

test('(j) Produce, Fetch and ListOffsets for a partition led by another broker get NOT_LEADER_OR_FOLLOWER', async () => {
  const [r] = await produce([{ index: other, records: encodeRecordBatch([record('x')]) }]);
  assert.is(r!.errorCode, 6);
  assert.is((await listOffset(conn, TOPIC, other)).errorCode, 6);
  const fetched = await conn.request(FetchApi, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition: other, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  assert.is(fetched.responses[0]!.partitions[0]!.errorCode, 6);
});

test('(k) after all of that every broker process and the coordinator are alive and serving', async () => {
  for (const b of cluster.file.brokers) {
    assert.not.throws(() => process.kill(b.pid, 0), `broker ${b.id} (pid ${b.pid}) is alive`);
  }
  assert.not.throws(() => process.kill(cluster.file.coordinator.pid, 0), 'coordinator is alive');
  const md = await metadata(conn, null);
  assert.equal(md.brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
  await assertBrokerAnswers();
});

// ---------------------------------------------------------------------------------------------
// CLI misuse: a non-zero exit, one clear line, no stack trace

function assertCleanFailure(res: { code: number | null; stderr: string }, message: string | RegExp, lines = 1): void {
  assert.is.not(res.code, 0, 'non-zero exit');
  assert.is.not(res.code, null, 'exited by itself');
  assert.not.match(res.stderr, /^\s+at /m, `no stack trace: ${res.stderr}`);
  assert.not.match(res.stderr, 'internal error');
  const out = res.stderr.trim().split('\n');
  assert.is(out.length, lines, `stderr: ${res.stderr}`);
  assert.match(out[0]!, /^yak: /);
  assert.match(out[0]!, message);
}

test('CLI: yak produce with no cluster in the data dir says none is running and how to start one', async () => {
  const empty = tempDir('yak-test-empty-');
  try {
    const res = await runYak(['produce', '--topic', 't', '--data-dir', empty], { input: 'x\n' });
    assertCleanFailure(res, /no YaK cluster is running/);
    assert.match(res.stderr, 'yak up');
    assert.match(res.stderr, '--bootstrap');
    assert.is(fs.existsSync(path.join(empty, 'cluster.json')), false);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('CLI: yak consume of a topic that does not exist says so', async () => {
  const res = await runYak(['consume', '--topic', 'nope', '--bootstrap', cluster.bootstrap, '--from-beginning', '--idle-timeout-ms', '500']);
  assertCleanFailure(res, /"nope" does not exist/);
});

test('CLI: yak topic create with an invalid name says why', async () => {
  const res = await runYak(['topic', 'create', 'bad name!', '--bootstrap', cluster.bootstrap]);
  assertCleanFailure(res, /INVALID_TOPIC_EXCEPTION.*characters/);
});

test('CLI: yak topic create with a replication factor above the broker count says how many are live', async () => {
  const res = await runYak(['topic', 'create', 'x', '--replication-factor', '9', '--bootstrap', cluster.bootstrap]);
  assertCleanFailure(res, /INVALID_REPLICATION_FACTOR.*3 live broker/);
});

test('CLI: yak topic describe of a topic that does not exist says so', async () => {
  const res = await runYak(['topic', 'describe', 'nope', '--bootstrap', cluster.bootstrap]);
  assertCleanFailure(res, /"nope" does not exist/);
});

test('CLI: yak produce to an address where nothing listens names the address', async () => {
  const res = await runYak(['produce', '--bootstrap', '127.0.0.1:1', '--topic', 't'], { input: 'x\n' });
  assertCleanFailure(res, /127\.0\.0\.1:1/);
});

test('CLI: an address that answers, but not in the Kafka protocol (an HTTP server), is named in one line, no stack trace', async () => {
  const http = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(http.address() as net.AddressInfo).port}`;
  try {
    for (const args of [['topic', 'list'], ['produce', '--topic', 't']]) {
      const res = await runYak([...args, '--bootstrap', address], { input: 'x\n' });
      assertCleanFailure(res, new RegExp(`${address} does not answer as a Kafka broker`));
    }
  } finally {
    http.close();
  }
});

test('CLI: yak status --bootstrap asks that address, not the data dir\'s cluster', async () => {
  const res = await runYak(['status', '--bootstrap', '127.0.0.1:1', '--data-dir', cluster.dataDir]);
  assertCleanFailure(res, /127\.0\.0\.1:1/);
  const ok = await runYak(['status', '--json', '--bootstrap', cluster.bootstrap, '--data-dir', path.join(tempDir(), 'none')]);
  assert.is(ok.code, 0, ok.stderr);
  assert.is(JSON.parse(ok.stdout).brokers.length, 3);
});

test('CLI: yak consume --offset abc says what --offset accepts', async () => {
  const res = await runYak(['consume', '--topic', 't', '--offset', 'abc', '--bootstrap', cluster.bootstrap]);
  assertCleanFailure(res, /--offset must be beginning, end, N, -N \(from the end\), \+N \(from the beginning\), s@TIME or e@TIME \(TIME: ms or RFC 3339\), got "abc"/);
  assert.is(res.code, 2, 'a usage error');
});

test('CLI: yak with an unknown command names it and points to --help', async () => {
  const res = await runYak(['frobnicate']);
  assertCleanFailure(res, /frobnicate/, 2);
  assert.is(res.code, 2, 'usage error');
  assert.match(res.stderr, 'yak --help');
});

test('CLI: a malformed --bootstrap is a usage error for every client command, status included', async () => {
  for (const args of [['produce', '--topic', 't'], ['status']]) {
    const res = await runYak([...args, '--bootstrap', 'nonsense'], { input: 'x\n' });
    assertCleanFailure(res, /bad bootstrap address "nonsense": expected host:port/);
    assert.is(res.code, 2, args[0]);
  }
});

test('CLI: kcat habits work: -K: glued to the flag, for produce and consume', async () => {
  const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', 'kcat-habits', '--partition', '0', '-K:'], { input: 'k1:v1\n' });
  assert.is(produced.code, 0, produced.stderr);
  const read = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', 'kcat-habits', '--from-beginning', '--print-key', '-K:', '--max-messages', '1']);
  assert.is(read.stdout, 'k1:v1\n');
});

test('CLI: --offset past the end of the partition says what the partition holds instead of reading from elsewhere', async () => {
  const res = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', 'kcat-habits', '--partition', '0', '--offset', '999']);
  assertCleanFailure(res, /--offset 999 is outside kcat-habits-0, which holds offsets 0 to 0 \(1 is the next offset written\)/);
});

test('CLI: --partition 1.5 is a usage error, not a record waiting forever for a partition that cannot exist', async () => {
  const res = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--partition', '1.5'], { input: 'x\n' });
  assertCleanFailure(res, '--partition must be a whole number', 2);
  assert.is(res.code, 2);
});

test('CLI: --max-in-flight above 5 with acks=all is a usage error (idempotence), not a stack trace; with --acks 1 it is taken', async () => {
  const res = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--max-in-flight', '6'], { input: 'x\n' });
  assertCleanFailure(res, '--max-in-flight is at most 5 with --acks all', 2);
  const ok = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--acks', '1', '--max-in-flight', '6'], { input: 'x\n' });
  assert.is(ok.code, 0, ok.stderr);
});

test('CLI: an unreadable cluster.json is named as the cause, not reported as "no cluster"', async () => {
  const dir = tempDir('yak-broken-cluster-file-');
  try {
    fs.writeFileSync(path.join(dir, 'cluster.json'), '{ not json');
    const res = await runYak(['status', '--data-dir', dir]);
    assertCleanFailure(res, /cluster\.json cannot be read \(.*\): remove it if no cluster runs there/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: yak produce and consume with an invalid topic name say why before connecting (usage error)', async () => {
  for (const args of [['produce', '--topic', 'bad name!'], ['consume', '--topic', '..'], ['bench', 'produce', '--topic', 'x'.repeat(250)]]) {
    const res = await runYak([...args, '--bootstrap', '127.0.0.1:1'], { input: 'x\n' });
    assertCleanFailure(res, /--topic: topic name .*(characters|cannot be)/, 2);
    assert.is(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
  }
});

test('CLI: yak produce of a record over the size limit fails that record alone; the idempotent producer carries on in the same partition', async () => {
  const big = 'b'.repeat(2 * 1024 * 1024);
  const topic = 'oversize-then-more';
  const input = ['before', big, 'after-1', 'after-2'].join('\n') + '\n';
  const res = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', topic, '--partition', '0', '--linger-ms', '0'], { input });
  assert.is(res.code, 1, res.stderr);
  assert.match(res.stderr, 'acknowledged 3 of 4 record(s)');
  assert.match(res.stderr, /1 record\(s\) failed: MESSAGE_TOO_LARGE/);
  const read = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', '3', '--idle-timeout-ms', '3000']);
  assert.is(read.stdout, 'before\nafter-1\nafter-2\n');
});

test('CLI: a number option given something else is a usage error, not a run with NaN', async () => {
  for (const [args, name] of [[['consume', '--topic', 't', '--idle-timeout-ms', 'abc', '--bootstrap', '127.0.0.1:1'], 'idle-timeout-ms'], [['up', '--brokers', 'x'], 'brokers']] as const) {
    const res = await runYak([...args]);
    assertCleanFailure(res, `--${name} must be a number`, 2);
    assert.is(res.code, 2);
  }
});

test('CLI: yak up with topic defaults no topic could have is a usage error and starts nothing', async () => {
  for (const [args, why] of [
    [['--replication-factor', '5'], /--replication-factor must be between 1 and the 3 broker\(s\), got 5/],
    [['--min-insync-replicas', '4'], /--min-insync-replicas must be between 1 and the replication factor 3, got 4/],
    [['--partitions', '0'], /--partitions must be a whole number of at least 1, got 0/],
  ] as const) {
    const dataDir = path.join(tempDir(), 'never');
    const res = await runYak(['up', '--headless', '--brokers', '3', '--data-dir', dataDir, ...args]);
    assertCleanFailure(res, why);
    assert.is(res.code, 2);
    assert.not.ok(fs.existsSync(dataDir), 'nothing started');
  }
});

test('CLI: yak up --port on a port already taken says which broker could not listen, in one line, and leaves nothing running', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const dataDir = path.join(tempDir(), 'taken');
  try {
    // broker-1 cannot listen; broker-2 and broker-3 can, and must not be left running.
    const res = await runYak(['up', '--headless', '--brokers', '3', '--port', String(port), '--data-dir', dataDir]);
    assert.is(res.code, 1);
    assert.match(res.stderr, new RegExp(`^yak: broker-1 could not start: listen EADDRINUSE.*${port}$`, 'm'));
    assert.not.match(res.stderr, /^\s+at /m);
    assert.equal(processesMentioning(dataDir), []);
  } finally {
    taken.close();
  }
});

test('CLI: yak bench with a negative record count is a usage error', async () => {
  const res = await runYak(['bench', 'produce', '--records', '-5', '--bootstrap', cluster.bootstrap]);
  assertCleanFailure(res, /--records must be a whole number from 1/);
  assert.is(res.code, 2);
});

test('CLI: yak consume --partition 7 of a 6-partition topic says the partition does not exist', async () => {
  const res = await runYak(['consume', '--bootstrap', cluster.bootstrap, '--topic', TOPIC, '--partition', '7', '--from-beginning', '--idle-timeout-ms', '500']);
  assertCleanFailure(res, /no partition 7/);
});

test.run();
