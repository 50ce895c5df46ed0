/**
 * Clients of the message format v0/v1 era, which Kafka 4.0 stopped serving (KIP-896): Produce v0-2 and
 * Fetch v0-3 are answered UNSUPPORTED_VERSION for every partition, which old clients report by name,
 * while ApiVersions still lists Produce from v0 (librdkafka needs it, KAFKA-18659) and Fetch from v4.
 * Raw frames always; kafka-go 0.2 and kafka-python (forced to the 0.10 protocol) when installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import type { Connection } from '../../src/net/connection.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { ProduceApi } from '../../src/protocol/apis/produce.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { runYak, startCluster, tempDir, type TestCluster } from '../helpers/cluster.js';
import { brokerById, connectBroker, listOffset, rawSocket, runProcess } from '../helpers/wire.js';

const test = suite('old clients: Produce v0-2 and Fetch v0-3 are refused by name, as in Kafka 4.0');
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TOPIC = 'old-clients';
let cluster: TestCluster;
let conn: Connection;
let address = '';

test.before(async () => {
  cluster = await startCluster({ brokers: 1 });
  const b = brokerById(cluster, 1);
  address = `${b.host}:${b.port}`;
  const created = await runYak(['topic', 'create', TOPIC, '--partitions', '1', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
  const produced = await runYak(['produce', '--topic', TOPIC, '--bootstrap', cluster.bootstrap], { input: 'stored\n' });
  assert.is(produced.code, 0, produced.stderr);
  conn = await connectBroker(cluster, 1);
});

test.after(async () => {
  conn?.close();
  await cluster?.destroy();
});

const produceReq = (acks: number) => ({
  acks,
  timeoutMs: 5000,
  topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: encodeRecordBatch([{ key: null, value: Buffer.from('old'), timestamp: Date.now() }]) }] }],
});

test('ApiVersions lists Produce from v0 (KAFKA-18659) and Fetch from v4', async () => {
  const res = await conn.request(ApiVersionsApi, 2, {});
  const byKey = new Map(res.apiKeys.map((k) => [k.apiKey, k]));
  assert.is(byKey.get(0)!.minVersion, 0, 'Produce');
  assert.is(byKey.get(1)!.minVersion, 4, 'Fetch');
});

test('Produce v0-2 get UNSUPPORTED_VERSION for every partition and store nothing; v3 is served', async () => {
  const before = (await listOffset(conn, TOPIC, 0)).offset;
  for (const version of [0, 1, 2]) {
    const res = await conn.request(ProduceApi, version, produceReq(1));
    assert.is(res.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.UNSUPPORTED_VERSION, `Produce v${version}`);
  }
  assert.is((await listOffset(conn, TOPIC, 0)).offset, before, 'nothing stored');
  const v3 = await conn.request(ProduceApi, 3, produceReq(1));
  assert.is(v3.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
});

test('Produce v2 with acks=0, which gets no answer, closes the connection instead', async () => {
  const b = brokerById(cluster, 1);
  const s = await rawSocket(b.host, b.port);
  const w = startRequestFrame({ apiKey: 0, apiVersion: 2, correlationId: 1, clientId: 'old' });
  ProduceApi.encodeRequest(w, produceReq(0), 2);
  s.socket.write(finishFrame(w));
  assert.ok(await s.closedWithin(5000), 'the broker closes the connection');
});

test('Fetch v0-3 get UNSUPPORTED_VERSION for every partition, never v2 batches they cannot read', async () => {
  for (const version of [0, 1, 2, 3]) {
    const res = await conn.request(FetchApi, version, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    });
    const p = res.responses[0]!.partitions[0]!;
    assert.is(p.errorCode, ErrorCode.UNSUPPORTED_VERSION, `Fetch v${version}`);
    assert.is(p.records?.length ?? 0, 0, `Fetch v${version}: no records`);
  }
});

const KAFKA_GO = '/usr/share/gocode/src/github.com/segmentio/kafka-go';

test('kafka-go 0.2 reports Unsupported Version for its produce and its reader, instead of a CRC error and a hang', async () => {
  if (!fs.existsSync(KAFKA_GO) || !fs.existsSync('/usr/bin/go')) {
    console.log('  skipped: kafka-go test needs Debian packages golang-go and golang-github-segmentio-kafka-go-dev');
    return;
  }
  const gopath = tempDir('yak-kafka-go-');
  try {
    fs.mkdirSync(path.join(gopath, 'src', 'probe'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'kafka-go-probe.go'), path.join(gopath, 'src', 'probe', 'main.go'));
    const bin = path.join(gopath, 'probe');
    const build = await runProcess('/usr/bin/env', ['GO111MODULE=off', `GOPATH=${gopath}:/usr/share/gocode`, 'go', 'build', '-o', bin, 'probe'], { timeoutMs: 120_000 });
    assert.is(build.code, 0, `go build: ${build.stderr}`);
    const res = await runProcess(bin, [address, TOPIC], { timeoutMs: 30_000 });
    assert.match(res.stdout, /^produce: \[35\] Unsupported Version/m, res.stdout);
    assert.match(res.stdout, /^fetch: \[35\] Unsupported Version/m, res.stdout);
  } finally {
    fs.rmSync(gopath, { recursive: true, force: true });
  }
});

test('kafka-python with api_version=(0, 10) gets UnsupportedVersionError for produce and fetch', async () => {
  const probe = await runProcess('/usr/bin/python3', ['-c', 'import kafka'], { timeoutMs: 20_000 }).catch(() => null);
  if (!probe || probe.code !== 0) {
    console.log('  skipped: kafka-python test needs Debian package python3-kafka');
    return;
  }
  const res = await runProcess('/usr/bin/python3', [path.join(FIXTURES, 'kafka-python-probe.py'), address, TOPIC], { timeoutMs: 60_000 });
  assert.match(res.stdout, /^produce: UnsupportedVersionError/m, res.stdout + res.stderr);
  assert.match(res.stdout, /^fetch: UnsupportedVersionError/m, res.stdout + res.stderr);
});

test.run();
