/**
 * A cluster's life from the CLI, with `yak up` as a real process: yak down from another shell, the
 * warning when yak up starts fewer brokers than its data dir knew, yak purge / yak up --fresh, and
 * Ctrl-C of a group member whose cluster is gone (bounded, with a message, exit 130); yak health,
 * status and down on a SASL_SSL cluster.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readClusterFile } from '../../src/client/cluster-file.js';
import { killYakProcesses, runYak, spawnYak, tempDir, type YakProcess } from '../helpers/cluster.js';

const root = tempDir('yak-cli-lifecycle-');
const dataDir = path.join(root, 'data');
const d = ['--data-dir', dataDir];

test.after(() => {
  killYakProcesses();
  fs.rmSync(root, { recursive: true, force: true });
});

async function up(brokers: number, extra: string[] = []): Promise<YakProcess> {
  const proc = spawnYak(['up', '--headless', '--brokers', String(brokers), '--session-timeout-ms', '2000', '--heartbeat-interval-ms', '250', ...d, ...extra]);
  await proc.waitFor(() => proc.stdout().includes('cluster ready'), 'the cluster to be ready', 30_000);
  return proc;
}

/** Waits for the process to exit by itself (it was told to stop some other way). */
function exited(proc: YakProcess, timeoutMs: number) {
  return Promise.race([proc.stop('SIGCONT'), new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
}

test('yak down stops the cluster from another shell, cleanly; again, it has nothing to stop', async () => {
  const cluster = await up(3);
  const down = await runYak(['down', ...d]);
  assert.is(down.code, 0, down.stderr);
  assert.match(down.stdout, /^stopped the cluster in .* \(supervisor pid \d+\)\n$/);
  const res = await exited(cluster, 15_000);
  assert.ok(res, 'yak up exited');
  assert.is(res!.code, 0, res!.stderr);
  assert.match(res!.stdout, 'cluster stopped');
  assert.is(readClusterFile(dataDir), null, 'cluster.json removed');
  const again = await runYak(['down', ...d]);
  assert.is(again.code, 0);
  assert.match(again.stdout, 'nothing to stop');
});

test('yak up --brokers 1 on a data dir that knew 3 warns, naming min.insync.replicas; purge refuses while it runs', async () => {
  const cluster = await up(1);
  await cluster.waitFor(() => cluster.stdout().includes('WARN'), 'the warning');
  assert.match(cluster.stdout(), /WARN \[yak\] .* holds the logs of broker-2, broker-3 too, and --brokers 1 does not start them: .*NOT_ENOUGH_REPLICAS.*min\.insync\.replicas.*Start with --brokers 3, or afresh with yak up --fresh/);
  const refused = await runYak(['purge', '--yes', ...d]);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, /a YaK cluster is running in .*: stop it first \(yak down/);
  assert.ok(fs.existsSync(path.join(dataDir, 'broker-1')), 'nothing removed');
  assert.is((await runYak(['down', ...d])).code, 0);
  assert.ok(await exited(cluster, 15_000));
});

test('yak purge asks (refused without a terminal and --yes), removes only what a cluster wrote; yak up --fresh starts empty', async () => {
  const asked = await runYak(['purge', ...d]);
  assert.is(asked.code, 2);
  assert.match(asked.stderr, 'add --yes to confirm');
  fs.writeFileSync(path.join(dataDir, 'notes.txt'), 'mine');
  // What a secured cluster leaves (yak up --security ...): the local CA with its key, the admin password.
  fs.mkdirSync(path.join(dataDir, 'tls'));
  fs.writeFileSync(path.join(dataDir, 'tls', 'ca-key.pem'), 'key');
  fs.writeFileSync(path.join(dataDir, 'admin.password'), 'password');
  const purged = await runYak(['purge', '--yes', ...d]);
  assert.is(purged.code, 0, purged.stderr);
  assert.equal(fs.readdirSync(dataDir), ['notes.txt'], "the user's own file stays; no secret does");
  assert.match((await runYak(['purge', '--yes', ...d])).stdout, 'nothing to purge');

  const cluster = await up(3);
  const produced = await runYak(['produce', '-t', 'gone', ...d], { input: 'a\n' });
  assert.is(produced.code, 0, produced.stderr);
  assert.is((await runYak(['down', ...d])).code, 0);
  assert.ok(await exited(cluster, 15_000));
  const fresh = await up(1, ['--fresh', '--yes']);
  assert.not.match(fresh.stdout(), 'WARN', 'fresh: no brokers 2 and 3 to warn about');
  const topics = await runYak(['topic', 'list', ...d]);
  assert.not.match(topics.stdout, 'gone');
  assert.is((await runYak(['down', ...d])).code, 0);
  assert.ok(await exited(fresh, 15_000));
});

test('Ctrl-C with the cluster gone: a group member and a producer with unanswered records say so and exit 130 within about 2 s', async () => {
  const cluster = await up(1);
  assert.is((await runYak(['produce', '-t', 'orphans', ...d], { input: 'x\n' })).code, 0);
  const member = spawnYak(['consume', '-t', 'orphans', '-g', 'g', '--from-beginning', ...d]);
  await member.waitForLine(/^group g generation \d+: assigned/, { timeoutMs: 20_000 });
  const producer = spawnYak(['produce', '-t', 'orphans', ...d], { keepStdinOpen: true });
  producer.write('before\n');
  await new Promise((r) => setTimeout(r, 1000)); // connected, its first record answered
  const file = readClusterFile(dataDir)!;
  for (const pid of [file.coordinator.pid, ...file.brokers.map((b) => b.pid)]) process.kill(pid, 'SIGKILL');
  await cluster.stop('SIGKILL');
  producer.write('after\n'); // never answered

  const interrupt = async (proc: YakProcess) => {
    const started = Date.now();
    const res = await proc.stop('SIGINT');
    return { ...res, tookMs: Date.now() - started };
  };
  const [left, stopped] = await Promise.all([interrupt(member), interrupt(producer)]);
  assert.is(left.code, 130, left.stderr);
  assert.ok(left.tookMs < 5000, `the member exited ${left.tookMs} ms after Ctrl-C (its grace is 2 s)`);
  assert.match(left.stderr, 'yak: leaving group g... (Ctrl-C again to quit now)');
  assert.match(left.stderr, /yak: (gave up leaving group g after 2000 ms|could not leave group g: )/);
  assert.is(stopped.code, 130, stopped.stderr);
  assert.ok(stopped.tookMs < 5000, `the producer exited ${stopped.tookMs} ms after Ctrl-C (without an answer for 2 s)`);
  assert.match(stopped.stderr, /yak: no answer for 2000 ms \(is the cluster running\?.*\); quitting\nacknowledged 1 of 2 record\(s\) to orphans/);
});

test('with --security sasl-tls: yak health, yak status and yak down work from another shell with no flags (the admin and CA from the data dir)', async () => {
  const secured = ['--data-dir', path.join(root, 'secured')];
  const cluster = spawnYak(['up', '--headless', '--brokers', '1', '--security', 'sasl-tls', ...secured]);
  await cluster.waitFor(() => cluster.stdout().includes('cluster ready'), 'the cluster to be ready', 30_000);
  const health = await runYak(['health', ...secured]);
  assert.is(health.code, 0, health.stderr);
  assert.match(health.stdout, 'healthy: 1 broker(s) alive');
  const status = await runYak(['status', '--json', ...secured]);
  assert.is(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { security: { protocol: string }; problems: string[] };
  assert.is(s.security.protocol, 'SASL_SSL');
  assert.equal(s.problems, []);
  const down = await runYak(['down', ...secured]);
  assert.is(down.code, 0, down.stderr);
  const res = await exited(cluster, 15_000);
  assert.ok(res, 'yak up exited');
  assert.is(res!.code, 0, res!.stderr);
  assert.match(res!.stdout, 'cluster stopped');
});

test.run();
