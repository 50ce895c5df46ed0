/**
 * The operator verbs (`yak kill|pause|resume|restart`) and topic creation, misused against a running
 * 3-broker cluster (found through --data-dir) and with no cluster at all: each fails with exit code 1
 * and one clear line saying what is wrong and what would be right, never a stack trace, and leaves
 * the cluster as it was. The valid uses in between show the verbs do what they say.
 */
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, startCluster, tempDir, type RunResult, type TestCluster } from '../helpers/cluster.js';
import {
  brokerState,
  coordinatorMetadata,
  destroyAndCheck,
  waitExited,
  waitFor,
  yakStatus,
} from '../helpers/failover.js';

const test = suite('failover: operator verbs refuse bad input clearly');
let cluster: TestCluster;

test.before(async () => {
  cluster = await startCluster({ brokers: 3, sessionTimeoutMs: 2000 });
});

test.after(async () => {
  await destroyAndCheck(cluster);
});

function yak(...args: string[]): Promise<RunResult> {
  return runYak([...args, '--data-dir', cluster.dataDir]);
}

/** Exit code 1, one `yak: ...` line on stderr matching `message`, no stack trace anywhere, nothing on stdout. */
function assertRefused(res: RunResult, message: RegExp): void {
  const all = res.stdout + res.stderr;
  assert.is(res.code, 1, `exit code; stderr: ${res.stderr}`);
  assert.not.match(all, /^\s+at /m, 'no stack trace');
  assert.not.match(all, 'internal error');
  assert.is(res.stdout, '');
  const lines = res.stderr.trim().split('\n');
  assert.is(lines.length, 1, `one line: ${res.stderr}`);
  assert.match(lines[0]!, /^yak: /);
  assert.match(lines[0]!, message);
}

function assertDone(res: RunResult, message: RegExp): void {
  assert.is(res.code, 0, res.stderr);
  assert.not.match(res.stdout + res.stderr, /^\s+at /m);
  assert.match(res.stdout, message);
}

/** Every process of the cluster is running and registered, as at the start. */
async function assertAllAlive(): Promise<void> {
  const status = await waitFor('every broker alive in yak status', async () => {
    const s = await yakStatus(runYak, cluster.dataDir);
    return s.brokers.length === 3 && s.brokers.every((b) => b.state === 'alive') ? s : null;
  });
  assert.equal(status.brokers.map((b) => b.id), [1, 2, 3]);
}

test('yak kill broker-9 on a 3-broker cluster names the processes it has', async () => {
  const res = await yak('kill', 'broker-9');
  assertRefused(res, /no process named "broker-9"/);
  for (const name of ['zookeeper', 'broker-1', 'broker-2', 'broker-3']) assert.match(res.stderr, name);
  for (const bad of ['broker-0', 'broker-x', 'kafka', 'broker-']) assertRefused(await yak('pause', bad), new RegExp(`no process named "${bad}".*broker-3`));
  await assertAllAlive();
});

test('yak restart broker-1 while it runs stops it cleanly and starts it again, as systemctl restart does', async () => {
  const before = (await yakStatus(runYak, cluster.dataDir)).brokers.find((b) => b.id === 1)!.pid;
  const res = await yak('restart', 'broker-1');
  assertDone(res, new RegExp(`restarted broker-1 \\(stopped pid ${before}, pid \\d+, 127\\.0\\.0\\.1:\\d+\\) in \\d+ ms`));
  await assertAllAlive();
  assert.is.not((await yakStatus(runYak, cluster.dataDir)).brokers.find((b) => b.id === 1)!.pid, before, 'a new process');
});

test('yak restart broker-1 while zookeeper is down is refused before anything stops: a broker registers with it first', async () => {
  assertDone(await yak('kill', 'zookeeper'), /killed zookeeper/);
  try {
    assertRefused(await yak('restart', 'broker-1'), /broker-1 cannot start while zookeeper is down: a broker registers with it first \(yak restart zookeeper\)/);
    const s = await yakStatus(runYak, cluster.dataDir);
    assert.is(s.brokers.find((b) => b.id === 1)!.state, 'alive', 'broker-1 untouched');
  } finally {
    assertDone(await yak('restart', 'zookeeper'), /restarted zookeeper/);
  }
  await assertAllAlive();
});

