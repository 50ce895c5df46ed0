/**
 * What replica fetchers and YaK's consumer send on a 3-broker cluster with one 1000-partition topic
 * (RF 3): request bytes per Fetch (idle; YaK's consumer of every partition, idle; followers while
 * 50 partitions take acks=all writes), and the OffsetForLeaderEpoch requests while a restarted
 * broker gets back into every ISR. A TCP proxy stands in front of each process (the supervisor's
 * `links`, as yak chaos uses them) and reads each request's header: API key and client id.
 *
 *   npm run build && node --import tsx test/bench/fetch-request-bytes.ts [path/to/dist/yak.js]
 *
 * Not part of npm test (it takes about a minute and measures, asserting nothing).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Admin } from '../../src/client/admin.js';
import { Consumer } from '../../src/client/consumer.js';
import { KafkaClient, sleep } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer.js';
import { FrameDecoder } from '../../src/protocol/framing.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { YAK } from '../helpers/cluster.js';

const TOPIC = 'wide';
const entry = process.argv[2] ?? YAK;
const counts = new Map<string, { n: number; bytes: number }>();

/** Counts a request of the replica fetchers or of this script's consumer. */
function count(clientId: string, apiKey: number, bytes: number): void {
  const who = clientId.startsWith('replica-fetcher') ? 'followers' : clientId === 'bench-consumer' ? 'consumer' : null;
  if (who === null || (apiKey !== 1 && apiKey !== 23)) return;
  const k = `${who} ${apiKey === 1 ? 'Fetch' : 'OffsetForLeaderEpoch'}`;
  const c = counts.get(k) ?? { n: 0, bytes: 0 };
  c.n++;
  c.bytes += bytes;
  counts.set(k, c);
}

/** A proxy to process `name`, wherever it listens now; returns its port. */
async function proxy(name: string, upstream: () => { host: string; port: number } | null): Promise<number> {
  const server = net.createServer((client) => {
    const to = upstream();
    if (!to) return client.destroy();
    const up = net.connect(to);
    const frames = new FrameDecoder();
    client.on('data', (chunk) => {
      frames.push(chunk);
      for (let f = frames.next(); f; f = frames.next()) {
        const idLength = f.readInt16BE(8);
        count(idLength > 0 ? f.subarray(10, 10 + idLength).toString() : '', f.readInt16BE(0), f.length + 4);
        const whole = Buffer.alloc(4 + f.length);
        whole.writeInt32BE(f.length, 0);
        f.copy(whole, 4);
        up.write(whole);
      }
    });
    up.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  server.unref();
  return (server.address() as net.AddressInfo).port;
}

/** Prints what was counted since `since` (a copy of `counts`). */
function report(label: string, since: Map<string, { n: number; bytes: number }>): void {
  const lines = [...counts].map(([k, v]) => {
    const n = v.n - (since.get(k)?.n ?? 0);
    const bytes = v.bytes - (since.get(k)?.bytes ?? 0);
    return `${k}: ${n} requests, ${bytes} bytes, ${n ? Math.round(bytes / n) : 0} bytes/request`;
  });
  console.log(`${label}\n  ${lines.filter((l) => !l.includes(': 0 requests')).join('\n  ') || 'nothing'}`);
}
const snapshot = () => new Map([...counts].map(([k, v]) => [k, { ...v }]));

const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yak-bench-')), 'data');
let supervisor: Supervisor | undefined;
const where = (name: string) => () => supervisor?.address(name) ?? null;
const coordinatorPort = await proxy('zookeeper', where('zookeeper'));
const ports = new Map<number, number>();
for (let id = 1; id <= 3; id++) ports.set(id, await proxy(`broker-${id}`, where(`broker-${id}`)));
supervisor = new Supervisor({
  brokers: 3,
  dataDir,
  host: '127.0.0.1',
  entry,
  execArgv: [],
  heartbeatIntervalMs: 250,
  sessionTimeoutMs: 6000,
  coordinatorArgs: ['--group-initial-rebalance-delay-ms', '0'],
  links: { coordinator: `127.0.0.1:${coordinatorPort}`, advertisedPort: (id) => ports.get(id)! },
  logger: { info: () => {}, warn: () => {}, error: (m) => console.error(m) },
  onChildLine: () => {},
});
const bootstrapOf = (file: { bootstrap: string }) => file.bootstrap.split(',').map((a) => ({ host: a.split(':')[0]!, port: Number(a.split(':')[1]) }));
try {
  const file = await supervisor.start();
  const client = new KafkaClient({ bootstrap: bootstrapOf(file), clientId: 'bench' });
  await new Admin(client).createTopic(TOPIC, 1000, 3);
  await sleep(8000);
  let since = snapshot();
  await sleep(10_000);
  report('idle, 10 s:', since);

  const consumerClient = new KafkaClient({ bootstrap: bootstrapOf(file), clientId: 'bench-consumer' });
  const consumer = new Consumer(consumerClient, { topic: TOPIC, start: 'earliest' });
  await consumer.start();
  await sleep(3000);
  since = snapshot();
  await sleep(10_000);
  report("YaK's consumer of all 1000 partitions, idle, 10 s:", since);
  consumer.close();
  consumerClient.close();

  await client.refreshMetadata([TOPIC]);
  const producer = new Producer(client, { acks: -1 });
  since = snapshot();
  const until = Date.now() + 10_000;
  let sent = 0;
  while (Date.now() < until) {
    await Promise.all(Array.from({ length: 50 }, (_, partition) => producer.sendAsync(TOPIC, { partition, key: null, value: Buffer.from('x') })));
    sent += 50;
  }
  report(`50 partitions taking acks=all writes, 10 s (${sent} records):`, since);
  await producer.close();

  since = snapshot();
  const restartedAt = Date.now();
  await supervisor.handleControl('restart', 'broker-2');
  for (;;) {
    const t = (await client.refreshMetadata([TOPIC]).catch(() => null))?.topics.find((x) => x.name === TOPIC);
    if (t && t.partitions.every((p) => p.isrNodes.includes(2))) break;
    await sleep(50);
  }
  report(`broker-2 restarted, back in every ISR after ${Date.now() - restartedAt} ms:`, since);
  client.close();
} finally {
  await supervisor.stop();
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
}
