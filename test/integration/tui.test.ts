/**
 * `yak up --brokers 3` on a real terminal: tmux gives it a 120x40 pty, keys go in with send-keys and
 * the screen comes back with capture-pane. A person's session in miniature: type a record in the
 * produce pane and read it in the consume pane; kill broker-2 from another process and watch its
 * partitions move; restart it with `r`; quit with `q` and find no process left behind.
 * Every step waits for the screen to show its result (no fixed sleeps).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { YAK, runYak, spawnYak, tempDir } from '../helpers/cluster.js';
import { processesMentioning, waitFor } from '../helpers/failover.js';

const test = suite('tui: yak up in tmux');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

const SESSION = 'yak';
// Made only when the tests run: a skipped suite runs no hooks to remove it.
const dir = hasTmux ? tempDir('yak-tui-') : '';
// Its own tmux server, on a socket in the test's temp dir: parallel runs and a person's tmux never
// meet, and removing the dir leaves nothing behind.
const SOCKET = path.join(dir, 'tmux.sock');
const dataDirs: string[] = [];

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-S', SOCKET, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...names: string[]) => tmux('send-keys', '-t', SESSION, ...names);
const typeText = (text: string) => tmux('send-keys', '-t', SESSION, '-l', text);

/** Polls the screen until `check` finds what it wants; on a timeout the message carries the last screen. */
async function waitForScreen(what: string, check: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(what, () => {
      last = screen();
      return check(last) ? last : null;
    }, { timeoutMs, intervalMs: 100 });
  } catch {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${last}`);
  }
}

const shows = (what: string, re: RegExp, timeoutMs?: number) => waitForScreen(what, (s) => re.test(s), timeoutMs);

interface PartitionRow {
  partition: number;
  /** A broker id, or `none` while the partition is offline. */
  leader: string;
  epoch: number;
}

/** Partition rows of the topics pane. */
function partitionRows(text: string): PartitionRow[] {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith('TOPICS'));
  const to = lines.findIndex((l) => l.startsWith('PRODUCE'));
  return lines
    .slice(from + 1, to)
    .map((l) => /^[ ›]\S*\s+(\d+)\s+(\d+|none)\s+(\d+)\s+\d[\d,]*/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ partition: Number(m[1]), leader: m[2]!, epoch: Number(m[3]) }));
}

/** Three partitions on screen, none of them led by broker-2 or offline. */
const ledWithoutBroker2 = (text: string) => {
  const rows = partitionRows(text);
  return rows.length === 3 && rows.every((r) => r.leader !== '2' && r.leader !== 'none');
};

/**
 * Starts `yak up --brokers 3` in a fresh 120x40 tmux session. The pane runs a script that runs yak
 * and prints its exit status: neither the tmux server's nor the script's command line names the data
 * dir, so every process that does is the cluster's. The pane stays after the script ends, to read
 * yak's last words. The script clears CI and CONTINUOUS_INTEGRATION (a person's terminal has neither),
 * unless `ci` asks to keep CI=true.
 */
function launchYak(name: string, { ci = false } = {}): string {
  spawnSync('tmux', ['-S', SOCKET, 'kill-server']);
  const dataDir = path.join(dir, `data-${name}`);
  dataDirs.push(dataDir);
  const script = path.join(dir, `${name}.sh`);
  const env = ci ? 'export CI=true' : 'unset CI CONTINUOUS_INTEGRATION';
  fs.writeFileSync(script, `${env}\n${JSON.stringify(process.execPath)} ${JSON.stringify(YAK)} up --brokers 3 --data-dir ${JSON.stringify(dataDir)}\necho "yak exit status $?"\n`);
  const conf = path.join(dir, 'tmux.conf');
  fs.writeFileSync(conf, 'set -g remain-on-exit on\n');
  tmux('-f', conf, 'new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', `sh ${script}`);
  return dataDir;
}

/** `yak up` in its terminal UI, once the UI shows three brokers alive. */
async function startYak(name: string): Promise<string> {
  const dataDir = launchYak(name);
  await shows('the three brokers alive', /3\/3 alive[\s\S]*cluster ready/, 15_000);
  return dataDir;
}

/** After `q` or Ctrl-C: yak exits 0 with its goodbye on the normal screen, and none of its processes is left. */
async function assertStoppedCleanly(dataDir: string): Promise<void> {
  const last = await shows('yak gone, its goodbye on the normal screen', /yak: cluster in .* stopped\s+yak exit status \d+/, 15_000);
  assert.match(last, 'yak exit status 0');
  await waitFor(`no process mentioning ${dataDir}`, () => processesMentioning(dataDir).length === 0, { timeoutMs: 5000 }).catch(() => {
    assert.unreachable(`processes left behind: ${processesMentioning(dataDir).join(', ')}`);
  });
}

test.after(() => {
  if (!hasTmux) return;
  spawnSync('tmux', ['-S', SOCKET, 'kill-server']);
  for (const pid of dataDirs.flatMap(processesMentioning)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

if (!hasTmux) {
  test.skip('tmux is not installed: the terminal UI end-to-end test needs it (apt-get install tmux)', () => {});
} else {
  test('produce, consume, a kill from outside, r, q: all on screen, nothing left behind', async () => {
    const dataDir = await startYak('q');

    // No topic yet: `i` puts the cursor on the topic field; topic, ↓ ↓, value, Enter.
    keys('i');
    await shows('the cursor on the topic field', /^›topic/m);
    typeText('demo');
    await shows('the topic typed', /^›topic\s+demo/m);
    keys('Down', 'Down');
    await shows('the cursor on the value field', /^›value/m);
    typeText('hello');
    await shows('the value typed', /^›value\s+hello/m);
    keys('Enter');
    const sent = await shows('the record acknowledged and in the consume pane', /✓ partition (\d) offset 0 demo[\s\S]*/, 10_000);
    const partition = /✓ partition (\d) offset 0/.exec(sent)![1];
    await shows('hello in the consume pane', new RegExp(`│ p${partition} @0\\s+hello`));

    // A record from another process shows up too.
    const produced = await runYak(['produce', '--data-dir', dataDir, '--topic', 'demo', '-p', partition!], { input: 'from-outside\n' });
    assert.is(produced.code, 0, produced.stderr);
    await shows('the outside record in the consume pane', new RegExp(`│ p${partition} @1\\s+from-outside`));

    // Kill broker-2 from another process: dead on screen, its partitions led by others, the election logged.
    const before = partitionRows(screen());
    assert.is(before.length, 3, `three partitions of demo on screen:\n${screen()}`);
    assert.ok(before.some((r) => r.leader === '2'), 'leaders are spread: broker-2 leads one partition');
    const killed = await runYak(['kill', 'broker-2', '--data-dir', dataDir]);
    assert.is(killed.code, 0, killed.stderr);
    const afterKill = await waitForScreen('broker-2 dead and no partition led by it', (s) => /broker-2\s+-\s+\S+\s+dead\s+0\s/.test(s) && ledWithoutBroker2(s));
    assert.match(afterKill, /leader broker-2 -> broker-[13], epoch \d+/, 'the election in the event log');
    assert.match(afterKill, /broker-2 exited \(SIGKILL\)/);

    // Back to the brokers pane (a lone Esc first: Esc and a key together read as Alt+key), select broker-2, r.
    keys('Escape');
    await shows('the produce pane left', /Tab pane/);
    keys('BTab', 'Down');
    await shows('broker-2 selected', /^›broker-2/m);
    keys('r');
    await shows('broker-2 alive again', /^›broker-2\s+\d+\s+\S+\s+alive/m, 15_000);
    assert.match(screen(), /restarted broker-2/);

    // Once back in sync, broker-2 leads its preferred partition again; `k` kills it and the log shows the election.
    const led = partitionRows(await waitForScreen('broker-2 leading again', (s) => partitionRows(s).some((r) => r.leader === '2'), 15_000)).find((r) => r.leader === '2')!;
    keys('k');
    const election = new RegExp(`demo-${led.partition} leader broker-2 -> broker-[13], epoch ${led.epoch + 1}`);
    await waitForScreen(`the election of demo-${led.partition} (epoch ${led.epoch + 1}) in the event log`, (s) => election.test(s) && ledWithoutBroker2(s), 5000);

    keys('q');
    await assertStoppedCleanly(dataDir);
  });

  test('typing q in the produce pane types it; Ctrl-C there quits and stops the cluster', async () => {
    const dataDir = await startYak('ctrl-c');
    keys('i');
    await shows('the cursor on the topic field', /^›topic/m);
    typeText('qkpr?');
    await shows('the letters in the topic field, not taken as keys', /^›topic\s+qkpr\?/m);
    assert.match(screen(), /3\/3 alive/);
    keys('C-c');
    await assertStoppedCleanly(dataDir);
  });

  test('g shows a live consumer group with its member and lag; g again is back to TOPICS', async () => {
    const dataDir = await startYak('groups');
    const produced = await runYak(['produce', '--data-dir', dataDir, '--topic', 'ledger', '-p', '0'], { input: 'a\nb\nc\n' });
    assert.is(produced.code, 0, produced.stderr);
    const member = spawnYak(['consume', '--data-dir', dataDir, '--topic', 'ledger', '--group', 'billing', '--from-beginning', '--commit', 'auto', '--auto-commit-interval-ms', '200']);
    try {
      await member.waitFor(() => member.stdout().split('\n').filter(Boolean).length >= 3, 'the three records');
      keys('g');
      await shows('the group, Stable, with one member and no lag', /^›billing\s+Stable\s+1 member, 3 parts\s+0\s*$/m, 15_000);
      await shows('its partitions, read by the member', /ledger-0\s+yak-consume \S+\s+3\s+3\s+0/, 10_000);
      keys('g');
      await shows('TOPICS again', /^TOPICS/m);
    } finally {
      await member.stop();
    }
    keys('q');
    await assertStoppedCleanly(dataDir);
  });

  test('under CI, even on a terminal, yak up logs lines (Ink would draw nothing until exit)', async () => {
    const dataDir = launchYak('ci', { ci: true });
    const ready = await shows('the ready line of the line log', /\[yak\] cluster ready in \d+ ms: 3 broker\(s\)/, 15_000);
    assert.not.match(ready, /3\/3 alive/, 'no terminal UI');
    // Ctrl-C reaches the pane's whole process group, the script's shell too: yak's last line is the proof.
    keys('C-c');
    await shows('the line log ending', /\[yak\] cluster stopped/, 15_000);
    await waitFor(`no process mentioning ${dataDir}`, () => processesMentioning(dataDir).length === 0, { timeoutMs: 5000 });
  });
}

test.run();
