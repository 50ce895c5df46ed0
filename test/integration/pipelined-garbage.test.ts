import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isProcessAlive, readClusterFile, type ClusterFile } from '../../src/client/cluster-file.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { killYakProcesses, runYak, spawnYak, tempDir, type YakProcess } from '../helpers/cluster.js';
import { sleep } from '../helpers/failover.js';
import { rawSocket } from '../helpers/wire.js';

/**
 * Issue 8, problem 1: two malformed frames in one TCP write, or one pipelined behind a long poll,
 * killed the process behind the port (a second rejected request promise went unhandled). Each of the
 * three listeners of a real `yak up` (broker, coordinator, the supervisor's control endpoint) gets
 * that; every process stays alive, closes only that connection, and a producer and consumer carry on.
 */
const test = suite('pipelined garbage at every listener of a running cluster');

let root: string;
let dataDir: string;
let up: YakProcess;
let file: ClusterFile;

test.before(async () => {
  root = tempDir('yak-garbage-');
  dataDir = path.join(root, 'data');
  up = spawnYak(['up', '--brokers', '1', '--headless', '--data-dir', dataDir, '--heartbeat-interval-ms', '250', '--session-timeout-ms', '2000']);
  await up.waitFor(() => /cluster ready/.test(up.stdout()), 'cluster ready', 30_000);
  file = readClusterFile(dataDir)!;
  assert.ok(file.control, 'cluster.json names the control endpoint');
});

test.after(async () => {
  await up?.stop('SIGTERM');
  killYakProcesses();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A request frame: header v1 and `body` as given. */
function frame(apiKey: number, correlationId: number, body: Buffer = Buffer.alloc(0), apiVersion = 0): Buffer {
  const w = startRequestFrame({ apiKey, apiVersion, correlationId, clientId: 'garbage' });
  w.raw(body);
  return finishFrame(w);
}

/** Frames every listener refuses: two unknown API keys (refused by the handler), then a header cut short inside its frame. */
function garbage(correlationId: number): Buffer[] {
  return [frame(999, correlationId), frame(0x7fff, correlationId + 1), Buffer.from([0, 0, 0, 3, 0, 1, 0])];
}


function listener(name: 'broker' | 'coordinator' | 'control'): { host: string; port: number } {
  return name === 'broker' ? file.brokers[0]! : name === 'coordinator' ? file.coordinator : file.control!;
}

/** Writes `bytes` in one TCP write and expects the listener to close that connection. */
async function sendInOneWrite(name: 'broker' | 'coordinator' | 'control', bytes: Buffer): Promise<void> {
  const { host, port } = listener(name);
  const s = await rawSocket(host, port);
  s.socket.write(bytes);
  assert.ok(await s.closedWithin(10_000), `the ${name} closes a connection that sent garbage`);
}

/** Every process is alive (after a pause long enough for a crash on the next ticks), and records go through. */
async function assertClusterCarriesOn(what: string): Promise<void> {
  await sleep(300);
  for (const [name, pid] of [['supervisor', up.pid], ['coordinator', file.coordinator.pid], ['broker-1', file.brokers[0]!.pid]] as const) {
    assert.ok(isProcessAlive(pid), `${name} (pid ${pid}) is alive after ${what}; yak up output:\n${up.stdout()}${up.stderr()}`);
  }
  const topic = `carry-on-${Math.random().toString(36).slice(2, 8)}`;
  const produced = await runYak(['produce', '--data-dir', dataDir, '--topic', topic], { input: 'one\ntwo\n' });
  assert.is(produced.code, 0, produced.stderr);
  const consumed = await runYak(['consume', '--data-dir', dataDir, '--topic', topic, '--from-beginning', '--max-messages', '2']);
  assert.is(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout.split('\n').filter(Boolean).sort(), ['one', 'two']);
}

for (const name of ['broker', 'coordinator', 'control'] as const) {
  test(`${name}: several malformed frames in one TCP write close that connection; the cluster carries on`, async () => {
    await sendInOneWrite(name, Buffer.concat(garbage(1).slice(0, 2)));
    await sendInOneWrite(name, Buffer.concat(garbage(1)));
    await assertClusterCarriesOn(`garbage pipelined at the ${name}`);
  });
}

test('broker: a malformed frame pipelined behind a long-polling Fetch closes that connection only', async () => {
  const topic = 'long-poll';
  const created = await runYak(['topic', 'create', topic, '--partitions', '1', '--replication-factor', '1', '--data-dir', dataDir]);
  assert.is(created.code, 0, created.stderr);
  const w = startRequestFrame({ apiKey: FetchApi.apiKey, apiVersion: 11, correlationId: 7, clientId: 'garbage' });
  FetchApi.encodeRequest(w, {
    replicaId: -1, maxWaitMs: 3000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  }, 11);
  await sendInOneWrite('broker', Buffer.concat([finishFrame(w), ...garbage(8)]));
  await assertClusterCarriesOn('garbage behind a long poll at the broker');
});

test('coordinator: a malformed frame pipelined behind a long-polling WatchMetadata closes that connection only', async () => {
  const w = startRequestFrame({ apiKey: InternalApi.WatchMetadata.apiKey, apiVersion: 0, correlationId: 7, clientId: 'garbage' });
  InternalApi.WatchMetadata.encodeRequest(w, { sinceVersion: Number.MAX_SAFE_INTEGER, maxWaitMs: 3000 }, 0);
  await sendInOneWrite('coordinator', Buffer.concat([finishFrame(w), ...garbage(8)]));
  await assertClusterCarriesOn('garbage behind a long poll at the coordinator');
});

test('control endpoint: a malformed frame pipelined behind a well-formed command closes that connection only', async () => {
  const w = startRequestFrame({ apiKey: InternalApi.Control.apiKey, apiVersion: 0, correlationId: 7, clientId: 'garbage' });
  InternalApi.Control.encodeRequest(w, { action: 'pause', target: 'no-such-process' }, 0);
  await sendInOneWrite('control', Buffer.concat([finishFrame(w), ...garbage(8)]));
  await assertClusterCarriesOn('garbage behind a command at the control endpoint');
});

// The coordinator and the control endpoint refuse garbage at the cluster handshake (net/cluster-auth.ts),
// before FrameServer reads a request: their lines say "refused connection"; the broker's "closing connection".
test('each refusal is one WARN line naming the connection and the request', async () => {
  const all = (up.stdout() + up.stderr()).split('\n');
  const refused = all.filter((l) => /refused connection from 127\.0\.0\.1:\d+/.test(l));
  assert.ok(refused.length >= 4 && refused.every((l) => / WARN /.test(l)), `a WARN line per stranger at the coordinator and control endpoint:\n${refused.join('\n')}`);
  const lines = all.filter((l) => /closing connection #\d+ from 127\.0\.0\.1:\d+/.test(l));
  assert.ok(lines.length >= 3, `a line per closed connection:\n${lines.join('\n')}`);
  assert.ok(lines.every((l) => / WARN /.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /API key 999 v0, correlation id 1/.test(l)), lines.join('\n'));
});

test.run();
