/**
 * The record-level CLI against a real 3-broker cluster: yak produce -k/-H/--file/--json and yak
 * consume -f, --print-headers, --json, cross-checked with kcat; offsets by position and by time; group
 * reset-offsets (dry run, --execute, --to-datetime, --shift-by, --all-topics); the figures of yak
 * topic describe; yak status / yak health exit codes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runYak, startCluster, tempDir, YAK, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/failover.js';
import { runProcess } from '../helpers/wire.js';

const test = suite('CLI records: formats, headers, offsets by time, reset-offsets, describe figures, health');
let cluster: TestCluster;
let b: string[];

const KCAT = '/usr/bin/kcat';
/** The records of topic `times`: partition 0 has timestamps T0..T0+9, partition 1 T0..T0+4. */
const T0 = Date.now() - 3_600_000;

const yak = (args: string[], input?: string) => runYak([...args, ...b], { input });
const kcat = (args: string[], input?: string) => runProcess(KCAT, ['-b', cluster.bootstrap, ...args], { input, timeoutMs: 20_000 });
const lines = (text: string) => text.split('\n').filter(Boolean);
/** Reads `n` records of `topic` with yak consume (or fewer, if it has been quiet for 5 s). */
const consume = (topic: string, n: number, args: string[]) => yak(['consume', '-t', topic, '-n', String(n), '--idle-timeout-ms', '5000', ...args]);

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  b = ['--bootstrap', cluster.bootstrap];
  assert.is((await yak(['topic', 'create', 'times', '-p', '2'])).code, 0);
  const records = [
    ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, timestamp: T0 + i, value: `p0-${i}` })),
    ...Array.from({ length: 5 }, (_, i) => ({ partition: 1, timestamp: T0 + i, value: `p1-${i}` })),
  ];
  const produced = await yak(['produce', '-t', 'times', '--json'], records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.is(produced.code, 0, produced.stderr);
});
test.after(async () => {
  await cluster?.destroy();
});

test('yak produce -k -H: kcat sees the key and the headers; kcat -H records: yak consume -f prints what kcat -f prints', async () => {
  const produced = await yak(['produce', '-t', 'hdr', '-p', '0', '-k', 'K', '-H', 'a=1', '-H', 'b=x=y'], 'v1\nv2\n');
  assert.is(produced.code, 0, produced.stderr);
  const seen = await kcat(['-C', '-t', 'hdr', '-e', '-q', '-f', '%k|%s|%h\n']);
  assert.is(seen.stdout, 'K|v1|a=1,b=x=y\nK|v2|a=1,b=x=y\n', seen.stderr);

  const fromKcat = await kcat(['-P', '-t', 'hdr', '-p', '1', '-K', ':', '-H', 'c=3', '-H', 'd=four'], 'kk:vv\n:empty-key\n');
  assert.is(fromKcat.code, 0, fromKcat.stderr);
  const format = '%t %p %o [%k] %K [%s] %S %T %h\\n';
  const byKcat = await kcat(['-C', '-t', 'hdr', '-p', '1', '-e', '-q', '-f', format.replace('\\n', '\n')]);
  const byYak = await consume('hdr', 2, ['-p', '1', '--from-beginning', '-f', format]);
  assert.is(byYak.code, 0, byYak.stderr);
  assert.is(byYak.stdout, byKcat.stdout, 'the same text, byte for byte');
  assert.match(byYak.stdout, /^hdr 1 0 \[kk\] 2 \[vv\] 2 \d+ c=3,d=four\n/);

  const printed = await consume('hdr', 1, ['-p', '0', '--from-beginning', '--print-headers', '--print-key']);
  assert.is(printed.stdout, 'a=1,b=x=y\tK\tv1\n');
});

