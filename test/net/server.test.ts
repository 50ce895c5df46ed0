import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError, ProtocolError } from '../../src/common/errors.js';
import type { ListenerLimits } from '../../src/common/limits.js';
import type { Logger } from '../../src/common/logger.js';
import { Connection } from '../../src/net/connection.js';
import { FrameServer, type RequestHandler } from '../../src/net/server.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { finishFrame, finishFrameChunks, startRequestFrame, startResponseFrame } from '../../src/protocol/framing.js';
import { sleep, waitFor } from '../helpers/failover.js';
import { rawSocket, type RawSocket } from '../helpers/wire.js';

const test = suite('FrameServer: every failure closes its own connection; limits hold');

const lines: string[] = [];
const logger: Logger = { info: (m) => lines.push(`INFO ${m}`), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`) };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

test.before(() => {
  process.on('unhandledRejection', onUnhandled);
});
test.after(() => {
  process.off('unhandledRejection', onUnhandled);
});
test.before.each(() => {
  lines.length = 0;
  unhandled.length = 0;
});

/** API keys of the test handler: 1 answers, 2 answers after `slowMs`, 3 throws, 4 rejects, 5 throws a non-protocol error. */
function handler(slowMs = 300): RequestHandler {
  const answer = (correlationId: number, text: string) => {
    const w = startResponseFrame(correlationId);
    w.raw(Buffer.from(text));
    return finishFrame(w);
  };
  return (header) => {
    switch (header.apiKey) {
      case 1:
        return answer(header.correlationId, 'fast');
      case 2:
        return sleep(slowMs).then(() => answer(header.correlationId, 'slow'));
      case 3:
        throw new ProtocolError('bad body');
      case 4:
        return Promise.reject(new KafkaError(ErrorCode.INVALID_REQUEST, 'refused'));
      default:
        throw new TypeError('a bug');
    }
  };
}

async function withServer(limits: Partial<ListenerLimits>, h: RequestHandler, body: (port: number, server: FrameServer) => Promise<void>): Promise<void> {
  const server = new FrameServer({ host: '127.0.0.1', port: 0, limits, logger }, h);
  const { port } = await server.listen();
  try {
    await body(port, server);
  } finally {
    await server.close();
  }
}

function request(apiKey: number, correlationId: number): Buffer {
  return finishFrame(startRequestFrame({ apiKey, apiVersion: 0, correlationId, clientId: 't' }));
}

function correlationOf(frame: Buffer): number {
  return frame.readInt32BE(0);
}

async function assertServes(port: number): Promise<void> {
  const s = await rawSocket('127.0.0.1', port);
  s.socket.write(request(1, 99));
  assert.is(correlationOf(await s.nextFrame()), 99);
  s.socket.destroy();
}

test('responses go back in request order though handlers finish out of order', () =>
  withServer({}, handler(), async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    s.socket.write(Buffer.concat([request(2, 1), request(1, 2), request(1, 3)]));
    const got = [correlationOf(await s.nextFrame()), correlationOf(await s.nextFrame()), correlationOf(await s.nextFrame())];
    assert.equal(got, [1, 2, 3]);
    s.socket.destroy();
  }));

for (const [what, frames] of [
  ['two throwing handlers in one write', [request(3, 1), request(3, 2)]],
  ['two rejecting handlers in one write', [request(4, 1), request(4, 2)]],
  ['a rejecting and a throwing handler behind a slow (long-polling) one', [request(2, 1), request(4, 2), request(3, 3), request(5, 4)]],
  ['a handler with a bug, then garbage', [request(5, 1), Buffer.from([0, 0, 0, 1, 0])]],
] as const) {
  test(`${what}: that connection is closed, nothing is left unhandled, others are served`, () =>
    withServer({}, handler(), async (port) => {
      const s = await rawSocket('127.0.0.1', port);
      s.socket.write(Buffer.concat(frames));
      assert.ok(await s.closedWithin(2000));
      await sleep(400); // past the slow handler: its late answer is dropped quietly
      assert.equal(unhandled, []);
      await assertServes(port);
      const closes = lines.filter((l) => /closing connection/.test(l));
      assert.is(closes.length, 1, lines.join('\n'));
    }));
}

test('a refused request is a WARN naming the request; a handler bug is an ERROR with its stack', () =>
  withServer({}, handler(), async (port) => {
    for (const key of [4, 5]) {
      const s = await rawSocket('127.0.0.1', port);
      s.socket.write(request(key, 7));
      assert.ok(await s.closedWithin(2000));
    }
    assert.match(lines[0]!, /^WARN closing connection #1 from 127\.0\.0\.1:\d+: refused request \(API key 4 v0, correlation id 7, client id "t"\): INVALID_REQUEST: refused$/);
    assert.match(lines[1]!, /^ERROR closing connection #2 .*request \(API key 5 v0, correlation id 7, client id "t"\) failed unexpectedly: TypeError: a bug\n\s+at /);
  }));

/** Declares a `size`-byte frame and sends `sent` bytes of it. */
async function halfSend(port: number, size: number, sent: number): Promise<RawSocket> {
  const s = await rawSocket('127.0.0.1', port);
  const head = Buffer.alloc(4);
  head.writeInt32BE(size);
  s.socket.write(Buffer.concat([head, Buffer.alloc(sent)]));
  return s;
}

/** A request of API key 1 padded to a `size`-byte frame. */
function paddedRequest(size: number, correlationId: number): Buffer {
  const w = startRequestFrame({ apiKey: 1, apiVersion: 0, correlationId, clientId: 't' });
  w.raw(Buffer.alloc(size - (w.length - 4)));
  return finishFrame(w);
}

test('a frame that does not fit the server budget waits, its bytes unread, until bytes are released', () =>
  withServer({ maxFrameBytes: 1000, maxQueuedRequestBytesPerConnection: 1000, maxQueuedRequestBytesPerServer: 1500 }, handler(), async (port, server) => {
    const a = await halfSend(port, 1000, 500);
    await waitFor('a reserved', () => server.queuedRequestBytes === 1000);
    const b = await rawSocket('127.0.0.1', port);
    const frame = paddedRequest(1000, 5);
    b.socket.write(frame.subarray(0, 504));
    await sleep(100);
    assert.is(server.queuedRequestBytes, 1000, 'b cannot reserve: it waits');
    await assertServes(port); // a small request from someone else still fits
    a.socket.destroy(); // a's reservation goes with it; b gets its bytes
    await waitFor('b reserved', () => server.queuedRequestBytes === 1000 && lines.length === 0);
    b.socket.write(frame.subarray(504));
    assert.is(correlationOf(await b.nextFrame()), 5);
    await waitFor('b released', () => server.queuedRequestBytes === 0);
    b.socket.destroy();
  }));

test('a half-sent frame is closed by the read timeout with one WARN line, its reserved bytes released', () =>
  withServer({ frameReadTimeoutMs: 200 }, handler(), async (port, server) => {
    const s = await halfSend(port, 50_000_000, 1000);
    await waitFor('reserved', () => server.queuedRequestBytes === 50_000_000);
    assert.ok(await s.closedWithin(3000));
    assert.is(server.queuedRequestBytes, 0);
    assert.equal(lines.filter((l) => /WARN .*did not arrive whole within 200 ms \(read timeout\): 1000 of 50000000 bytes came/.test(l)).length, 1, lines.join('\n'));
  }));

test('the read deadline does not run while the server itself holds reading back (in-flight limit)', () =>
  withServer({ frameReadTimeoutMs: 150, maxInFlightRequestsPerConnection: 1 }, handler(600), async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    const next = request(1, 2);
    s.socket.write(Buffer.concat([request(2, 1), next.subarray(0, 6)]));
    await sleep(400);
    s.socket.write(next.subarray(6));
    assert.is(correlationOf(await s.nextFrame(3000)), 1);
    assert.is(correlationOf(await s.nextFrame(3000)), 2);
    s.socket.destroy();
  }));

test('connections past the total or per-address limit are refused with one WARN line each', () =>
  withServer({ maxConnectionsPerServer: 3, maxConnectionsPerIp: 2 }, handler(), async (port) => {
    const socks = await Promise.all([1, 2, 3].map(() => rawSocket('127.0.0.1', port)));
    assert.equal(await Promise.all(socks.map((s) => s.closedWithin(300))), [false, false, true]);
    assert.match(lines.join('\n'), /WARN refusing connection from 127\.0\.0\.1:\d+: 2 connections open from 127\.0\.0\.1, the most it accepts from one address \(max\.connections\.per\.ip\)/);
    socks[0]!.socket.destroy();
    await waitFor('a slot freed', async () => {
      try {
        await assertServes(port);
        return true;
      } catch {
        return false;
      }
    });
    for (const s of socks) s.socket.destroy();
  }));

test('an idle connection is closed; one with a request in flight is not', () =>
  withServer({ connectionsMaxIdleMs: 200 }, handler(800), async (port) => {
    const idle = await rawSocket('127.0.0.1', port);
    const busy = await rawSocket('127.0.0.1', port);
    busy.socket.write(request(2, 1));
    assert.ok(await idle.closedWithin(2000));
    assert.is(correlationOf(await busy.nextFrame(2000)), 1);
    assert.match(lines.join('\n'), /INFO closing connection #1 .*idle for 200 ms/);
    busy.socket.destroy();
  }));

test("a request's onSent listeners run once its response has left the write buffer, or once its connection ended without it", async () => {
  const sent: number[] = [];
  const big = (correlationId: number) => {
    const w = startResponseFrame(correlationId);
    w.raw(Buffer.alloc(32 * 1024 * 1024));
    return finishFrame(w);
  };
  const h: RequestHandler = (header, _body, _client, scope) => {
    scope.onSent(() => sent.push(header.correlationId));
    return header.apiKey === 2 ? sleep(300).then(() => big(header.correlationId)) : big(header.correlationId);
  };
  await withServer({}, h, async (port) => {
    const reader = net.connect({ port, host: '127.0.0.1' });
    await new Promise((r) => reader.once('connect', r));
    reader.pause(); // 32 MiB cannot leave the write buffer while the client does not read
    reader.write(request(1, 1));
    await sleep(300);
    assert.equal(sent, [], 'not sent while the frame is in the write buffer');
    let got = 0;
    reader.on('data', (d: Buffer) => (got += d.length));
    reader.resume();
    await waitFor('the response read', () => got >= 32 * 1024 * 1024);
    await waitFor('onSent after the write', () => sent.length === 1);
    const leaver = await rawSocket('127.0.0.1', port);
    leaver.socket.write(Buffer.concat([request(2, 2), request(1, 3)]));
    await sleep(100);
    leaver.socket.destroy(); // gone while #2 is still being handled and #3 waits behind it
    await waitFor('onSent for both answers never written', () => sent.length === 3);
    assert.equal([...sent].sort(), [1, 2, 3]);
    await sleep(100);
    assert.is(sent.length, 3, 'each listener runs once');
    reader.destroy();
  });
});

test('a response given as chunks (finishFrameChunks) leaves as one frame, in request order, onSent after its last chunk', async () => {
  const sent: number[] = [];
  const stored = Buffer.alloc(64 * 1024, 5); // a stored batch: goes out by reference
  const h: RequestHandler = (header, _body, _client, scope) => {
    scope.onSent(() => sent.push(header.correlationId));
    const w = startResponseFrame(header.correlationId);
    w.int32(stored.length).raw(stored).int16(header.apiKey);
    return header.apiKey === 2 ? sleep(100).then(() => finishFrameChunks(w)) : finishFrame(w);
  };
  await withServer({}, h, async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    s.socket.write(Buffer.concat([request(2, 1), request(1, 2)]));
    for (const [correlationId, apiKey] of [[1, 2], [2, 1]]) {
      const frame = await s.nextFrame();
      assert.is(correlationOf(frame), correlationId);
      assert.is(frame.readInt32BE(4), stored.length);
      assert.equal(frame.subarray(8, 8 + stored.length), stored);
      assert.is(frame.readInt16BE(8 + stored.length), apiKey);
      assert.is(frame.length, 10 + stored.length);
    }
    await waitFor('onSent for both', () => sent.length === 2);
    assert.equal(sent, [1, 2]);
    s.socket.destroy();
  });
});

test('limits that contradict each other are refused when the server is made', () => {
  assert.throws(() => new FrameServer({ host: '127.0.0.1', port: 0, logger, limits: { maxQueuedRequestBytesPerServer: 10 } }, handler()), /one connection|the server must be able/);
});

test('client side: a server lying about a response (too short, too large) fails that Connection, no exception escapes', async () => {
  for (const reply of [Buffer.from([0, 0, 0, 2, 0, 0]), Buffer.from([0x7f, 0xff, 0xff, 0xff])]) {
    const liar = net.createServer((s) => s.once('data', () => s.write(reply)));
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    const conn = await Connection.connect('127.0.0.1', (liar.address() as net.AddressInfo).port, { requestTimeoutMs: 3000 });
    const err = await conn.request(ApiVersionsApi, 0, {}).then(() => null, (e: Error) => e);
    assert.ok(err instanceof KafkaError && err.code === ErrorCode.NETWORK_EXCEPTION && /does not answer as a Kafka broker/.test(err.message), String(err));
    assert.ok(conn.closed);
    await new Promise((r) => liar.close(r));
  }
});

test.run();
