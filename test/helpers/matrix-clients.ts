import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { runProcess } from './wire.js';

/**
 * The clients of the client matrix (test/integration/client-matrix.test.ts): how to run each one's
 * driver (test/fixtures/clients/), what it needs installed, what it supports, and the lowest version of
 * each API a cell makes it send (clients that negotiate down need nothing; Sarama's versions follow
 * Config.Version; @platformatic/kafka speaks only the versions it implements).
 */

export type Cell = 'metadata' | 'admin' | 'produce' | 'consume' | 'group' | 'groups' | 'static';

export interface MatrixClient {
  id: string;
  name: string;
  /** The Debian or npm packages to install, or null when the client is available. */
  missingPackages(): Promise<string | null>;
  /** The program and its leading arguments; the driver's are `<bootstrap> <scenario> <json args>`. */
  command(): Promise<[string, string[]]>;
  codecs: string[];
  idempotent: boolean;
  staticMembership: boolean;
  /** API name -> the lowest version the client can send for it in `cell`. */
  needs(cell: Cell): Promise<Record<string, number>>;
  cleanup?(): Promise<void>;
}

const DRIVERS = fileURLToPath(new URL('../fixtures/clients/', import.meta.url));
const PYTHON = '/usr/bin/python3';
const GOPATH_SYSTEM = '/usr/share/gocode';
const SARAMA = `${GOPATH_SYSTEM}/src/github.com/Shopify/sarama`;

/** Memoized per test run: each answer costs a process start. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

const pythonHas = (module: string) =>
  once(async () => {
    const probe = await runProcess(PYTHON, ['-c', `import ${module}`], { timeoutMs: 20_000 }).catch(() => null);
    return probe?.code === 0;
  });

const noNeeds = async () => ({});

const kafkajs: MatrixClient = {
  id: 'kafkajs',
  name: 'kafkajs',
  missingPackages: async () => null, // a devDependency
  command: async () => [process.execPath, [path.join(DRIVERS, 'kafkajs.mjs')]],
  codecs: ['none', 'gzip'], // snappy, lz4 and zstd are separate codec packages in kafkajs
  idempotent: true,
  staticMembership: false,
  needs: noNeeds,
};

/** Each API @platformatic/kafka implements, with the lowest version it has (read from its files). */
const platformaticVersions = once(async () => {
  const apis = path.join(path.dirname(fileURLToPath(import.meta.resolve('@platformatic/kafka'))), 'apis');
  const lowest = new Map<string, number>();
  for (const dir of fs.readdirSync(apis, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(apis, dir.name))) {
      const m = /^([a-z-]+)-v(\d+)\.js$/.exec(file);
      if (!m) continue;
      const name = m[1]!.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
      lowest.set(name, Math.min(lowest.get(name) ?? Infinity, Number(m[2])));
    }
  }
  return lowest;
});

/** The APIs each cell makes @platformatic/kafka send (besides ApiVersions and Metadata). */
const PLATFORMATIC_APIS: Record<Cell, string[]> = {
  metadata: [],
  admin: ['CreateTopics', 'DescribeConfigs', 'AlterConfigs', 'DeleteTopics'],
  produce: ['InitProducerId', 'Produce'],
  consume: ['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetFetch', 'OffsetCommit', 'ListOffsets', 'Fetch'],
  group: ['InitProducerId', 'Produce', 'FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetFetch', 'OffsetCommit', 'ListOffsets', 'Fetch'],
  groups: ['FindCoordinator', 'ListGroups', 'DescribeGroups', 'OffsetFetch'],
  static: ['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetFetch', 'OffsetCommit', 'ListOffsets', 'Fetch', 'DescribeGroups'],
};

const platformatic: MatrixClient = {
  id: 'platformatic',
  name: '@platformatic/kafka',
  missingPackages: async () => null, // a devDependency
  command: async () => [process.execPath, [path.join(DRIVERS, 'platformatic.mjs')]],
  // Its zstd is node:zlib's, which Node 20 does not have.
  codecs: ['none', 'gzip', 'snappy', 'lz4', ...('zstdCompressSync' in zlib ? ['zstd'] : [])],
  idempotent: true,
  staticMembership: true,
  async needs(cell) {
    const lowest = await platformaticVersions();
    return Object.fromEntries(['ApiVersions', 'Metadata', ...PLATFORMATIC_APIS[cell]].map((api) => [api, lowest.get(api) ?? 0]));
  },
};