test('--json round-trips keys, values and headers (base64 for any bytes); consume --json feeds produce --json', async () => {
  const binary = Buffer.from([0xff, 0x00, 0x80, 0x0a]).toString('base64');
  const input = [
    { key: Buffer.from('k1').toString('base64'), value: binary, headers: [{ key: 'h', value: binary }, { key: 'h', value: null }], partition: 0 },
    { key: null, value: null, headers: {}, partition: 0 },
  ];
  const produced = await yak(['produce', '-t', 'json', '--json', '--json-encoding', 'base64'], input.map((r) => JSON.stringify(r)).join('\n') + '\n');
  assert.is(produced.code, 0, produced.stderr);
  const out = await consume('json', 2, ['--from-beginning', '--json', '--json-encoding', 'base64']);
  const records = lines(out.stdout).map((l) => JSON.parse(l));
  assert.equal(records.map((r) => [r.topic, r.partition, r.offset, r.key, r.value, r.headers]), [
    ['json', 0, 0, Buffer.from('k1').toString('base64'), binary, [{ key: 'h', value: binary }, { key: 'h', value: null }]],
    ['json', 0, 1, null, null, []],
  ]);
  const copied = await yak(['produce', '-t', 'json-copy', '--json', '--json-encoding', 'base64'], out.stdout);
  assert.is(copied.code, 0, copied.stderr);
  const copy = lines((await consume('json-copy', 2, ['--from-beginning', '--json', '--json-encoding', 'base64'])).stdout).map((l) => JSON.parse(l));
  assert.equal(copy.map((r) => [r.partition, r.offset, r.timestamp, r.key, r.value, r.headers]), records.map((r) => [r.partition, r.offset, r.timestamp, r.key, r.value, r.headers]));

  const bad = await yak(['produce', '-t', 'json', '--json'], '{"value":"ok"}\n{"vaule":"typo"}\n');
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /yak: line 2: unknown field\(s\) "vaule".*; 1 record\(s\) before it were sent/);
  assert.match(bad.stderr, /acknowledged 1 of 1 record\(s\) to json/);
  const noSuchPartition = await yak(['produce', '-t', 'json-bad', '--json'], '{"value":"ok","partition":1}\n{"value":"x","partition":9}\n');
  assert.is(noSuchPartition.code, 1);
  assert.match(noSuchPartition.stderr, /acknowledged 1 of 1 record\(s\) to json-bad \(partition 1: 1\)/, 'the line before it is sent and acknowledged');
  assert.match(noSuchPartition.stderr, /yak: line 2: UNKNOWN_TOPIC_OR_PARTITION: topic "json-bad" has no partition 9; 1 record\(s\) before it were sent/);
});

