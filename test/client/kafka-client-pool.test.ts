/**
 * KafkaClient's connection pool against a small FrameServer that answers ApiVersions and Metadata: concurrent callers
 * share one connect, a closed connection is replaced once, close() reaches connects still under way,
 * and concurrent refreshes of the same topics send one Metadata request.
 */
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { silentLogger } from '../../src/common/logger.js';
import { FrameServer } from '../../src/net/server.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { finishFrame, responseHeaderVersion, startResponseFrame } from '../../src/protocol/framing.js';

/** A one-broker "cluster" (node 1 is this server) counting connections and Metadata requests. */
async function metadataServer(opts: { answerDelayMs?: number } = {}) {
  const stats = { accepted: 0, open: 0, metadataRequests: 0 };
  let port = 0;
  const server = new FrameServer({ host: '127.0.0.1', port: 0, logger: silentLogger }, async (header) => {
    // The client negotiates versions on every new connection first.
    if (header.apiKey === ApiVersionsApi.apiKey) {
      const w = startResponseFrame(header.correlationId);
      ApiVersionsApi.encodeResponse(w, { errorCode: 0, apiKeys: [MetadataApi, ApiVersionsApi].map((a) => ({ apiKey: a.apiKey, minVersion: 0, maxVersion: a.maxVersion })) }, header.apiVersion);
      return finishFrame(w);
    }
    stats.metadataRequests++;
    if (opts.answerDelayMs) await new Promise((r) => setTimeout(r, opts.answerDelayMs));
    const w = startResponseFrame(header.correlationId, 256, responseHeaderVersion(MetadataApi, header.apiVersion));
    MetadataApi.encodeResponse(w, { brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], clusterId: 'c', controllerId: 1, topics: [] }, header.apiVersion);
    return finishFrame(w);
  });
  // Count at the TCP level, before FrameServer sees the socket.
  const raw = (server as unknown as { server: net.Server }).server;
  raw.prependListener('connection', (socket: net.Socket) => {
    stats.accepted++;
    stats.open++;
    socket.once('close', () => stats.open--);
  });
  port = (await server.listen()).port;
  return { server, port, stats };
}

async function until(what: string, cond: () => boolean, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > end) assert.unreachable(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const metadataReq = { topics: [], allowAutoTopicCreation: false };

test('100 concurrent sends that find the pooled connection closed open exactly one replacement', async () => {
  const { server, port, stats } = await metadataServer();
  const client = new KafkaClient({ bootstrap: [{ host: '127.0.0.1', port }] });
  try {
    await client.refreshMetadata();
    const first = await client.connection(1);
    const before = stats.accepted;
    first.close();
    const answers = await Promise.all(Array.from({ length: 100 }, () => client.send(1, MetadataApi, 4, metadataReq)));
    assert.is(answers.length, 100);
    assert.is(stats.accepted - before, 1, 'one replacement connection, shared by every caller');
    assert.is(await client.connection(1), await client.connection(1), 'the replacement is the pooled one');
  } finally {
    client.close();
    await until('every socket closed after close()', () => stats.open === 0);
    await server.close();
  }
});

test('close() closes connections that were still connecting, so nothing keeps the process alive', async () => {
  const { server, port, stats } = await metadataServer();
  const client = new KafkaClient({ bootstrap: [{ host: '127.0.0.1', port }] });
  await client.refreshMetadata();
  const connecting = [client.connection(1), client.connection(1)];
  client.close();
  for (const c of connecting) {
    await c.then(
      (conn) => assert.ok(conn.closed, 'a connection handed out after close() is closed'),
      (err: Error) => assert.match(err.message, 'closed'),
    );
  }
  await until('every socket closed', () => stats.open === 0);
  await client.connection(1).then(
    () => assert.unreachable('a closed client opens no connection'),
    (err: Error) => assert.match(err.message, 'client is closed'),
  );
  await server.close();
});

test('concurrent metadata refreshes of the same topics send one request', async () => {
  const { server, port, stats } = await metadataServer({ answerDelayMs: 50 });
  const client = new KafkaClient({ bootstrap: [{ host: '127.0.0.1', port }] });
  try {
    await client.refreshMetadata(['t']);
    const before = stats.metadataRequests;
    await Promise.all(Array.from({ length: 50 }, () => client.refreshMetadata(['t'])));
    assert.is(stats.metadataRequests - before, 1);
    await client.refreshMetadata(['t']);
    assert.is(stats.metadataRequests - before, 2, 'a refresh after the last one finished asks again');
  } finally {
    client.close();
    await server.close();
  }
});

test('Metadata has a connection of its own, so it never waits behind produces or fetches', async () => {
  const { server, port, stats } = await metadataServer();
  const client = new KafkaClient({ bootstrap: [{ host: '127.0.0.1', port }] });
  try {
    await client.refreshMetadata();
    const data = await client.connection(1);
    await client.refreshMetadata();
    assert.is.not(await client.connection(1, 'metadata'), data);
    assert.is(stats.accepted, 3, 'bootstrap, metadata and data connections');
  } finally {
    client.close();
    await server.close();
  }
});

test.run();
