/**
 * `yak ... --help` for every command, and mistyped commands and flags: no word broken across lines
 * at any width, every option described, examples for the main commands, "did you mean" for typos.
 * Runs the bundle (no cluster).
 */
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { YAK } from '../helpers/cluster.js';

const COMMANDS = [
  [], ['up'], ['produce'], ['consume'], ['status'], ['health'], ['down'], ['purge'], ['kill'], ['pause'], ['resume'], ['restart'],
  ['topic'], ['topic', 'create'], ['topic', 'list'], ['topic', 'describe'], ['topic', 'alter'], ['topic', 'trim'], ['topic', 'move'], ['topic', 'elect-leaders'], ['topic', 'delete'],
  ['group'], ['group', 'list'], ['group', 'describe'], ['group', 'reset-offsets'], ['group', 'delete'],
  ['user'], ['user', 'create'], ['user', 'passwd'], ['user', 'list'], ['user', 'delete'], ['acl'], ['acl', 'add'], ['acl', 'list'], ['acl', 'remove'],
  ['mirror'], ['bench', 'produce'], ['bench', 'consume'], ['bench', 'e2e'], ['chaos'], ['zookeeper'], ['broker'], ['completion'],
];
const WITH_EXAMPLES = ['up', 'produce', 'consume', 'status', 'health', 'down', 'purge', 'kill', 'restart', 'topic create', 'topic describe', 'topic trim', 'group describe', 'group reset-offsets', 'mirror', 'bench produce', 'bench consume', 'chaos'];

