import net from 'node:net';
import type { TestCluster } from './cluster.js';
import { FrameDecoder } from '../../src/protocol/framing.js';

/**
 * TCP proxies in front of every broker of a cluster that hand each whole request frame to a recorder,
 * so a test (or the fuzzers' capture script) sees exactly what a real client sends. The proxies rewrite
 * the brokers' ports in every response (Metadata, FindCoordinator, DescribeCluster) to their own, so
 * clients keep talking through them after bootstrap.
 */

export interface RecordingProxies {
  /** host:port of every proxy, in broker order. */
  bootstrap: string[];
  close(): void;
}

/** A proxy to `targetPort`, reporting each whole request frame (size prefix included) to `record`. */
function startProxy(targetPort: number, record: (frame: Buffer) => void, rewrite: (frame: Buffer) => void): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    const relay = (from: net.Socket, to: net.Socket, onFrame: (frame: Buffer) => void) => {
      const frames = new FrameDecoder();
      from.on('data', (chunk) => {
        frames.push(chunk);
        for (let f = frames.next(); f; f = frames.next()) {
          const whole = Buffer.alloc(4 + f.length);
          whole.writeInt32BE(f.length, 0);
          f.copy(whole, 4);
          onFrame(whole);
          to.write(whole);
        }
      });
    };
    relay(client, upstream, record);
    relay(upstream, client, rewrite);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      }),
    ),
  );
}

/**
 * Replaces every `"127.0.0.1" + int32 port` of a broker with its proxy's port, for the string written
 * both ways Kafka writes one: int16 length (classic versions) and unsigned-varint length + 1 (flexible
 * versions). Same length, so sizes stay right.
 */
function portRewriter(ports: Map<number, number>): (frame: Buffer) => void {
  const hosts = [Buffer.from([0, 9]), Buffer.from([10])].map((len) => Buffer.concat([len, Buffer.from('127.0.0.1')]));
  return (frame) => {
    for (const host of hosts) {
      for (let i = frame.indexOf(host); i >= 0; i = frame.indexOf(host, i + 1)) {
        const at = i + host.length;
        if (at + 4 > frame.length) break;
        const proxied = ports.get(frame.readInt32BE(at));
        if (proxied !== undefined) frame.writeInt32BE(proxied, at);
      }
    }
  };
}

/** Starts one recording proxy per broker of `cluster`. */
export async function startRecordingProxies(cluster: TestCluster, record: (frame: Buffer) => void): Promise<RecordingProxies> {
  const ports = new Map<number, number>();
  const proxies: { port: number; close(): void }[] = [];
  const rewrite = portRewriter(ports);
  for (const b of cluster.file.brokers) {
    const p = await startProxy(b.port, record, rewrite);
    ports.set(b.port, p.port);
    proxies.push(p);
  }
  return {
    bootstrap: proxies.map((p) => `127.0.0.1:${p.port}`),
    close: () => proxies.forEach((p) => p.close()),
  };
}
