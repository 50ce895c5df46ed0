/**
 * A client Connection's request timeouts: a request unanswered in its timeout fails with
 * REQUEST_TIMED_OUT and closes the connection, failing the others in flight (NETWORK_EXCEPTION);
 * an answered request never times out; all the requests in flight share one Node timer.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, KafkaError } from '../../src/common/errors.js';
import { Connection } from '../../src/net/connection.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { FrameDecoder, decodeRequestHeader, finishFrame, startResponseFrame } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** A peer on 127.0.0.1 that reads requests and answers only those the test tells it to (by correlation id, with an empty ApiVersions answer). */
async function heldServer() {
  const received: number[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      decoder.push(chunk);
      for (const frame of decoder.drain()) received.push(decodeRequestHeader(new Reader(frame)).correlationId);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const answer = (correlationId: number) => {
    const w = startResponseFrame(correlationId);
    ApiVersionsApi.encodeResponse(w, { errorCode: 0, apiKeys: [] }, 0);
    sockets[0]!.write(finishFrame(w));
  };
  const close = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return { received, answer, close, port: (server.address() as net.AddressInfo).port };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `waiting for ${what}`);
}

const ask = (conn: Connection, timeoutMs: number) => conn.request(ApiVersionsApi, 0, {}, { timeoutMs }).then(() => 'answered', (err: unknown) => err as KafkaError);

test('an unanswered request times out and closes the connection; the others in flight fail as it closes; an answered one never times out', async () => {
  const server = await heldServer();
  const conn = await Connection.connect('127.0.0.1', server.port);
  try {
    const answered = ask(conn, 50);
    const short = ask(conn, 100);
    const long = ask(conn, 60_000);
    await until('three requests', () => server.received.length === 3);
    server.answer(server.received[0]!);
    assert.is(await answered, 'answered');
    const timedOut = await short;
    assert.instance(timedOut, KafkaError);
    assert.is((timedOut as KafkaError).code, ErrorCode.REQUEST_TIMED_OUT);
    const closed = await long;
    assert.is((closed as KafkaError).code, ErrorCode.NETWORK_EXCEPTION);
    assert.ok(conn.closed);
  } finally {
    conn.close();
    server.close();
  }
});

test('the requests in flight on a connection share one Node timer, and a closed connection leaves none', async () => {
  const server = await heldServer();
  const conn = await Connection.connect('127.0.0.1', server.port);
  try {
    const before = timeouts();
    const requests = Array.from({ length: 100 }, (_, i) => ask(conn, 30_000 + (i % 3)));
    await until('100 requests', () => server.received.length === 100);
    assert.is(timeouts() - before, 1);
    for (const id of server.received.slice(0, 50)) server.answer(id);
    assert.equal(await Promise.all(requests.slice(0, 50)), Array(50).fill('answered'));
    conn.close();
    for (const r of await Promise.all(requests.slice(50))) assert.is((r as KafkaError).code, ErrorCode.NETWORK_EXCEPTION);
    assert.is(timeouts() - before, 0);
  } finally {
    conn.close();
    server.close();
  }
});

test.run();
