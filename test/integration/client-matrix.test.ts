/**
 * The client matrix (issue 9): real Kafka clients against one real 3-broker cluster, each through a
 * small driver under test/fixtures/clients/ that runs one scenario and prints JSON. Every
 * (client, scenario) pair is a named test. A client whose packages are missing is skipped with one
 * line naming them; a cell needing an API version YaK does not serve yet (the client cannot speak
 * anything older) is skipped with one line naming that version, so it runs once YaK serves it.
 * Requests go through recording proxies: the versions each client negotiated are printed at the end
 * (and `YAK_CAPTURE_CLIENT_REQUESTS=1` writes sample frames to test/fixtures/client-requests.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection } from '../../src/net/connection.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { CreateTopicsApi } from '../../src/protocol/apis/create-topics.js';
import { apiByKey, SERVED_APIS } from '../../src/protocol/apis/index.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { sleep } from '../helpers/failover.js';
import { MATRIX_CLIENTS, type Cell, type MatrixClient } from '../helpers/matrix-clients.js';
import { startRecordingProxies, type RecordingProxies } from '../helpers/recording-proxy.js';
import { connectBroker, runProcess } from '../helpers/wire.js';

const test = suite('client matrix: kafkajs, @platformatic/kafka, librdkafka, kafka-python and Sarama');
const CAPTURE = fileURLToPath(new URL('../fixtures/client-requests.json', import.meta.url));
/** Records per codec in the produce and consume cells (the issue's 1000). */
const RECORDS = 1000;
/** The group cells: records read by two members, then records the resumed member must read alone. */
const GROUP_RECORDS = 300;
const GROUP_MORE = 30;

let cluster: TestCluster;
let conn: Connection;
let proxies: RecordingProxies;
/** Highest version YaK serves per api key, from its ApiVersions answer. */
const served = new Map<number, number>();
/** The client whose requests the proxies are seeing now (cells run one at a time). */
let current = '';
const negotiated = new Map<string, Map<number, Set<number>>>();
const samples = new Map<string, { source: string; api: string; apiKey: number; apiVersion: number; hex: string }>();
const tally = { ran: 0, missingPackage: 0, notServed: 0 };

function record(frame: Buffer): void {
  if (!current) return;
  const apiKey = frame.readInt16BE(4);
  const apiVersion = frame.readInt16BE(6);
  const byApi = negotiated.get(current) ?? new Map<number, Set<number>>();
  negotiated.set(current, byApi);
  const versions = byApi.get(apiKey) ?? new Set<number>();
  byApi.set(apiKey, versions.add(apiVersion));
  const key = `${current}/${apiKey}/${apiVersion}`;
  if (!samples.has(key) && frame.length <= 4096) {
    samples.set(key, { source: current, api: apiByKey(apiKey)?.name ?? `key ${apiKey}`, apiKey, apiVersion, hex: frame.toString('hex') });
  }
}

const API_NAMES = new Map(SERVED_APIS.map((a) => [a.name, a.apiKey]));

/** The first API version the cell needs that YaK does not serve, as "Metadata v5", or null. */
async function unserved(client: MatrixClient, cell: Cell): Promise<string | null> {
  for (const [api, version] of Object.entries(await client.needs(cell))) {
    const key = API_NAMES.get(api);
    const max = key === undefined ? undefined : served.get(key);
    if (max === undefined || max < version) return `${api} v${version}`;
  }
  return null;
}

const topicName = (client: MatrixClient, what: string) => `matrix-${client.id}-${what}`;

test.before(async () => {
  cluster = await startCluster({ brokers: 3 });
  conn = await connectBroker(cluster, 1);
  const versions = await conn.request(ApiVersionsApi, 0, {});
  for (const k of versions.apiKeys) served.set(k.apiKey, k.maxVersion);
  proxies = await startRecordingProxies(cluster, record);
  // Every topic the produce/consume and group cells use, created up front in one request.
  const topics = MATRIX_CLIENTS.flatMap((c) => [
    ...c.codecs.map((codec) => ({ name: topicName(c, codec), numPartitions: 3 })),
    { name: topicName(c, 'group'), numPartitions: 6 },
    { name: topicName(c, 'static'), numPartitions: 4 },
  ]);
  const created = await conn.request(CreateTopicsApi, 3, {
    topics: topics.map((t) => ({ ...t, replicationFactor: 3, assignments: [], configs: [] })),
    timeoutMs: 20_000,
    validateOnly: false,
  });
  for (const t of created.topics) assert.is(t.errorCode, 0, `create ${t.name}: ${t.errorMessage}`);
});

