/**
 * Cluster membership is authenticated: a local process without the cluster secret can neither
 * re-point brokers through the coordinator's port nor kill them through the supervisor's control
 * endpoint (whose port is in cluster.json). It gets CLUSTER_AUTHORIZATION_FAILED, the server logs one
 * WARN line naming its address, and nothing changes. The cluster's files are its owner's only.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterSecretPath, ClusterSecret } from '../../src/common/cluster-secret.js';
import { ErrorCode } from '../../src/common/errors.js';
import { isProcessAlive, readClusterFile } from '../../src/client/cluster-file.js';
import { connectToCluster } from '../../src/net/cluster-auth.js';
import type { ApiCodec } from '../../src/protocol/api.js';
import { FrameDecoder, finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { Reader } from '../../src/protocol/reader.js';
import { runYak, startCluster, tempDir, YAK, type TestCluster } from '../helpers/cluster.js';
import { coordinatorMetadata, destroyAndCheck, sleep, waitFor } from '../helpers/failover.js';

const test = suite('cluster auth: strangers are refused at the coordinator and the control endpoint');
let cluster: TestCluster;
/** A listener standing in for the stranger's own "broker": nothing may ever be sent its way. */
let decoy: net.Server;
let decoyConnections = 0;

test.before(async () => {
  // A data dir left by an older yak, readable by everyone: fixed when the cluster starts in it.
  const dataDir = path.join(tempDir('yak-auth-'), 'data');
  fs.mkdirSync(dataDir, { mode: 0o755 });
  fs.chmodSync(dataDir, 0o755);
  fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'old\n', { mode: 0o644 });
  fs.chmodSync(path.join(dataDir, 'notes.txt'), 0o644);
  cluster = await startCluster({ brokers: 3, dataDir });
  decoy = net.createServer((s) => {
    decoyConnections++;
    s.destroy();
  });
  await new Promise<void>((r) => decoy.listen(0, '127.0.0.1', r));
});

test.after(async () => {
  decoy?.close();
  await destroyAndCheck(cluster);
});

interface StrangerAnswer<Res> {
  response: Res | null;
  /** The stranger's own address, as the server sees it. */
  localAddress: string;
  closedByServer: boolean;
}

/** One well-formed request on a raw socket, with no handshake: what a stranger's script would send. */
async function strangerRequest<Req, Res>(port: number, api: ApiCodec<Req, Res>, req: Req): Promise<StrangerAnswer<Res>> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined); // a server that closes on us may reset the connection
  await new Promise((r) => socket.once('connect', r));
  const localAddress = `127.0.0.1:${socket.localPort}`;
  const w = startRequestFrame({ apiKey: api.apiKey, apiVersion: 0, correlationId: 7, clientId: 'stranger' });
  api.encodeRequest(w, req, 0);
  socket.write(finishFrame(w));
  const decoder = new FrameDecoder();
  let response: Res | null = null;
  socket.on('data', (chunk) => {
    decoder.push(chunk);
    for (const frame of decoder.drain()) {
      const r = new Reader(frame);
      assert.is(r.int32(), 7, 'correlation id');
      response = api.decodeResponse(r, 0);
    }
  });
  const closedByServer = await Promise.race([new Promise<boolean>((r) => socket.once('close', () => r(true))), sleep(5000).then(() => false)]);
  socket.destroy();
  return { response, localAddress, closedByServer };
}

function supervisorAndChildLog(): string {
  return cluster.log.join('\n');
}

function registeredPorts(md: { brokers: { id: number; port: number }[] }): Map<number, number> {
  return new Map(md.brokers.map((b) => [b.id, b.port]));
}

test("a stranger's RegisterBroker without a proof is refused, logged with its address, and re-points nothing", async () => {
  const before = registeredPorts(await coordinatorMetadata(cluster));
  const decoyPort = (decoy.address() as net.AddressInfo).port;
  const stolen = { brokerId: 1, host: '127.0.0.1', port: decoyPort, pid: process.pid };
  const answer = await strangerRequest(cluster.file.coordinator.port, InternalApi.RegisterBroker, stolen);

  const res = answer.response as { errorCode: number; errorMessage?: string } | null;
  assert.is(res?.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, JSON.stringify(res));
  assert.match(res?.errorMessage ?? '', 'this port serves members of the YaK cluster only: RegisterBroker before proving the cluster secret');
  assert.ok(answer.closedByServer, 'the server closes the connection');
  await waitFor('the WARN line', () => supervisorAndChildLog().includes(`WARN [zookeeper] refused connection from ${answer.localAddress}: RegisterBroker before proving the cluster secret`));

  const after = await coordinatorMetadata(cluster);
  assert.equal(registeredPorts(after), before, 'every broker still at its own port');
  assert.equal(after.brokers.map((b) => b.state), ['alive', 'alive', 'alive']);
  for (const b of cluster.file.brokers) assert.is(registeredPorts(after).get(b.id), b.port);
  await sleep(500);
  assert.is(decoyConnections, 0, "no client or follower was sent to the stranger's listener");
});

test('a wrong proof is refused, and nothing it sends afterwards is served', async () => {
  const wrong = ClusterSecret.parse('0'.repeat(64), 'a guessed secret');
  const c = cluster.file.coordinator;
  const err = await connectToCluster(c.host, c.port, wrong, { clientId: 'stranger' }).then(
    () => null,
    (e: Error & { code?: number }) => e,
  );
  assert.is(err?.code, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, String(err));
  assert.match(err!.message, `${c.host}:${c.port} refused the cluster secret from a guessed secret`);
  await waitFor('the WARN line', () => /WARN \[zookeeper\] refused connection from 127\.0\.0\.1:\d+: its proof does not match the cluster secret/.test(supervisorAndChildLog()));
  assert.not.match(supervisorAndChildLog(), /[0-9a-f]{64}/, 'no secret in any log line');
});

