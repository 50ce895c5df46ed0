import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { firstClientId, ProxyNetwork, sourceOf } from '../../src/chaos/proxy-network.js';
import { finishFrame, startRequestFrame } from '../../src/protocol/framing.js';

const test = suite('chaos: the proxy network cuts links between processes, never clients');

/** A request frame (header v1) with this client id and a body of `body`. */
function frame(clientId: string, body: string): Buffer {
  const w = startRequestFrame({ apiKey: 12, apiVersion: 0, correlationId: 1, clientId });
  w.raw(Buffer.from(body));
  return finishFrame(w);
}

test('the source of a connection is read from the client id of its first request', () => {
  const f = frame('broker-2-watch', 'xyz');
  assert.is(firstClientId(f), 'broker-2-watch');
  for (let n = 0; n < 14 + 'broker-2-watch'.length; n++) assert.is(firstClientId(f.subarray(0, n)), undefined, `${n} bytes`);
  // Not a request header a proxy can read: a client's, carried as it is.
  const noId = Buffer.alloc(16);
  noId.writeInt32BE(12, 0);
  noId.writeInt16BE(-1, 12);
  assert.is(firstClientId(noId), null);
  const lying = Buffer.from(f);
  lying.writeInt32BE(4, 0);
  assert.is(firstClientId(lying), null);

  assert.is(sourceOf('broker-3'), 'broker-3');
  assert.is(sourceOf('broker-3-watch'), 'broker-3');
  assert.is(sourceOf('broker-3-groups'), 'broker-3');
  assert.is(sourceOf('replica-fetcher-12'), 'broker-12');
  for (const client of ['yak-chaos-producer', 'rdkafka', 'broker-x', 'broker-1-other', 'supervisor']) assert.is(sourceOf(client), null, client);
});

/** An echo server standing in for the coordinator. */
async function echoServer(): Promise<net.Server> {
  const server = net.createServer((s) => s.on('data', (d) => s.write(d)).on('error', () => undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

/** A connection through the proxy that reads everything it is sent back. */
async function open(port: number, clientId: string): Promise<{ socket: net.Socket; received: () => number; send: (body: string) => number }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let received = 0;
  socket.on('data', (d) => (received += d.length));
  return {
    socket,
    received: () => received,
    send: (body) => {
      const f = frame(clientId, body);
      socket.write(f);
      return f.length;
    },
  };
}

async function eventually(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('isolate holds a process\'s links both ways (and new ones), clients carry on, heal delivers what was held', async () => {
  const upstream = await echoServer();
  const network = new ProxyNetwork();
  try {
    const proxy = await network.add('zookeeper', '127.0.0.1', () => ({ host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port }));
    const broker = await open(proxy.port, 'broker-1');
    const client = await open(proxy.port, 'yak-chaos-producer');
    let sent = broker.send('before');
    await eventually('the broker\'s echo before the cut', () => broker.received() === sent);
    assert.is(network.connectionsFrom('broker-1'), 1);
    assert.is(network.connectionsFrom('yak-chaos-producer'), 0, 'clients are not processes');

    network.isolate('broker-1');
    sent += broker.send('during');
    const late = await open(proxy.port, 'broker-1-watch');
    const lateSent = late.send('new during the cut');
    const clientSent = client.send('client');
    await eventually('the client\'s echo during the cut', () => client.received() === clientSent);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(broker.received() < sent, 'nothing carried for the cut-off process');
    assert.is(late.received(), 0, 'a new connection of the cut-off process is accepted but not carried');
    assert.not.ok(broker.socket.destroyed || late.socket.destroyed, 'no reset: the links hang, as when packets are dropped');

    network.heal('broker-1');
    await eventually('what was held, delivered on heal', () => broker.received() === sent && late.received() === lateSent);
    broker.socket.destroy();
    late.socket.destroy();
    client.socket.destroy();
  } finally {
    await network.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
});

test('a process is cut off from the others only: a link between two others is not held', async () => {
  const upstream = await echoServer();
  const network = new ProxyNetwork();
  try {
    const proxy = await network.add('broker-2', '127.0.0.1', () => ({ host: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port }));
    network.isolate('broker-1');
    const fetcher = await open(proxy.port, 'replica-fetcher-3');
    const sent = fetcher.send('fetch');
    await eventually('broker-3 fetching from broker-2 while broker-1 is cut off', () => fetcher.received() === sent);
    network.isolate('broker-2');
    const held = fetcher.send('fetch again');
    await new Promise((r) => setTimeout(r, 200));
    assert.is(fetcher.received(), sent, 'held once its target is cut off');
    network.heal('broker-2');
    await eventually('carried again', () => fetcher.received() === sent + held);
    fetcher.socket.destroy();
  } finally {
    await network.close();
    await new Promise<void>((r) => upstream.close(() => r()));
  }
});

test.run();