test.after(async () => {
  for (const child of members) child.kill('SIGKILL');
  conn?.close();
  proxies?.close();
  await cluster?.destroy();
  for (const c of MATRIX_CLIENTS) await c.cleanup?.();
  console.log(`  client matrix: ${tally.ran} cells ran, ${tally.missingPackage} skipped for missing client packages, ${tally.notServed} skipped for versions YaK does not serve yet`);
  for (const [client, byApi] of negotiated) {
    const list = [...byApi].sort(([a], [b]) => a - b).map(([k, v]) => `${apiByKey(k)?.name ?? `key ${k}`} v${[...v].sort((a, b) => a - b).join('/')}`);
    console.log(`  ${client} negotiated: ${list.join(', ')}`);
  }
  if (process.env.YAK_CAPTURE_CLIENT_REQUESTS) {
    fs.writeFileSync(CAPTURE, JSON.stringify([...samples.values()], null, 1) + '\n');
    console.log(`  wrote ${samples.size} client request frames to ${CAPTURE}`);
  }
});

/** One driver run per (client, scenario, args), shared by the cells that assert on parts of it. */
const runs = new Map<string, Promise<any>>();
function drive(client: MatrixClient, scenario: string, args: Record<string, unknown>): Promise<any> {
  const key = `${client.id}/${scenario}/${JSON.stringify(args)}`;
  let run = runs.get(key);
  if (!run) {
    run = (async () => {
      const [cmd, prefix] = await client.command();
      current = client.name;
      const res = await runProcess(cmd, [...prefix, proxies.bootstrap.join(','), scenario, JSON.stringify(args)], { timeoutMs: 90_000 });
      if (res.code !== 0) throw new Error(`${client.name} ${scenario} exited ${res.code}: ${res.stderr.slice(-3000)}`);
      const line = res.stdout.trim().split('\n').pop() ?? '';
      return JSON.parse(line);
    })();
    runs.set(key, run);
  }
  return run;
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A long-running group member (the `member` scenario): every assignment it prints, until it is killed. */
interface Member {
  assignments: number[][];
  last(): number[] | undefined;
  kill(): void;
}
const members = new Set<ChildProcess>();

async function startMember(client: MatrixClient, args: Record<string, unknown>): Promise<Member> {
  const [cmd, prefix] = await client.command();
  current = client.name;
  const child = spawn(cmd, [...prefix, proxies.bootstrap.join(','), 'member', JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  members.add(child);
  child.on('exit', () => members.delete(child));
  const m: Member = { assignments: [], last: () => m.assignments.at(-1), kill: () => child.kill('SIGKILL') };
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) m.assignments.push(JSON.parse(line).assigned);
  });
  child.stderr.resume();
  return m;
}

/** Skip reasons already printed: one line per client and reason, not one per cell. */
const printed = new Set<string>();
function skip(line: string): void {
  if (!printed.has(line)) console.log(`  skipped ${line}`);
  printed.add(line);
}

/** A cell: skipped when the client is not installed or YaK lacks a version it needs. */
function cell(client: MatrixClient, c: Cell, title: string, body: () => Promise<void>): void {
  test(`${client.name}: ${title}`, async () => {
    const missing = await client.missingPackages();
    if (missing) {
      tally.missingPackage++;
      return skip(`${client.name}: install ${missing}`);
    }
    const version = await unserved(client, c);
    if (version) {
      tally.notServed++;
      return skip(`${client.name}: YaK does not serve ${version} yet (issue 9)`);
    }
    await body();
    tally.ran++;
  });
}