test('a frame too large to be a handshake closes the connection before it is buffered', async () => {
  const socket = net.connect({ host: '127.0.0.1', port: cluster.file.coordinator.port });
  socket.on('error', () => undefined); // reset by the server: expected
  await new Promise((r) => socket.once('connect', r));
  const head = Buffer.alloc(4);
  head.writeInt32BE(99 * 1024 * 1024);
  socket.write(head);
  socket.write(Buffer.alloc(64 * 1024));
  const closed = await Promise.race([new Promise<boolean>((r) => socket.once('close', () => r(true))), sleep(5000).then(() => false)]);
  socket.destroy();
  assert.ok(closed, 'closed at once');
  assert.match(supervisorAndChildLog(), /refused connection from 127\.0\.0\.1:\d+: sent a frame larger than the 512 bytes allowed before proving the cluster secret/);
});

test("a stranger's kill broker-1 at the control endpoint is refused and broker-1 lives on", async () => {
  const control = cluster.file.control!;
  const broker1 = cluster.file.brokers.find((b) => b.id === 1)!;
  const answer = await strangerRequest(control.port, InternalApi.Control, { action: 'kill', target: 'broker-1' });
  const res = answer.response as unknown as { errorCode: number; errorMessage?: string } | null;
  assert.is(res?.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, JSON.stringify(res));
  assert.ok(answer.closedByServer);
  assert.match(supervisorAndChildLog(), `yak: WARN refused connection from ${answer.localAddress}: Control before proving the cluster secret`);
  await sleep(500);
  assert.ok(isProcessAlive(broker1.pid), 'broker-1 still runs');
  assert.is(readClusterFile(cluster.dataDir)!.brokers.find((b) => b.id === 1)!.state, 'alive');
});

test('a cluster.secret that is not the cluster\'s makes yak kill fail clearly and changes nothing', async () => {
  const file = clusterSecretPath(cluster.dataDir);
  const real = fs.readFileSync(file);
  fs.writeFileSync(file, 'f'.repeat(64) + '\n');
  try {
    const res = await runYak(['kill', 'broker-2', '--data-dir', cluster.dataDir]);
    assert.is(res.code, 1, res.stderr);
    assert.match(res.stderr, `yak: CLUSTER_AUTHORIZATION_FAILED: ${cluster.file.control!.host}:${cluster.file.control!.port} refused the cluster secret from ${file}`);
    assert.not.match(res.stderr, /^\s+at /m, 'no stack trace');
  } finally {
    fs.writeFileSync(file, real);
  }
  assert.ok(isProcessAlive(cluster.file.brokers.find((b) => b.id === 2)!.pid), 'broker-2 still runs');
  const status = await runYak(['status', '--json', '--data-dir', cluster.dataDir]);
  assert.is(status.code, 0, status.stderr);
});

test('the data dir and everything in it are the owner\'s only (0700 dirs, 0600 files), an old lax dir included', () => {
  const mode = (p: string) => (fs.statSync(path.join(cluster.dataDir, p)).mode & 0o777).toString(8);
  assert.is(mode('.'), '700');
  assert.is(mode('notes.txt'), '600', 'a file of the old dir fixed on start');
  for (const f of ['cluster.json', 'cluster.secret']) assert.is(mode(f), '600', f);
  for (const d of ['coordinator', 'broker-1', 'broker-2', 'broker-3']) {
    assert.is(mode(d), '700', d);
    for (const f of fs.readdirSync(path.join(cluster.dataDir, d))) assert.is(mode(path.join(d, f)), '600', `${d}/${f}`);
  }
  assert.ok(fs.existsSync(path.join(cluster.dataDir, 'broker-1', 'log.db-wal')), 'the WAL is among the files checked');
});

/** Runs yak as the unprivileged user `nobody` (the test runs as root in CI; skipped otherwise). */
function asNobody(args: string[]): { code: number; stderr: string } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, YAK, ...args], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number; stderr: string };
    return { code: e.status, stderr: e.stderr };
  }
}

test('another local user is told to run as the user who started the cluster', () => {
  const denied = asNobody(['kill', 'broker-1', '--data-dir', cluster.dataDir]);
  if (!denied) {
    console.log('  (skipped: needs root to run yak as another user)');
    return;
  }
  assert.is(denied.code, 1, denied.stderr);
  assert.match(denied.stderr, 'cluster.json cannot be read');
  assert.match(denied.stderr, 'run as the user who started the cluster');
  // With cluster.json readable (say, copied elsewhere by its owner) the secret still is not.
  const dirs = [path.dirname(cluster.dataDir), cluster.dataDir];
  for (const d of dirs) fs.chmodSync(d, 0o711);
  fs.chmodSync(path.join(cluster.dataDir, 'cluster.json'), 0o644);
  try {
    const noSecret = asNobody(['kill', 'broker-1', '--data-dir', cluster.dataDir])!;
    assert.is(noSecret.code, 1, noSecret.stderr);
    assert.match(noSecret.stderr, `yak: cannot read the cluster secret at ${clusterSecretPath(cluster.dataDir)}: run as the user who started the cluster`);
  } finally {
    for (const d of dirs) fs.chmodSync(d, 0o700);
    fs.chmodSync(path.join(cluster.dataDir, 'cluster.json'), 0o600);
  }
  assert.ok(isProcessAlive(cluster.file.brokers.find((b) => b.id === 1)!.pid), 'broker-1 still runs');
});

test.run();
