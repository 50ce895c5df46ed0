/**
 * `yak zookeeper` and `yak broker` run by hand, as on separate hosts: a broker listening on every
 * interface advertises the address it is told to, and clients (yak, kcat) use that address.
 */
import { execFileSync, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { killYakProcesses, runYak, spawnYak, tempDir, YAK, type YakProcess } from '../helpers/cluster.js';

const test = suite('processes run by hand: yak zookeeper and yak broker --host 0.0.0.0 --advertised-host');
let dir: string;
let zookeeper: YakProcess;
let broker: YakProcess;
let bootstrap: string;

const output = (p: YakProcess) => p.stdout() + p.stderr();
const secretFile = () => path.join(dir, 'zk', 'cluster.secret');

test.before(() => {
  dir = tempDir('yak-by-hand-');
});

test.after(() => {
  killYakProcesses();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a broker on 0.0.0.0 registers with the advertised address and serves it', async () => {
  zookeeper = spawnYak(['zookeeper', '--port', '0', '--data-dir', path.join(dir, 'zk')]);
  await zookeeper.waitFor(() => /coordinator listening on 127\.0\.0\.1:\d+/.test(output(zookeeper)), 'the coordinator address');
  const coordinator = /coordinator listening on (127\.0\.0\.1:\d+)/.exec(output(zookeeper))![1]!;
  // Run by hand with no secret, it creates one in its data dir and says where (never what).
  assert.match(output(zookeeper), `cluster secret created in ${secretFile()}`);
  assert.is(fs.statSync(secretFile()).mode & 0o777, 0o600);
  assert.not.match(output(zookeeper), fs.readFileSync(secretFile(), 'utf8').trim());

  broker = spawnYak(['broker', '--id', '1', '--host', '0.0.0.0', '--advertised-host', '127.0.0.1', '--port', '0', '--coordinator', coordinator, '--data-dir', path.join(dir, 'b1'), '--secret-file', secretFile()]);
  await broker.waitFor(() => /advertised as 127\.0\.0\.1:\d+/.test(output(broker)), 'the advertised address');
  assert.match(output(broker), /serving Kafka on 0\.0\.0\.0:(\d+) \(advertised as 127\.0\.0\.1:\1\)/);
  bootstrap = /advertised as (127\.0\.0\.1:\d+)/.exec(output(broker))![1]!;

  const listing = execFileSync('kcat', ['-b', bootstrap, '-L', '-m', '5'], { encoding: 'utf8' });
  assert.match(listing, `broker 1 at ${bootstrap}`);
});

test('records go through the advertised address and survive a broker restart by hand', async () => {
  const produced = await runYak(['produce', '--topic', 'by-hand', '--bootstrap', bootstrap], { input: 'one\ntwo\n' });
  assert.is(produced.code, 0, produced.stderr);
  const stopped = await broker.stop('SIGTERM');
  assert.is(stopped.code, 0, `broker stops cleanly on SIGTERM: ${stopped.stderr}`);

  const coordinator = /coordinator listening on (127\.0\.0\.1:\d+)/.exec(output(zookeeper))![1]!;
  const port = bootstrap.split(':')[1]!;
  // This time the secret comes from the environment, as yak up hands it to its brokers.
  broker = spawnYak(['broker', '--id', '1', '--host', '0.0.0.0', '--advertised-host', '127.0.0.1', '--port', port, '--coordinator', coordinator, '--data-dir', path.join(dir, 'b1')], {
    env: { YAK_CLUSTER_SECRET: fs.readFileSync(secretFile(), 'utf8') },
  });
  await broker.waitFor(() => /advertised as/.test(output(broker)), 'the restarted broker');
  const read = await runYak(['consume', '--topic', 'by-hand', '--bootstrap', bootstrap, '--from-beginning', '--max-messages', '2', '--idle-timeout-ms', '5000']);
  assert.equal(read.stdout.trim().split('\n').sort(), ['one', 'two']);
  assert.is((await broker.stop('SIGTERM')).code, 0);
});

test('a broker without the cluster secret, or with the wrong one, is told what to do and registers nothing; one secret file given to both is one cluster', async () => {
  const coordinator = /coordinator listening on (127\.0\.0\.1:\d+)/.exec(output(zookeeper))![1]!;
  const brokerArgs = ['broker', '--id', '2', '--port', '0', '--coordinator', coordinator, '--data-dir', path.join(dir, 'b2')];
  const none = await runYak(brokerArgs);
  assert.is(none.code, 2, none.stderr);
  assert.match(none.stderr, /yak broker needs the cluster secret: pass --secret-file .*cluster\.secret.* or set YAK_CLUSTER_SECRET/);

  const missing = await runYak([...brokerArgs, '--secret-file', path.join(dir, 'nowhere', 'cluster.secret')]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, `yak: cannot read the cluster secret at ${path.join(dir, 'nowhere', 'cluster.secret')}: no such file`);

  const wrong = path.join(dir, 'wrong.secret');
  fs.writeFileSync(wrong, 'a'.repeat(64) + '\n');
  const refused = await runYak([...brokerArgs, '--secret-file', wrong]);
  assert.is(refused.code, 1);
  assert.match(refused.stderr, `CLUSTER_AUTHORIZATION_FAILED: ${coordinator} refused the cluster secret from ${wrong}`);
  assert.not.match(refused.stderr, /\n\s+at /, 'no stack trace');
  assert.match(output(zookeeper), /WARN \[zookeeper\] refused connection from 127\.0\.0\.1:\d+: its proof does not match the cluster secret/);
  assert.not.match(output(zookeeper), 'broker-2 registered');
  assert.is((await zookeeper.stop('SIGTERM')).code, 0);

  // The same file, given to both with --secret-file (as on several hosts), is one cluster.
  const zk2 = spawnYak(['zookeeper', '--port', '0', '--data-dir', path.join(dir, 'zk2'), '--secret-file', wrong]);
  await zk2.waitFor(() => /coordinator listening on 127\.0\.0\.1:\d+/.test(output(zk2)), 'the second coordinator');
  assert.not.ok(fs.existsSync(path.join(dir, 'zk2', 'cluster.secret')), 'no secret of its own when given one');
  const zk2Address = /coordinator listening on (127\.0\.0\.1:\d+)/.exec(output(zk2))![1]!;
  const b2 = spawnYak(['broker', '--id', '3', '--port', '0', '--coordinator', zk2Address, '--data-dir', path.join(dir, 'b3'), '--secret-file', wrong]);
  await b2.waitFor(() => /broker-3 serving Kafka on (127\.0\.0\.1:\d+)/.test(output(b2)), 'the broker to register and serve');
  assert.match(output(zk2), /broker-3 registered at 127\.0\.0\.1:\d+/);
  const served = await runYak(['status', '--bootstrap', /serving Kafka on (127\.0\.0\.1:\d+)/.exec(output(b2))![1]!]);
  assert.is(served.code, 0, served.stderr);
  assert.is((await b2.stop('SIGTERM')).code, 0);
  assert.is((await zk2.stop('SIGTERM')).code, 0);
});

test('a broker still waiting for its coordinator exits when its supervisor goes away, rather than wait on as an orphan', async () => {
  // Forked with an IPC channel, as the supervisor forks it; nothing listens at the coordinator address.
  const child = fork(YAK, ['broker', '--id', '7', '--port', '0', '--coordinator', '127.0.0.1:1', '--data-dir', path.join(dir, 'orphan')], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, YAK_CLUSTER_SECRET: 'x'.repeat(64) },
  });
  try {
    await new Promise((r) => setTimeout(r, 1000)); // registering, retrying
    assert.is(child.exitCode, null, 'still waiting for the coordinator');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.disconnect(); // what a supervisor's exit does to the channel
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 5000))]);
    assert.is(code, 1, 'exited on its own');
  } finally {
    child.kill('SIGKILL');
  }
});

test('a broker whose supervisor went away before it had even loaded exits too (the disconnect came before it listened)', async () => {
  const child = fork(YAK, ['broker', '--id', '8', '--port', '0', '--coordinator', '127.0.0.1:1', '--data-dir', path.join(dir, 'orphan-early')], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, YAK_CLUSTER_SECRET: 'x'.repeat(64) },
  });
  try {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.disconnect(); // at once: the child is still parsing the bundle
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('still running'), 10_000))]);
    assert.is(code, 1, 'exited on its own');
  } finally {
    child.kill('SIGKILL');
  }
});

test.run();