const librdkafkaInstalled = pythonHas('confluent_kafka');
const librdkafka: MatrixClient = {
  id: 'librdkafka',
  name: 'librdkafka (confluent-kafka)',
  missingPackages: async () => ((await librdkafkaInstalled()) ? null : 'the Debian package python3-confluent-kafka'),
  command: async () => [PYTHON, [path.join(DRIVERS, 'confluent_kafka_driver.py')]],
  codecs: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  idempotent: true,
  staticMembership: true,
  // librdkafka 2.0 negotiates; a static member needs JoinGroup v5 and DescribeGroups v4 (KIP-345).
  needs: async (cell): Promise<Record<string, number>> => (cell === 'static' ? { JoinGroup: 5, DescribeGroups: 4 } : {}),
};

const kafkaPythonInstalled = pythonHas('kafka');
const kafkaPython: MatrixClient = {
  id: 'kafka-python',
  name: 'kafka-python',
  missingPackages: async () => ((await kafkaPythonInstalled()) ? null : 'the Debian package python3-kafka'),
  command: async () => [PYTHON, [path.join(DRIVERS, 'kafka_python_driver.py')]],
  codecs: ['none', 'gzip'], // snappy, lz4 and zstd need Python modules Debian's python3-kafka does not pull in
  idempotent: false, // kafka-python 2.0 has no idempotent producer
  staticMembership: false, // nor group.instance.id
  needs: noNeeds,
};

/** The Sarama driver, built once per test run (GOPATH mode: Debian ships no Go module proxy). */
let saramaDir: string | undefined;
const saramaBinary = once(async () => {
  saramaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-sarama-'));
  const src = path.join(saramaDir, 'src', 'matrix');
  fs.mkdirSync(src, { recursive: true });
  fs.copyFileSync(path.join(DRIVERS, 'sarama_driver.go'), path.join(src, 'main.go'));
  const bin = path.join(saramaDir, 'sarama-driver');
  const build = await runProcess('/usr/bin/env', ['GO111MODULE=off', `GOPATH=${saramaDir}:${GOPATH_SYSTEM}`, `GOCACHE=${path.join(saramaDir, 'cache')}`, 'go', 'build', '-o', bin, 'matrix'], { timeoutMs: 240_000 });
  if (build.code !== 0) throw new Error(`go build of the Sarama driver: ${build.stderr}`);
  return bin;
});
const sarama: MatrixClient = {
  id: 'sarama',
  name: 'Sarama (V2_1_0_0)',
  missingPackages: async () => (fs.existsSync('/usr/bin/go') && fs.existsSync(SARAMA) ? null : 'the Debian packages golang-go and golang-github-shopify-sarama-dev'),
  command: async () => [await saramaBinary(), []],
  // Sarama 1.22 sends zstd batches in Produce v3, which Kafka refuses (zstd needs v7; Sarama #1252, fixed in 1.23).
  codecs: ['none', 'gzip', 'snappy', 'lz4'],
  idempotent: true,
  staticMembership: false, // Sarama 1.22 has no group.instance.id
  // Config.Version V1_0_0_0 and up send Metadata v5 from the first request.
  needs: async () => ({ Metadata: 5 }),
  async cleanup() {
    if (saramaDir) fs.rmSync(saramaDir, { recursive: true, force: true });
  },
};

const ALL: readonly MatrixClient[] = [kafkajs, platformatic, librdkafka, kafkaPython, sarama];
/** Every client, or those whose ids `YAK_MATRIX_CLIENTS` lists (comma-separated), to run a few by hand. */
export const MATRIX_CLIENTS: readonly MatrixClient[] = process.env.YAK_MATRIX_CLIENTS
  ? ALL.filter((c) => process.env.YAK_MATRIX_CLIENTS!.split(',').includes(c.id))
  : ALL;
