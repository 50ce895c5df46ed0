import fs from 'node:fs';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Connection } from '../../src/net/connection.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';
import { runYak, startCluster, type TestCluster } from '../helpers/cluster.js';
import { sleep, waitFor } from '../helpers/failover.js';
import { brokerById, rawSocket } from '../helpers/wire.js';

/**
 * Issue 8, problem 2 and the listener limits, against a real broker with small overrides where the
 * defaults would make the test slow: half-sent frames hold bounded memory and time out, connections
 * per address are capped, idle connections are closed (and busy ones are not).
 */
const test = suite('connection limits of a broker listener');

const READ_TIMEOUT_MS = 3000;
const IDLE_MS = 3000;
const PER_IP = 16;
let cluster: TestCluster;
let broker: { host: string; port: number; pid: number };

test.before(async () => {
  cluster = await startCluster({
    brokers: 1,
    brokerArgs: ['--frame-read-timeout-ms', String(READ_TIMEOUT_MS), '--connections-max-idle-ms', String(IDLE_MS), '--max-connections-per-ip', String(PER_IP)],
  });
  broker = brokerById(cluster, 1);
});

test.after(async () => {
  await cluster?.destroy();
});

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function assertBrokerAnswers(): Promise<void> {
  const c = await Connection.connect(broker.host, broker.port, { requestTimeoutMs: 5000 });
  try {
    assert.is((await c.request(ApiVersionsApi, 2, {})).errorCode, 0);
  } finally {
    c.close();
  }
}

/** Log lines of broker-1 matching `pattern`. */
function brokerLines(pattern: RegExp): string[] {
  return cluster.log.filter((l) => l.startsWith('broker-1:') && pattern.test(l));
}

/** Declares a `size`-byte frame and sends all of it but the last byte, as fast as the broker reads. */
function sendAllButLastByte(size: number, chunk: Buffer): { socket: net.Socket; closed: Promise<void> } {
  const socket = net.connect({ host: broker.host, port: broker.port });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let left = size - 1;
  const head = Buffer.alloc(4);
  head.writeInt32BE(size);
  const more = () => {
    while (left > 0 && !socket.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!socket.write(piece)) return void socket.once('drain', more);
    }
  };
  socket.once('connect', () => {
    socket.write(head);
    more();
  });
  return { socket, closed };
}

test('10 connections each sending all but the last byte of a 99 MB frame: RSS stays bounded, the read timeout closes them, the broker serves on', async () => {
  const before = rssMb(broker.pid);
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  const senders = Array.from({ length: 10 }, () => sendAllButLastByte(99 * 1000 * 1000, chunk));
  let peak = before;
  let allClosed = false;
  const closedAll = Promise.all(senders.map((s) => s.closed)).then(() => (allClosed = true));
  try {
    const deadline = Date.now() + READ_TIMEOUT_MS + 20_000;
    while (!allClosed && Date.now() < deadline) {
      peak = Math.max(peak, rssMb(broker.pid));
      // Fail fast, before an unbounded broker takes the machine's memory.
      if (peak > 300) break;
      await sleep(50);
    }
  } finally {
    for (const s of senders) if (peak > 300) s.socket.destroy();
  }
  assert.ok(peak < 300, `broker RSS peaked at ${peak.toFixed(0)} MB (was ${before.toFixed(0)} MB)`);
  assert.ok(allClosed, 'every half-sent connection was closed by the broker');
  await closedAll;
  const timedOut = brokerLines(/WARN.*did not arrive whole within 3000 ms \(read timeout\)/);
  assert.is(timedOut.length, 10, `one WARN line per connection:\n${timedOut.join('\n')}`);
  await assertBrokerAnswers();
  const produced = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', 'after-half-sent'], { input: 'x\n' });
  assert.is(produced.code, 0, produced.stderr);
  // The bytes are released, not kept: RSS goes back near where it was.
  const after = await waitFor('broker RSS to come back down', () => (rssMb(broker.pid) < before + 60 ? rssMb(broker.pid) : false), { timeoutMs: 20_000, intervalMs: 200 });
  assert.ok(after < before + 60, `RSS ${after.toFixed(0)} MB after, ${before.toFixed(0)} MB before`);
});

test(`connections past max.connections.per.ip (${PER_IP}) are refused with a WARN line; freed slots are served again`, async () => {
  const sockets = await Promise.all(Array.from({ length: PER_IP + 6 }, () => rawSocket(broker.host, broker.port)));
  try {
    const refused = await waitFor('refusals', async () => {
      const closed = (await Promise.all(sockets.map((s) => s.closedWithin(0)))).filter(Boolean).length;
      return closed >= 6 ? closed : false;
    }, { timeoutMs: IDLE_MS - 500 });
    assert.ok(refused <= 6 + 1, `${refused} of ${sockets.length} refused`);
    assert.ok(brokerLines(/WARN.*refusing connection from 127\.0\.0\.1:\d+: \d+ connections open from 127\.0\.0\.1.*max\.connections\.per\.ip/).length >= 6);
  } finally {
    for (const s of sockets) s.socket.destroy();
  }
  await waitFor('slots freed', async () => {
    try {
      await assertBrokerAnswers();
      return true;
    } catch {
      return false;
    }
  });
});

test(`a connection with nothing in flight for connections.max.idle.ms (${IDLE_MS} ms) is closed; one waiting on a long Fetch is not`, async () => {
  const idle = await rawSocket(broker.host, broker.port);
  const w = startRequestFrame({ apiKey: ApiVersionsApi.apiKey, apiVersion: 0, correlationId: 1, clientId: 'idle' });
  ApiVersionsApi.encodeRequest(w, {}, 0);
  idle.socket.write(finishFrame(w));
  await idle.nextFrame();

  const created = await runYak(['topic', 'create', 'idle-poll', '--partitions', '1', '--replication-factor', '1', '--bootstrap', cluster.bootstrap]);
  assert.is(created.code, 0, created.stderr);
  const polling = await rawSocket(broker.host, broker.port);
  const f = startRequestFrame({ apiKey: FetchApi.apiKey, apiVersion: 11, correlationId: 2, clientId: 'long-poll' });
  const maxWaitMs = IDLE_MS + 2000;
  FetchApi.encodeRequest(f, {
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: 'idle-poll', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  }, 11);
  polling.socket.write(finishFrame(f));

  assert.ok(await idle.closedWithin(IDLE_MS + 5000), 'the idle connection is closed');
  assert.ok(brokerLines(/INFO.*closing connection #\d+ from 127\.0\.0\.1:\d+: idle for 3000 ms \(connections\.max\.idle\.ms\)/).length >= 1);
  const answer = new Reader(await polling.nextFrame(maxWaitMs + 5000));
  assert.is(answer.int32(), 2, 'the long Fetch is answered on its connection, not cut off as idle');
  polling.socket.destroy();
});

test.run();