function yak(args: string[], columns: number, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [YAK, ...args], { env: { ...process.env, COLUMNS: String(columns), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // 'close', not 'exit': under load the last of stdout can come after the process exited.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The words of a help text, sorted: two columns that both wrap interleave their lines, but a word
// broken in two is two other words. (Split before a [type] tag too: cliui right-aligns it flush
// against a description that fills its column.)
const words = (text: string) => text.split(/\s+|(?=\[)/).filter(Boolean).sort();

/** Every command's --help at 80 and at 110 columns, run once for the tests below. */
const helps = new Map<string, Promise<[Awaited<ReturnType<typeof yak>>, Awaited<ReturnType<typeof yak>>]>>();
const helpOf = (cmd: string[]) => helps.get(cmd.join(' '))!;
// Four at a time: each is a node process loading the bundle.
const lanes = Array.from({ length: 4 }, () => Promise.resolve<unknown>(undefined));
COMMANDS.forEach((cmd, i) => {
  const run = lanes[i % 4]!.then(() => Promise.all([yak([...cmd, '--help'], 80), yak([...cmd, '--help'], 110)]));
  lanes[i % 4] = run;
  helps.set(cmd.join(' '), run);
});

test('--help wraps at word boundaries: the same words at 80 and at 110 columns', async () => {
  for (const cmd of COMMANDS) {
    const [narrow, wide] = await helpOf(cmd);
    assert.is(narrow.code, 0, `yak ${cmd.join(' ')} --help: ${narrow.stderr}`);
    assert.equal(words(narrow.stdout), words(wide.stdout), `yak ${cmd.join(' ')} --help breaks a word at 80 columns`);
    assert.ok(narrow.stdout.split('\n').every((l) => l.length <= 80 || !l.includes(' ')), `yak ${cmd.join(' ')} --help: a line wider than 80 columns`);
  }
});

test('--help describes every option, and the main commands show examples', async () => {
  for (const cmd of COMMANDS) {
    const { stdout } = (await helpOf(cmd))[1];
    // An option line: the flag(s), then its description before the [type] tags.
    const undescribed = stdout.split('\n').filter((l) => /^\s+(-\w, )?--[\w-]+\s/.test(l) && /^\s+(-\w, )?--[\w-]+\s+\[/.test(l));
    assert.equal(undescribed, [], `yak ${cmd.join(' ')} --help: options without a description`);
    if (WITH_EXAMPLES.includes(cmd.join(' '))) assert.match(stdout, /\nExamples:\n {2}\S/, `yak ${cmd.join(' ')} --help has examples`);
  }
});

test('bench consume --help lists the options it reads, not the producer\'s, and creates nothing', async () => {
  const { stdout } = (await helpOf(['bench', 'consume']))[1];
  assert.not.match(stdout, 'created if missing');
  for (const producerOnly of ['--record-size', '--acks', '--batch-bytes', '--linger-ms', '--compression', '--partitions']) assert.not.match(stdout, producerOnly);
  assert.match(stdout, '--records');
});

test('bench produce and e2e default to acks=all, as yak produce and kafka-producer-perf-test (the producer default since Kafka 3.0)', async () => {
  for (const cmd of [['produce'], ['bench', 'produce'], ['bench', 'e2e']]) {
    const { stdout } = (await helpOf(cmd))[1];
    assert.match(stdout.replace(/\s+/g, ' '), /--acks Acknowledgement level \[string\] \[choices: "0", "1", "all", "-1"\] \[default: "all"\]/, `yak ${cmd.join(' ')} --help`);
  }
});

test('a mistyped flag is named, with the flag meant, before a missing required one', async () => {
  const res = await yak(['consume', '--topci', 'demo'], 100);
  assert.is(res.code, 2);
  assert.is(res.stderr, "yak: unknown option --topci (did you mean --topic?)\nRun 'yak --help' for usage.\n");
  const flag = await yak(['topic', 'describe', '--jsno'], 100);
  assert.match(flag.stderr, /unknown option --jsno \(did you mean --json\?\)/);
  const missing = await yak(['consume'], 100);
  assert.match(missing.stderr, /Missing required argument: topic/, 'a truly missing option still says so');
});

test('an option that takes one value, given twice, is a usage error (it ran with neither: a list); repeatable ones repeat', async () => {
  const twice = await yak(['consume', '-t', 'demo', '--idle-timeout-ms', '100', '--idle-timeout-ms', '200'], 100);
  assert.is(twice.code, 2);
  assert.match(twice.stderr, /^yak: --idle-timeout-ms takes one value, given 2\n/);
  const repeated = await yak(['produce', '-t', 'demo', '-H', 'a=1', '-H', 'b=2', '--data-dir', '/nonexistent/yak'], 100);
  assert.match(repeated.stderr, 'no YaK cluster is running', 'got past the command line');
  const startAndStop = await yak(['consume', '-t', 'demo', '-o', '-10', '-o', 'e@1000', '--data-dir', '/nonexistent/yak'], 100);
  assert.match(startAndStop.stderr, 'no YaK cluster is running', 'a start and a stop: -o twice');
});

test('a mistyped command gets "did you mean"', async () => {
  const top = await yak(['consum', '-t', 'demo'], 100);
  assert.is(top.code, 2);
  assert.match(top.stderr, /^yak: unknown command "consum": did you mean consume\?/);
  const sub = await yak(['group', 'lsit'], 100);
  assert.match(sub.stderr, /unknown command "lsit": did you mean list\?/);
});

test('yak completion prints a bash/zsh script; the completions it asks for follow the command line', async () => {
  const script = await yak(['completion'], 100);
  assert.is(script.code, 0, script.stderr);
  assert.match(script.stdout, 'yak --get-yargs-completions');
  const commands = await yak(['--get-yargs-completions', 'yak', 'con'], 100);
  assert.ok(commands.stdout.split('\n').includes('consume'), commands.stdout);
  const flags = await yak(['--get-yargs-completions', 'yak', 'consume', '--fr'], 100);
  assert.ok(flags.stdout.split('\n').includes('--from-beginning'), flags.stdout);
});

test('YAK_DATA_DIR and YAK_BOOTSTRAP stand for --data-dir and --bootstrap', async () => {
  const dir = await yak(['status'], 100, { YAK_DATA_DIR: '/nonexistent/yak-env-dir' });
  assert.is(dir.code, 1);
  assert.match(dir.stderr, 'no YaK cluster is running in /nonexistent/yak-env-dir');
  const flagWins = await yak(['status', '--data-dir', '/nonexistent/flag-dir'], 100, { YAK_DATA_DIR: '/nonexistent/yak-env-dir' });
  assert.match(flagWins.stderr, 'no YaK cluster is running in /nonexistent/flag-dir');
  const bootstrap = await yak(['topic', 'list'], 100, { YAK_BOOTSTRAP: '127.0.0.1:1' });
  assert.is(bootstrap.code, 1);
  assert.match(bootstrap.stderr, 'cannot connect to 127.0.0.1:1');
});

test.run();
