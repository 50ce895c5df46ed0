/**
 * The cluster handshake (net/cluster-auth.ts) against a real FrameServer on 127.0.0.1: members are
 * served, and every way around the proof (replay, pipelining, an impostor server) is refused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterSecret, clusterSecretPath } from '../../src/common/cluster-secret.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { Logger } from '../../src/common/logger.js';
import { clusterMembersOnly, connectToCluster } from '../../src/net/cluster-auth.js';
import { Connection } from '../../src/net/connection.js';
import { FrameServer } from '../../src/net/server.js';
import type { ApiCodec } from '../../src/protocol/api.js';
import { FrameDecoder, finishFrame, startRequestFrame, startResponseFrame } from '../../src/protocol/framing.js';
import { InternalApi, type ClusterAuthenticateResponse, type ClusterHandshakeResponse } from '../../src/protocol/internal-api.js';
import { Reader } from '../../src/protocol/reader.js';
import { tempDir } from '../helpers/cluster.js';

const test = suite('cluster auth: the handshake');
const secret = ClusterSecret.parse(randomBytes(32).toString('hex'), 'the test secret');
const warnings: string[] = [];
const logger: Logger = { info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
let server: FrameServer;
let port: number;
let served = 0;

test.before(async () => {
  server = new FrameServer({ host: '127.0.0.1', port: 0, gate: clusterMembersOnly(secret, logger), logger }, (header) => {
    served++;
    const w = startResponseFrame(header.correlationId);
    InternalApi.Heartbeat.encodeResponse(w, { errorCode: ErrorCode.NONE, metadataVersion: 42 }, 0);
    return finishFrame(w);
  });
  port = (await server.listen()).port;
});

test.after(() => server.close());

function frame<Req>(api: ApiCodec<Req, unknown>, req: Req, correlationId: number): Buffer {
  const w = startRequestFrame({ apiKey: api.apiKey, apiVersion: 0, correlationId, clientId: 'raw' });
  api.encodeRequest(w, req, 0);
  return finishFrame(w);
}

/** A raw socket whose responses arrive decoded as JSON bodies, in order; `closed` once the server hangs up. */
async function rawClient() {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  const decoder = new FrameDecoder();
  const answers: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk) => {
    decoder.push(chunk);
    for (const f of decoder.drain()) {
      const r = new Reader(f);
      r.int32();
      answers.push(InternalApi.ClusterAuthenticate.decodeResponse(r, 0) as unknown as Record<string, unknown>);
      waiters.splice(0).forEach((w) => w());
    }
  });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return {
    socket,
    closed,
    async answer(n: number): Promise<Record<string, unknown>> {
      while (answers.length < n) await new Promise<void>((r) => waiters.push(r));
      return answers[n - 1]!;
    },
  };
}

test('a member is served once it has proven the secret, and it checks the server knows it too', async () => {
  const conn = await connectToCluster('127.0.0.1', port, secret, { clientId: 'member' });
  try {
    const res = await conn.request(InternalApi.Heartbeat, 0, { brokerId: 1, brokerEpoch: 1 });
    assert.is(res.metadataVersion, 42);
  } finally {
    conn.close();
  }
});

test('a recorded proof is useless on another connection: each covers a fresh server nonce', async () => {
  const clientNonce = randomBytes(32);
  const first = await rawClient();
  first.socket.write(frame(InternalApi.ClusterHandshake, { clientNonce }, 1));
  const nonce1 = (await first.answer(1)).serverNonce as Buffer;
  const proof = secret.proof('client', nonce1, clientNonce);
  first.socket.destroy();

  const second = await rawClient();
  second.socket.write(frame(InternalApi.ClusterHandshake, { clientNonce }, 1));
  const nonce2 = (await second.answer(1)).serverNonce as Buffer;
  assert.not.equal(nonce2, nonce1, 'a new nonce per connection');
  second.socket.write(frame(InternalApi.ClusterAuthenticate, { proof }, 2));
  assert.is((await second.answer(2)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  await second.closed;
  assert.match(warnings.at(-1)!, /^refused connection from 127\.0\.0\.1:\d+: its proof does not match the cluster secret$/);
});

test('requests pipelined behind an unanswered handshake are refused, not served', async () => {
  const before = served;
  const c = await rawClient();
  c.socket.write(Buffer.concat([frame(InternalApi.ClusterHandshake, { clientNonce: randomBytes(32) }, 1), frame(InternalApi.Heartbeat, { brokerId: 1, brokerEpoch: 1 }, 2)]));
  assert.is((await c.answer(1)).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  await c.closed;
  assert.match(warnings.at(-1)!, 'sent requests before its handshake was answered');
  assert.is(served, before, 'nothing reached the handler');
});

test('a server that does not prove the secret is not trusted: a broker talks to no impostor', async () => {
  const impostor = new FrameServer({ host: '127.0.0.1', port: 0, logger }, (header) => {
    const w = startResponseFrame(header.correlationId);
    // Answers both handshake steps "fine", with a nonce and a made-up proof.
    const answer: ClusterHandshakeResponse & ClusterAuthenticateResponse = { errorCode: ErrorCode.NONE, serverNonce: randomBytes(32), proof: randomBytes(32) };
    InternalApi.ClusterAuthenticate.encodeResponse(w, answer, 0);
    return finishFrame(w);
  });
  const addr = await impostor.listen();
  try {
    const err = await connectToCluster(addr.host, addr.port, secret).then(
      () => null,
      (e: Error & { code?: number }) => e,
    );
    assert.is(err?.code, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    assert.match(err!.message, `${addr.host}:${addr.port} did not prove it knows the cluster secret`);
  } finally {
    await impostor.close();
  }
});

test('a Kafka client at the coordinator port gets a clear refusal, not a hang', async () => {
  const conn = await Connection.connect('127.0.0.1', port);
  const res = (await conn.request(InternalApi.Heartbeat, 0, { brokerId: 1, brokerEpoch: 1 })) as unknown as { errorCode: number; errorMessage: string };
  assert.is(res.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  assert.match(res.errorMessage, 'Heartbeat before proving the cluster secret');
  conn.close();
});

test('the secret file is created once (0600) and reused; the secret never prints', () => {
  const dir = tempDir('yak-secret-');
  try {
    const a = ClusterSecret.createOrLoad(dir);
    const b = ClusterSecret.createOrLoad(dir);
    assert.ok(a.created);
    assert.not.ok(b.created);
    const text = fs.readFileSync(clusterSecretPath(dir), 'utf8').trim();
    assert.match(text, /^[0-9a-f]{64}$/);
    assert.is(fs.statSync(clusterSecretPath(dir)).mode & 0o777, 0o600);
    const nonce = randomBytes(32);
    assert.equal(a.secret.proof('client', nonce, nonce), b.secret.proof('client', nonce, nonce), 'the same secret on the next start');
    for (const shown of [String(a.secret), JSON.stringify({ s: a.secret }), inspect(a.secret), `${a.secret}`]) assert.not.match(shown, text);
    assert.throws(() => ClusterSecret.parse('short', 'x'), /does not hold a cluster secret/);
    fs.writeFileSync(path.join(dir, 'empty'), '');
    assert.throws(() => ClusterSecret.fromFile(path.join(dir, 'empty')), /empty does not hold a cluster secret/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
