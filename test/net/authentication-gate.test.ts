/**
 * The authentication gate of a FrameServer (AuthenticationPolicy, net/server-connection.ts), against a
 * real server on 127.0.0.1: before `authenticated()` only the allowed APIs are served, one at a time,
 * in small frames; an expired session (KIP-368) is gated again until the client authenticates anew;
 * with mutual TLS the client certificate's subject is the principal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Logger } from '../../src/common/logger.js';
import { FrameServer, type ClientInfo, type RequestHandler } from '../../src/net/server.js';
import { ensureClientCertificate, ensureLocalCertificates, readTlsFiles } from '../../src/security/tls-files.js';
import { finishFrame, startRequestFrame, startResponseFrame } from '../../src/protocol/framing.js';
import { sleep } from '../helpers/failover.js';
import { rawSocket } from '../helpers/wire.js';

const test = suite('FrameServer authentication gate');
const lines: string[] = [];
const logger: Logger = { info: (m) => lines.push(`INFO ${m}`), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`) };

const LOGIN = 1; // allowed before authentication: authenticates as User:alice after 100 ms (as PBKDF2 takes a while), for the session in the request's first byte (x100 ms)
const HELLO = 2; // allowed before authentication, answers after 200 ms
const DATA = 3; // needs authentication
const policy = { allowedBeforeAuthentication: new Set([LOGIN, HELLO]), maxFrameBytesBeforeAuthentication: 1024 };

const handled: { apiKey: number; principal: string | null }[] = [];
const handler: RequestHandler = async (header, body, client: ClientInfo) => {
  handled.push({ apiKey: header.apiKey, principal: client.principal });
  if (header.apiKey === LOGIN) await sleep(100);
  if (header.apiKey === LOGIN) client.authenticated('User:alice', body.remaining > 0 ? body.raw(1)[0]! * 100 : 0);
  if (header.apiKey === HELLO) await sleep(200);
  const w = startResponseFrame(header.correlationId);
  return finishFrame(w);
};

function request(apiKey: number, correlationId: number, body = Buffer.alloc(0)): Buffer {
  const w = startRequestFrame({ apiKey, apiVersion: 0, correlationId, clientId: 't' });
  w.raw(body);
  return finishFrame(w);
}

async function withServer(body: (port: number) => Promise<void>): Promise<void> {
  const server = new FrameServer({ host: '127.0.0.1', port: 0, authentication: policy, logger }, handler);
  const { port } = await server.listen();
  try {
    await body(port);
  } finally {
    await server.close();
  }
}

test.before.each(() => {
  lines.length = 0;
  handled.length = 0;
});

test('an API that needs authentication, sent first, is never handled: the connection closes with one WARN', () =>
  withServer(async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    s.socket.write(request(DATA, 1));
    assert.ok(await s.closedWithin(2000));
    assert.equal(handled, []);
    assert.ok(lines.some((l) => l.startsWith('WARN') && l.includes('ILLEGAL_SASL_STATE: sent before authenticating')), lines.join('\n'));
  }));

test('before authenticating, a frame larger than the limit closes the connection before it is read', () =>
  withServer(async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    s.socket.write(request(HELLO, 1, Buffer.alloc(2000)));
    assert.ok(await s.closedWithin(2000));
    assert.equal(handled, []);
    assert.ok(lines.some((l) => l.includes('before authenticating (at most 1024 allowed)')), lines.join('\n'));
  }));

test('before authenticating, requests are taken one at a time: a pipelined one waits for the answer before it', () =>
  withServer(async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    // HELLO is slow; LOGIN pipelined behind it; DATA behind that is served, as LOGIN ran before it was read.
    s.socket.write(Buffer.concat([request(HELLO, 1), request(LOGIN, 2), request(DATA, 3)]));
    for (const id of [1, 2, 3]) assert.is((await s.nextFrame(3000)).readInt32BE(0), id);
    assert.equal(handled, [
      { apiKey: HELLO, principal: null },
      { apiKey: LOGIN, principal: null },
      { apiKey: DATA, principal: 'User:alice' },
    ]);
    s.socket.destroy();
  }));

test('KIP-368: past the session lifetime only the authentication APIs pass, until the client logs in again', () =>
  withServer(async (port) => {
    const s = await rawSocket('127.0.0.1', port);
    s.socket.write(request(LOGIN, 1, Buffer.from([3]))); // a 300 ms session
    await s.nextFrame(2000);
    await sleep(400);
    s.socket.write(request(LOGIN, 2, Buffer.from([3])));
    await s.nextFrame(2000);
    s.socket.write(request(DATA, 3));
    assert.is((await s.nextFrame(2000)).readInt32BE(0), 3, 'served after logging in again');
    await sleep(400);
    s.socket.write(request(DATA, 4));
    assert.ok(await s.closedWithin(2000), 'expired: closed');
    assert.ok(lines.some((l) => l.includes('sent after the session of User:alice expired')), lines.join('\n'));
  }));

test('a listener without a policy serves everyone as User:ANONYMOUS', async () => {
  const server = new FrameServer({ host: '127.0.0.1', port: 0, logger }, handler);
  const { port } = await server.listen();
  try {
    const s = await rawSocket('127.0.0.1', port);
    s.socket.write(request(DATA, 1));
    await s.nextFrame(2000);
    assert.equal(handled, [{ apiKey: DATA, principal: 'User:ANONYMOUS' }]);
    s.socket.destroy();
  } finally {
    await server.close();
  }
});

test('mutual TLS: a client certificate the CA signed is its principal (Kafka\'s RFC 2253 name); none is refused at the handshake', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-mtls-'));
  try {
    const serverFiles = await ensureLocalCertificates(dir, ['127.0.0.1']);
    const alice = await ensureClientCertificate(dir, 'alice');
    const material = readTlsFiles(serverFiles);
    const server = new FrameServer({ host: '127.0.0.1', port: 0, tls: { ...material, requireClientCert: true }, logger }, handler);
    const { port } = await server.listen();
    try {
      const read = (f: string) => fs.readFileSync(f, 'utf8');
      // One DATA request over TLS: resolves 'served' on an answer, 'refused' if the connection ends first.
      const ask = (certs: { cert?: string; key?: string }) =>
        new Promise<string>((resolve) => {
          const socket = tls.connect({ host: '127.0.0.1', port, ca: material.ca, ...certs }, () => socket.write(request(DATA, 1)));
          socket.once('data', () => (socket.destroy(), resolve('served')));
          socket.once('error', () => resolve('refused'));
          socket.once('close', () => resolve('refused'));
        });
      assert.is(await ask({ cert: read(alice.certFile), key: read(alice.keyFile) }), 'served');
      assert.equal(handled.map((h) => h.principal), ['User:CN=alice']);
      assert.is(await ask({}), 'refused');
      assert.is(handled.length, 1);
      assert.ok(lines.some((l) => l.includes('TLS handshake failed') && !l.includes('\n')), lines.join('\n'));
    } finally {
      await server.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