for (const client of MATRIX_CLIENTS) {
  cell(client, 'metadata', 'metadata lists the three brokers and the topics', async () => {
    const res = await drive(client, 'metadata', {});
    assert.equal(res.brokers, [1, 2, 3]);
    assert.ok(res.topics.includes(topicName(client, 'group')), JSON.stringify(res.topics));
  });

  cell(client, 'admin', 'creates, describes, reconfigures and deletes a topic', async () => {
    const res = await drive(client, 'admin', { topic: topicName(client, 'admin') });
    assert.equal(res, { created: true, partitions: 3, retention: '3600000', altered: '7200000', deleted: true });
  });

  const codecTopics = Object.fromEntries(client.codecs.map((codec) => [codec, topicName(client, codec)]));
  for (const codec of client.codecs) {
    cell(client, 'produce', `produces ${RECORDS} keyed records with acks=all${client.idempotent ? ', idempotent' : ''}, ${codec}`, async () => {
      const res = await drive(client, 'produce', { topics: codecTopics, count: RECORDS });
      assert.is(res[codec], RECORDS);
    });
  }
  for (const codec of client.codecs) {
    cell(client, 'consume', `consumes all ${RECORDS} from the beginning with their keys, ${codec}`, async () => {
      await drive(client, 'produce', { topics: codecTopics, count: RECORDS });
      const res = await drive(client, 'consume', { topics: codecTopics, count: RECORDS });
      assert.equal(res[codec], { count: RECORDS, distinctKeys: RECORDS, keysOk: true });
    });
  }

  const group = `matrix-${client.id}-group`;
  const groupArgs = { topic: topicName(client, 'group'), group, count: GROUP_RECORDS, more: GROUP_MORE };
  cell(client, 'group', 'two group members split a 6-partition topic; a new member resumes from the committed offsets', async () => {
    const res = await drive(client, 'group', groupArgs);
    const [a, b] = res.assignments as number[][];
    assert.is(a!.length, 3, `member a: ${a}`);
    assert.is(b!.length, 3, `member b: ${b}`);
    assert.equal([...a!, ...b!].sort(), [0, 1, 2, 3, 4, 5]);
    assert.is(res.first, GROUP_RECORDS);
    assert.is(res.resumed, GROUP_MORE, 'the resumed member reads only what was produced after the commit');
    assert.ok(res.resumedOnlyNew);
  });

  cell(client, 'groups', 'lists and describes the group and its committed offsets', async () => {
    await drive(client, 'group', groupArgs);
    const res = await drive(client, 'groups', { group, topic: groupArgs.topic });
    // @platformatic/kafka spells the state EMPTY, the others as the broker sends it.
    assert.equal({ ...res, state: res.state.toLowerCase() }, { listed: true, state: 'empty', protocolType: 'consumer', committed: GROUP_RECORDS + GROUP_MORE });
  });

  if (client.staticMembership) {
    cell(client, 'static', 'a static member killed and restarted gets its partitions back without a rebalance', async () => {
      const args = { topic: topicName(client, 'static'), group: `matrix-${client.id}-static` };
      const b = await startMember(client, { ...args, instance: 'static-b' });
      const a = await startMember(client, { ...args, instance: 'static-a' });
      try {
      const bothAssigned = () => (a.last()?.length ?? 0) > 0 && (b.last()?.length ?? 0) > 0 && a.last()!.length + b.last()!.length === 4;
        await until('both static members assigned the 4 partitions', bothAssigned);
        await sleep(1000); // nothing left to settle
        const before = a.last()!;
        const bAssignments = b.assignments.length;
        a.kill();
        const restarted = await startMember(client, { ...args, instance: 'static-a' });
        await until('the restarted member assigned', () => restarted.assignments.length > 0);
        await sleep(3000); // a rebalance of the other member would show by now
        assert.equal(restarted.last(), before, 'the same partitions, as before the restart');
        assert.is(b.assignments.length, bAssignments, `the other member was not rebalanced: ${JSON.stringify(b.assignments)}`);
      } finally {
        for (const child of members) child.kill('SIGKILL');
      }
    });
  }
}

test.run();
