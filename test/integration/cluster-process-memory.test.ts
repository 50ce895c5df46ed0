/**
 * What keeps the processes of `yak up --headless` small. The supervisor forks the coordinator and the
 * brokers with glibc's malloc arenas bounded and its mmap and trim thresholds fixed, and the mimalloc
 * inside @node-rs/crc32 without transparent huge pages (clusterProcessMallocEnv), each unless the
 * user's environment says otherwise. Each process evaluates the code of its own role only: the
 * bundle is one file every process loads, and what a process does not evaluate costs it no memory
 * beyond the source text. Which bundled modules a
 * process evaluated is read from V8's coverage of the bundle (NODE_V8_COVERAGE, which the children
 * inherit): esbuild wraps every module it can leave unevaluated in a function named by the module's
 * path, called once the module is imported; a module without such a wrapper (of the bundle's
 * modules, which esbuild's metafile lists) is evaluated at start by every process. Nor does any of them lay out
 * a help text it never shows.
 */
import { build, type BuildOptions } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterProcessMallocEnv } from '../../src/supervisor/child-process.js';
import { killYakProcesses, runYak, spawnYak, tempDir, YAK, type YakProcess } from '../helpers/cluster.js';

const root = tempDir('yak-process-modules-');
const coverageDir = path.join(root, 'coverage');
const dataDir = path.join(root, 'data');

test.after(() => {
  killYakProcesses();
  fs.rmSync(root, { recursive: true, force: true });
});

