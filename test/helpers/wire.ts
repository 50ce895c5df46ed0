import { spawn } from 'node:child_process';
import net from 'node:net';
import { Connection } from '../../src/net/connection.js';
import { FetchApi } from '../../src/protocol/apis/fetch.js';
import { ListOffsetsApi } from '../../src/protocol/apis/list-offsets.js';
import { MetadataApi, type MetadataResponse } from '../../src/protocol/apis/metadata.js';
import { decodeRecordBatches, type DecodedRecord } from '../../src/protocol/record-batch.js';
import type { TestCluster } from './cluster.js';

/** Shared helpers for the integration tests that talk to brokers directly or run other Kafka tools. */

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs any program to completion, feeding `input`; kills it (SIGKILL) and rejects after `timeoutMs`. */
export function runProcess(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs ?? 20_000} ms; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** A broker of the cluster by id, as cluster.json lists it. */
export function brokerById(cluster: TestCluster, id: number): { id: number; host: string; port: number; pid: number } {
  const b = cluster.file.brokers.find((x) => x.id === id);
  if (!b) throw new Error(`no broker ${id} in cluster.json`);
  return b;
}

export async function connectBroker(cluster: TestCluster, id: number): Promise<Connection> {
  const b = brokerById(cluster, id);
  return Connection.connect(b.host, b.port, { clientId: 'yak-test', requestTimeoutMs: 10_000 });
}

/** Metadata v4 for `topics` (no auto-creation) from broker `via`. */
export async function metadata(conn: Connection, topics: string[] | null): Promise<MetadataResponse> {
  return conn.request(MetadataApi, 4, { topics: topics?.map((name) => ({ name })) ?? null, allowAutoTopicCreation: false });
}

/** The leader id of every partition of `topic`, by partition index. */
export async function leaders(conn: Connection, topic: string): Promise<Map<number, number>> {
  const md = await metadata(conn, [topic]);
  const t = md.topics.find((x) => x.name === topic);
  if (!t || t.errorCode !== 0) throw new Error(`topic ${topic}: error ${t?.errorCode}`);
  return new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId]));
}

/** ListOffsets latest (-1) or earliest (-2) on the partition's leader. */
export async function listOffset(conn: Connection, topic: string, partition: number, timestamp = -1): Promise<{ errorCode: number; offset: number }> {
  const res = await conn.request(ListOffsetsApi, 2, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp }] }] });
  const p = res.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offset: p.offset ?? -1 };
}

type DecodedBatch = ReturnType<typeof decodeRecordBatches>[number];

/** Every batch of one partition from offset 0, read with Fetch v11 from its leader. */
export async function fetchBatches(conn: Connection, topic: string, partition: number): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = [];
  let offset = 0;
  for (;;) {
    const res = await conn.request(FetchApi, 11, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 10 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 10 * 1024 * 1024 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const p = res.responses[0]!.partitions[0]!;
    if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset}: error ${p.errorCode}`);
    const batches = decodeRecordBatches(p.records ?? Buffer.alloc(0)).filter((b) => b.header.baseOffset + b.header.lastOffsetDelta >= offset);
    if (batches.length === 0) return out;
    out.push(...batches);
    const last = batches[batches.length - 1]!.header;
    offset = last.baseOffset + last.lastOffsetDelta + 1;
    if (offset >= p.highWatermark) return out;
  }
}

/** Every record of one partition from offset 0, read with Fetch v11 from its leader. */
export async function fetchAll(conn: Connection, topic: string, partition: number): Promise<DecodedRecord[]> {
  return (await fetchBatches(conn, topic, partition)).flatMap((b) => b.records);
}

export function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve(true);
    const timer = setTimeout(() => {
      cleanup();
      resolve(false);
    }, ms);
    const done = () => {
      cleanup();
      resolve(true);
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('close', done);
      socket.off('end', done);
    };
    socket.on('close', done);
    socket.on('end', done);
  });
}

export interface RawSocket {
  socket: net.Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** The next whole response frame (size prefix stripped); rejects if the socket closes first or after `ms`. */
  nextFrame(ms?: number): Promise<Buffer>;
  /** True once the peer closed the connection within `ms`, false if it is still open then. */
  closedWithin(ms: number): Promise<boolean>;
}

/** A raw TCP connection to a broker, for bytes that Connection would never send. */
export function rawSocket(host: string, port: number): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let consumed = 0;
    let waiter: (() => void) | null = null;
    const socket = net.connect({ host, port });
    const poke = () => waiter?.();
    socket.on('data', (d) => {
      chunks.push(d);
      poke();
    });
    socket.on('close', poke);
    socket.on('error', () => undefined); // a reset by the broker shows up as close
    const received = () => Buffer.concat(chunks);
    const tryFrame = (): Buffer | null => {
      const all = received().subarray(consumed);
      if (all.length < 4) return null;
      const size = all.readInt32BE(0);
      if (all.length < 4 + size) return null;
      consumed += 4 + size;
      return all.subarray(4, 4 + size);
    };
    const nextFrame = (ms = 5000) =>
      new Promise<Buffer>((res, rej) => {
        const timer = setTimeout(() => {
          waiter = null;
          rej(new Error(`no response frame within ${ms} ms`));
        }, ms);
        const check = () => {
          const f = tryFrame();
          if (f) {
            clearTimeout(timer);
            waiter = null;
            res(f);
          } else if (socket.destroyed) {
            clearTimeout(timer);
            waiter = null;
            rej(new Error('connection closed before a whole response frame arrived'));
          }
        };
        waiter = check;
        check();
      });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({ socket, received, nextFrame, closedWithin: (ms) => closedWithin(socket, ms) });
    });
    socket.once('error', reject);
  });
}