test('yak resume broker-1 when it is not paused says so', async () => {
  assertRefused(await yak('resume', 'broker-1'), /broker-1 is not paused/);
  await assertAllAlive();
});

test('pause twice and resume twice: the second of each is refused; the broker serves again after resume', async () => {
  assertDone(await yak('pause', 'broker-2'), /paused broker-2 \(pid \d+, SIGSTOP\)/);
  assertRefused(await yak('pause', 'broker-2'), /broker-2 is already paused \(yak resume broker-2\)/);
  const paused = await yakStatus(runYak, cluster.dataDir);
  assert.is(paused.brokers.find((b) => b.id === 2)!.state, 'paused');
  assertDone(await yak('resume', 'broker-2'), /resumed broker-2/);
  assertRefused(await yak('resume', 'broker-2'), /broker-2 is not paused/);
  await assertAllAlive();
});

test('kill twice, resume or pause a dead broker: refused; restart brings it back', async () => {
  assertDone(await yak('kill', 'broker-3'), /killed broker-3 \(pid \d+, SIGKILL\)/);
  await waitFor('broker-3 dead for the coordinator', async () => brokerState(await coordinatorMetadata(cluster), 3) === 'dead');
  assertRefused(await yak('kill', 'broker-3'), /broker-3 is not running/);
  assertRefused(await yak('resume', 'broker-3'), /broker-3 is not paused/);
  assertRefused(await yak('pause', 'broker-3'), /broker-3 is dead, not running/);
  assertDone(await yak('restart', 'broker-3'), /restarted broker-3/);
  await assertAllAlive();
});

test('restart right after kill through the control endpoint is accepted: once kill answers, the process is gone', async () => {
  const killed = await cluster.supervisor.handleControl('kill', 'broker-1');
  assert.match(killed.message, /killed broker-1 \(pid (\d+), SIGKILL\)/);
  const restarted = await cluster.supervisor.handleControl('restart', 'broker-1').catch((err: Error) => ({ message: `refused: ${err.message}` }));
  if (restarted.message.startsWith('refused')) {
    // Leave the cluster whole for the next tests before failing.
    await waitExited(cluster, 'broker-1');
    await cluster.supervisor.handleControl('restart', 'broker-1');
  }
  assert.match(restarted.message, /^restarted broker-1/, `kill said "${killed.message}", then restart was ${restarted.message}`);
  await assertAllAlive();
});

test('yak topic create with --replication-factor 4 on 3 brokers: INVALID_REPLICATION_FACTOR, nothing created', async () => {
  const res = await yak('topic', 'create', 'x', '--replication-factor', '4');
  assertRefused(res, /INVALID_REPLICATION_FACTOR.*3 live broker/);
  const md = await coordinatorMetadata(cluster);
  assert.not.ok(md.topics.some((t) => t.name === 'x'), 'no topic x');
  assertRefused(await yak('topic', 'create', 'x', '--replication-factor', '0'), /INVALID_REPLICATION_FACTOR/);
  assertRefused(await yak('topic', 'create', 'x', '--replication-factor', '3', '--config', 'min.insync.replicas=4'), /INVALID_CONFIG.*min.insync.replicas/);
});

test('a verb with no name is a usage error (exit 2) pointing to --help', async () => {
  const res = await yak('kill');
  assert.is(res.code, 2, res.stderr);
  assert.not.match(res.stdout + res.stderr, /^\s+at /m);
  assert.match(res.stderr, /^yak: /);
  assert.match(res.stderr, 'yak --help');
});

test('yak kill broker-1 with no cluster running says none is running and how to start one', async () => {
  const empty = tempDir('yak-test-no-cluster-');
  try {
    for (const verb of ['kill', 'pause', 'resume', 'restart']) {
      const res = await runYak([verb, 'broker-1', '--data-dir', empty]);
      assertRefused(res, /no YaK cluster is running in .*: start one with `npx yak up --brokers 3`/);
    }
    assert.is(fs.existsSync(`${empty}/cluster.json`), false, 'nothing written');
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test.run();