interface ScriptCoverage {
  url: string;
  functions: { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
}

/** The bundle's modules (esbuild's metafile of the same build), each with whether it is wrapped for lazy evaluation. */
async function bundleModules(source: string): Promise<{ path: string; wrapped: boolean }[]> {
  const { bundleOptions } = (await import('../../esbuild.config.mjs' as string)) as { bundleOptions: BuildOptions };
  const { metafile } = await build({ ...bundleOptions, write: false, metafile: true, logLevel: 'silent' });
  const inputs = Object.keys(Object.values(metafile!.outputs)[0]!.inputs).filter((p) => /^(node_modules|src)\//.test(p));
  const wrapped = new Set([...source.matchAll(/__(?:esm|commonJS)\(\{(?:async\s*)?"((?:node_modules|src)\/[^"]+)"\(/g)].map((m) => m[1]!));
  assert.ok(wrapped.size > 100, `the bundle's lazy wrappers are found (${wrapped.size})`);
  return inputs.map((p) => ({ path: p, wrapped: wrapped.has(p) }));
}

interface ProcessCoverage {
  /** The bundle modules it evaluated. */
  evaluated: Set<string>;
  /** The bundle modules any of whose functions it called, their wrapper apart. */
  ran: Set<string>;
  /** The Node built-in modules it loaded (`node:tls`), internal ones apart. */
  builtins: Set<string>;
}

/** Per process (its role, from cluster.json), what it evaluated and ran of the bundle. */
async function processCoverage(): Promise<Map<string, ProcessCoverage>> {
  const modules = await bundleModules(fs.readFileSync(YAK, 'utf8'));
  const byRole = new Map<string, ProcessCoverage>();
  for (const file of fs.readdirSync(coverageDir)) {
    const { result } = JSON.parse(fs.readFileSync(path.join(coverageDir, file), 'utf8')) as { result: ScriptCoverage[] };
    const bundle = result.find((s) => s.url.endsWith('/dist/yak.js'));
    if (!bundle) continue;
    const calledFunctions = bundle.functions.filter((f) => f.ranges[0]!.count > 0 && f.functionName !== '');
    const called = new Set(calledFunctions.map((f) => f.functionName));
    const evaluated = new Set(modules.filter((m) => !m.wrapped || called.has(m.path)).map((m) => m.path));
    // A called function belongs to the innermost called wrapper around it (a CommonJS module's code
    // is all inside its wrapper; an ES module's functions esbuild hoists out of it are not counted).
    const wrappers = calledFunctions.filter((f) => modules.some((m) => m.wrapped && m.path === f.functionName)).map((f) => ({ path: f.functionName, start: f.ranges[0]!.startOffset, end: f.ranges[0]!.endOffset }));
    const ran = new Set<string>();
    for (const f of calledFunctions) {
      const at = f.ranges[0]!.startOffset;
      const around = wrappers.filter((w) => w.start < at && at < w.end).sort((a, b) => b.start - a.start)[0];
      if (around) ran.add(around.path);
    }
    const builtins = new Set(result.map((s) => s.url).filter((u) => u.startsWith('node:') && !u.startsWith('node:internal/')));
    const pid = Number(/^coverage-(\d+)-/.exec(file)?.[1]);
    byRole.set(roles.get(pid) ?? `pid ${pid}`, { evaluated, ran, builtins });
  }
  return byRole;
}

/** pid -> role, from cluster.json while the cluster runs. */
const roles = new Map<number, string>();

const tui = /^(src\/tui\/(?!events\.ts)|node_modules\/(ink|react|react-reconciler|scheduler|yoga-layout)\/)/;
const notFor: Record<string, RegExp[]> = {
  // (the supervisor passes the brokers their options, replica-selector.ts's choices among them)
  supervisor: [tui, /^src\/(broker\/(?!replica-selector)|coordinator|storage|replication|chaos|mirror)\//, /^node_modules\/(@peculiar|hdr-histogram-js|better-sqlite3)\//],
  zookeeper: [tui, /^src\/(broker|storage\/log-store|replication|chaos|mirror|supervisor\/supervisor)/, /^node_modules\/(@peculiar|hdr-histogram-js)\//],
  broker: [tui, /^src\/(coordinator|chaos|mirror|supervisor\/supervisor)/, /^node_modules\/(@peculiar|hdr-histogram-js)\//],
};
const mustHave: Record<string, string> = {
  supervisor: 'src/supervisor/supervisor.ts',
  zookeeper: 'src/coordinator/coordinator.ts',
  broker: 'src/broker/broker.ts',
};

let cluster: YakProcess;

function environment(pid: number): Map<string, string> {
  const pairs = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

test('the coordinator and the brokers run with glibc malloc bounded (arenas, mmap and trim thresholds), no transparent huge pages and gc exposed; what the user\'s environment sets is kept', async () => {
  cluster = spawnYak(['up', '--headless', '--brokers', '1', '--data-dir', dataDir], { env: { NODE_V8_COVERAGE: coverageDir } });
  await cluster.waitFor(() => cluster.stdout().includes('cluster ready'), 'the cluster to be ready', 30_000);
  const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'cluster.json'), 'utf8')) as { supervisorPid: number; coordinator: { pid: number }; brokers: { pid: number }[] };
  roles.set(file.supervisorPid, 'supervisor').set(file.coordinator.pid, 'zookeeper').set(file.brokers[0]!.pid, 'broker');
  const settings = clusterProcessMallocEnv();
  assert.equal(Object.keys(settings).sort(), ['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MIMALLOC_ALLOW_THP']);
  for (const pid of [file.coordinator.pid, file.brokers[0]!.pid]) {
    // No mapping asks for transparent huge pages (VmFlags `hg`, madvise(MADV_HUGEPAGE)): @node-rs/crc32's
    // mimalloc asked for one on its segment, a 2 MiB page resident for a few KB used (child-process.ts).
    const hugePageMappings = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n').filter((l) => l.startsWith('VmFlags:') && / hg( |$)/.test(l));
    assert.equal(hugePageMappings, [], `pid ${pid} has no mapping advised to use huge pages`);
    // A broker whose appends stopped asks for the full collection its idle process never reaches (storage/recent-batches.ts).
    assert.ok(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--expose-gc'), `pid ${pid} runs with node's gc exposed`);
    const env = environment(pid);
    for (const [name, value] of Object.entries(settings)) assert.is(env.get(name), process.env[name] ?? value, `${name} of pid ${pid}`);
  }

  const ownDir = path.join(root, 'own');
  const own = spawnYak(['up', '--headless', '--brokers', '1', '--data-dir', ownDir], { env: { MALLOC_ARENA_MAX: '7', MALLOC_MMAP_THRESHOLD_: '1048576' } });
  await own.waitFor(() => own.stdout().includes('cluster ready'), 'the second cluster to be ready', 30_000);
  const ownFile = JSON.parse(fs.readFileSync(path.join(ownDir, 'cluster.json'), 'utf8')) as { brokers: { pid: number }[] };
  const ownEnv = environment(ownFile.brokers[0]!.pid);
  assert.is(ownEnv.get('MALLOC_ARENA_MAX'), '7');
  assert.is(ownEnv.get('MALLOC_MMAP_THRESHOLD_'), '1048576');
  assert.is(ownEnv.get('MALLOC_TRIM_THRESHOLD_'), process.env.MALLOC_TRIM_THRESHOLD_ ?? settings.MALLOC_TRIM_THRESHOLD_);
  assert.is((await runYak(['down', '--data-dir', ownDir])).code, 0);
  await own.stop('SIGCONT');
});

test('the supervisor, the coordinator and a broker each evaluate their own code, and none of them the TUI nor node:tls, node:zlib or node:worker_threads', async () => {
  assert.is((await runYak(['down', '--data-dir', dataDir])).code, 0);
  await cluster.stop('SIGCONT');

  const byRole = await processCoverage();
  for (const role of ['supervisor', 'zookeeper', 'broker']) {
    const coverage = byRole.get(role);
    assert.ok(coverage, `${role} wrote its coverage (have ${[...byRole.keys()].join(', ')})`);
    assert.ok(coverage.evaluated.has(mustHave[role]!), `${role} evaluated ${mustHave[role]}`);
    const wrong = [...coverage.evaluated].filter((m) => notFor[role]!.some((re) => re.test(m)));
    assert.equal(wrong, [], `${role} evaluated modules it does not use`);
    // yargs renders a command's help before running it unless told not to (main.ts): none is shown.
    const helpLayout = [...coverage.ran].filter((m) => /^node_modules\/cliui\/(build|node_modules\/(wrap-ansi|string-width))\//.test(m));
    assert.equal(helpLayout, [], `${role} laid out a help text`);
    // Built-ins only some processes need are loaded on first use (common/lazy-builtin.ts): this
    // PLAINTEXT cluster, idle, has no TLS, no compressed batch, no WAL checkpointer's worker.
    assert.ok(coverage.builtins.has('node:net'), `${role}'s built-ins are seen (${[...coverage.builtins].join(', ')})`);
    const unused = ['node:tls', 'node:zlib', 'node:worker_threads'].filter((b) => coverage.builtins.has(b));
    assert.equal(unused, [], `${role} loaded built-ins it does not use`);
  }
});

test.run();