test('yak produce --file reads the lines of a file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'in.txt');
  fs.writeFileSync(file, 'a\nb\nc\n');
  try {
    const res = await yak(['produce', '-t', 'from-file', '--file', file]);
    assert.is(res.code, 0, res.stderr);
    assert.equal(lines((await consume('from-file', 3, ['--from-beginning'])).stdout).sort(), ['a', 'b', 'c']);
    const missing = await yak(['produce', '-t', 'from-file', '--file', path.join(dir, 'none')]);
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /--file .*none: cannot read it \(ENOENT\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('yak produce --summary json: one object on stdout (with --json input lines too), offsets per partition, also when a line is malformed', async () => {
  assert.is((await yak(['topic', 'create', 'summary', '-p', '2'])).code, 0);
  const input = ['{"value":"a","partition":0}', '{"value":"b","partition":1}', '{"value":"c","partition":1}'].join('\n') + '\n';
  const res = await yak(['produce', '-t', 'summary', '--json', '--summary', 'json'], input);
  assert.is(res.code, 0, res.stderr);
  assert.equal(JSON.parse(res.stdout), {
    topic: 'summary', acks: 'all', sent: 3, acknowledged: 3, failed: 0, unanswered: 0,
    partitions: [{ partition: 0, records: 1, firstOffset: 0, lastOffset: 0 }, { partition: 1, records: 2, firstOffset: 0, lastOffset: 1 }],
    interrupted: false, error: null,
  });
  assert.not.match(res.stderr, 'acknowledged', 'the summary is not said twice');
  const bad = await yak(['produce', '-t', 'summary', '-p', '1', '--summary', 'json', '--acks', '1', '--json'], '{"value":"d"}\nnot json\n');
  assert.is(bad.code, 1);
  const summary = JSON.parse(bad.stdout);
  assert.equal([summary.acks, summary.sent, summary.acknowledged, summary.partitions], ['1', 1, 1, [{ partition: 1, records: 1, firstOffset: 2, lastOffset: 2 }]]);
  assert.match(summary.error, /^line 2: not JSON/);
  assert.match(bad.stderr, /yak: line 2: not JSON/, 'the error is still said on stderr');
});

test('--offset on every partition: -N from the end, +N from the beginning, N, s@ms, @RFC 3339, and an e@ stop that ends the command', async () => {
  const expect = async (args: string[], values: string[], why?: string) => assert.equal(lines((await consume('times', values.length, args)).stdout).sort(), values, why ?? args.join(' '));
  await expect(['-o', '-3'], ['p0-7', 'p0-8', 'p0-9', 'p1-2', 'p1-3', 'p1-4']);
  await expect(['-o', '+8'], ['p0-8', 'p0-9']);
  await expect(['-o', '4'], ['p0-4', 'p0-5', 'p0-6', 'p0-7', 'p0-8', 'p0-9', 'p1-4'], 'N: from N, or the end of a shorter partition');
  await expect(['-o', `s@${T0 + 5}`], ['p0-5', 'p0-6', 'p0-7', 'p0-8', 'p0-9']);
  await expect(['-o', `@${new Date(T0 + 8).toISOString()}`], ['p0-8', 'p0-9']);
  await expect(['-p', '1', '-o', '-2'], ['p1-3', 'p1-4']);
  // No idle timeout: the stop ends it once every partition has reached it.
  const window = await yak(['consume', '-t', 'times', '-o', `s@${T0 + 2}`, '-o', `e@${T0 + 4}`]);
  assert.is(window.code, 0, window.stderr);
  assert.equal(lines(window.stdout).sort(), ['p0-2', 'p0-3', 'p1-2', 'p1-3']);
});

test('on a terminal, a consumer of new records only says it is waiting (once); piped, it does not', async () => {
  const shown = await new Promise<string>((resolve) => {
    // script(1) gives the command a terminal; it is stopped once the hint shows (or after 15 s).
    const child = spawn('script', ['-qec', `${process.execPath} ${YAK} consume -t times ${b.join(' ')}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let interrupted = false;
    // Output can still come after the Ctrl-C (and after script has exited): send it once, and a write
    // to a closed pipe is no error of the test's.
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (!interrupted && out.includes('--from-beginning reads what is there')) {
        interrupted = true;
        child.stdin.write('\x03'); // Ctrl-C
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
  assert.match(shown, 'yak: waiting for new records on times; --from-beginning reads what is there');
  assert.is(shown.split('waiting for new records').length, 2, 'once');
  const piped = await yak(['consume', '-t', 'times', '--idle-timeout-ms', '800']);
  assert.not.match(piped.stderr, 'waiting for new records');
});

test('yak produce on a terminal says where each record went as it is acknowledged', async () => {
  const shown = await new Promise<string>((resolve) => {
    const child = spawn('script', ['-qec', `${process.execPath} ${YAK} produce -t typed -p 1 ${b.join(' ')}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let ended = false;
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (!ended && out.includes('offset 1')) {
        ended = true;
        child.stdin.write('\x04'); // Ctrl-D: the end of the input
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.write('first\n');
    setTimeout(() => child.stdin.write('second\n'), 500);
  });
  assert.match(shown, 'acknowledged: typed-1 offset 0');
  assert.match(shown, 'acknowledged: typed-1 offset 1');
});

test('group reset-offsets: a dry run unless --execute; --to-datetime, --shift-by, --all-topics', async () => {
  const read = await consume('times', 15, ['-g', 'rg', '--from-beginning', '--commit', 'sync']);
  assert.is(lines(read.stdout).length, 15, read.stderr);
  const committed = async () => {
    const d = JSON.parse((await yak(['group', 'describe', 'rg', '--json'])).stdout) as { partitions: { partition: number; committedOffset: number }[] };
    return d.partitions.sort((x, y) => x.partition - y.partition).map((p) => p.committedOffset);
  };
  assert.equal(await committed(), [10, 5]);

  const dry = await yak(['group', 'reset-offsets', 'rg', '-t', 'times', '--to-datetime', new Date(T0 + 3).toISOString()]);
  assert.is(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+NEW-OFFSET\nrg\s+times\s+0\s+10\s+3\nrg\s+times\s+1\s+5\s+3\n/);
  assert.match(dry.stdout, 'dry run: nothing changed (add --execute to apply');
  assert.equal(await committed(), [10, 5], 'the dry run changed nothing');

  assert.is((await yak(['group', 'reset-offsets', 'rg', '-t', 'times', '--to-datetime', String(T0 + 3), '--execute'])).code, 0);
  assert.equal(await committed(), [3, 3]);
  assert.is((await yak(['group', 'reset-offsets', 'rg', '--all-topics', '--shift-by', '-5', '--execute'])).code, 0);
  assert.equal(await committed(), [0, 0], 'kept within the log');
  assert.is((await yak(['group', 'reset-offsets', 'rg', '--all-topics', '--shift-by', '7', '--execute'])).code, 0);
  assert.equal(await committed(), [7, 5]);

  // A group that committed on one partition of two (the other was added after it read): --all-topics moves that one only, as kafka-consumer-groups.
  assert.is((await yak(['topic', 'create', 'half', '-p', '1'])).code, 0);
  assert.is((await yak(['produce', '-t', 'half', '-p', '0'], 'a\nb\nc\n')).code, 0);
  assert.is((await consume('half', 3, ['-g', 'half-read', '--from-beginning', '--commit', 'sync'])).code, 0);
  assert.is((await yak(['topic', 'alter', 'half', '--partitions', '2'])).code, 0);
  const half = await yak(['group', 'reset-offsets', 'half-read', '--all-topics', '--shift-by', '-2', '--execute']);
  assert.is(half.code, 0, half.stderr);
  assert.match(half.stdout, /half-read\s+half\s+0\s+3\s+1\n/);
  assert.not.match(half.stdout, /half\s+1\s/, 'the partition without a commit is left alone');

  const noTopic = await yak(['group', 'reset-offsets', 'rg', '--to-earliest']);
  assert.is(noTopic.code, 2);
  assert.match(noTopic.stderr, /say which topics: --topic T, or --all-topics/);
  const noCommits = await yak(['group', 'reset-offsets', 'never-committed', '-t', 'times', '--shift-by', '1']);
  assert.is(noCommits.code, 1);
  assert.match(noCommits.stderr, /--shift-by moves committed offsets, and group "never-committed" has none on times/);
});

test('yak topic describe: log start, high watermark, records and bytes on each replica match what was written and trimmed', async () => {
  const describe = async () => JSON.parse((await yak(['topic', 'describe', 'times', '--json'])).stdout) as {
    partitions: { partition: number; logStartOffset: number; highWatermark: number; records: number; replicaBytes: Record<string, number>; replicas: number[] }[];
  };
  const before = await describe();
  assert.equal(before.partitions.map((p) => [p.logStartOffset, p.highWatermark, p.records]), [[0, 10, 10], [0, 5, 5]]);
  await waitFor('every replica to hold the records', async () => {
    const d = await describe();
    return d.partitions.every((p) => p.replicas.every((r) => (p.replicaBytes[r] ?? 0) > 0)) ? d : null;
  });
  assert.is((await yak(['topic', 'trim', 'times', '-p', '0', '-o', '4'])).code, 0);
  const after = await describe();
  assert.equal(after.partitions.map((p) => [p.logStartOffset, p.highWatermark, p.records]), [[4, 10, 6], [0, 5, 5]]);
  const text = await yak(['topic', 'describe', 'times']);
  assert.match(text.stdout, /PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOG-START\s+HIGH-WATERMARK\s+RECORDS\s+BYTES \(BROKER=SIZE\)\n0\s+\d\s+[\d,]+\s+[\d,]+\s+4\s+10\s+6\s+\d=\d+ B,\d=\d+ B,\d=\d+ B\n/);
  const listed = (JSON.parse((await yak(['topic', 'list', '--json'])).stdout) as { name: string; records: number; bytes: number }[]).find((t) => t.name === 'times')!;
  assert.is(listed.records, 11);
  assert.ok(listed.bytes > 0);
});

test('yak status and yak health exit 0 when healthy and 4 with a dead broker, saying why on stderr', async () => {
  const d = ['--data-dir', cluster.dataDir];
  await waitFor('a healthy cluster', async () => (await runYak(['health', ...d])).code === 0);
  const healthy = await runYak(['status', ...d]);
  assert.is(healthy.code, 0, healthy.stderr);
  await cluster.supervisor.handleControl('kill', 'broker-3');
  try {
    const status = await waitFor('status to see broker-3 dead', async () => {
      const res = await runYak(['status', '--json', ...d]);
      return res.code === 4 ? res : null;
    });
    assert.ok((JSON.parse(status.stdout) as { problems: string[] }).problems.includes('broker-3 is dead (exited (SIGKILL))'), status.stdout);
    assert.match(status.stderr, 'yak: unhealthy: broker-3 is dead');
    const health = await runYak(['health', ...d]);
    assert.is(health.code, 4);
    assert.match(health.stderr, /^yak: unhealthy: broker-3 is dead \(exited \(SIGKILL\)\)\n/);
    await waitFor('the ISRs to shrink', async () => /under-replicated \(a replica out of the ISR\): /.test((await runYak(['health', ...d])).stderr));
  } finally {
    await cluster.supervisor.handleControl('restart', 'broker-3');
  }
  const down = await runYak(['down', ...d]);
  assert.is(down.code, 1, 'a cluster whose supervisor is a program (a test, yak chaos) is not stopped by yak down');
  assert.match(down.stderr, 'it cannot be stopped from here');
  const none = await runYak(['health', '--data-dir', path.join(tempDir(), 'none')]);
  assert.is(none.code, 1, 'no cluster: the command failed (1), not an unhealthy cluster (4)');
});

test.run();
