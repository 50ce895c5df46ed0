import type { CommandModule } from 'yargs';
import type { BrokerState, ClusterMetadata } from '../../common/cluster-types.js';
import { isProcessAlive, readClusterFile, type ClusterFile } from '../../client/cluster-file.js';
import { Admin } from '../../client/admin.js';
import { KafkaClient, parseBootstrap } from '../../client/kafka-client.js';
import type { ClusterSecret } from '../../common/cluster-secret.js';
import { connectToCluster } from '../../net/cluster-auth.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { clusterOptions, clusterSecretOf, noClusterError, resolveBootstrap, type ClusterArgs } from '../cluster-access.js';
import { ExitCode, formatTable } from '../output.js';
import { clientSecurity, coordinatorSecurityOf } from '../security-options.js';

/** `yak status --json`: a stable interface for scripts (documented in the README). */
export interface ClusterStatus {
  bootstrap: string;
  coordinator: { host: string; port: number; pid: number; state: BrokerState } | null;
  /** `reason`: why a dead broker is down, as its supervisor saw it (e.g. its log.db is corrupted). */
  brokers: { id: number; state: BrokerState; pid: number; host: string; port: number; rack?: string; reason?: string }[];
  topics: { name: string; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[] }[];
  /** The listeners' protection; `caFile`: the CA clients must trust (TLS); `user`: the admin yak up made (SASL). Absent: PLAINTEXT. */
  security?: { protocol: string; caFile?: string; user?: string; passwordFile?: string; certFile?: string; keyFile?: string };
}

/**
 * What keeps the cluster from being healthy, one line each (none: healthy): a process not alive
 * (dead, paused, starting), a partition without a leader (offline) or with replicas out of its ISR.
 */
export function healthProblems(s: ClusterStatus): string[] {
  const problems: string[] = [];
  if (s.coordinator && s.coordinator.state !== 'alive') problems.push(`zookeeper is ${s.coordinator.state}`);
  for (const b of s.brokers) if (b.state !== 'alive') problems.push(`broker-${b.id} is ${b.state}${b.reason ? ` (${b.reason})` : ''}`);
  const partitions = s.topics.flatMap((t) => t.partitions.map((p) => ({ name: `${t.name}-${p.partition}`, ...p })));
  const offline = partitions.filter((p) => p.leader < 0);
  const under = partitions.filter((p) => p.leader >= 0 && p.isr.length < p.replicas.length);
  const list = (ps: typeof partitions) => (ps.length > 5 ? `${ps.slice(0, 5).map((p) => p.name).join(', ')} and ${ps.length - 5} more` : ps.map((p) => p.name).join(', '));
  if (offline.length > 0) problems.push(`${offline.length} partition(s) offline (no leader): ${list(offline)}`);
  if (under.length > 0) problems.push(`${under.length} partition(s) under-replicated (a replica out of the ISR): ${list(under)}`);
  return problems;
}

/** The problems on stderr and the exit code 4, for scripts (`yak status && ...`). */
function reportHealth(problems: string[]): void {
  for (const p of problems) process.stderr.write(`yak: unhealthy: ${p}\n`);
  if (problems.length > 0) process.exitCode = ExitCode.unhealthy;
}

/**
 * With --bootstrap, the cluster at that address, from its brokers' Kafka metadata (it may not be a
 * YaK cluster); otherwise the data dir's running cluster, from its coordinator (or from its brokers
 * while the coordinator is down).
 */
export async function clusterStatus(args: ClusterArgs): Promise<ClusterStatus> {
  const given = args.bootstrap ? resolveBootstrap(args) : null;
  const file = given ? null : readClusterFile(args['data-dir']);
  const running = file && isProcessAlive(file.supervisorPid) ? file : null;
  if (!given && !running) throw noClusterError(args['data-dir']);
  const metadata = running ? await coordinatorMetadata(running, clusterSecretOf(args['data-dir'])) : null;
  if (metadata) return fromCoordinator(running!, metadata);
  const bootstrap = args.bootstrap ?? running!.bootstrap;
  const client = new KafkaClient({ bootstrap: given ?? parseBootstrap(bootstrap), clientId: 'yak-status', security: clientSecurity(args) });
  try {
    const md = await client.refreshMetadata(null);
    const topics = await new Admin(client).listTopics();
    const brokers = running
      ? running.brokers.map((b) => ({ id: b.id, state: (isProcessAlive(b.pid) ? 'alive' : 'dead') as BrokerState, pid: b.pid, host: b.host, port: b.port }))
      : md.brokers.map((b) => ({ id: b.nodeId, state: 'alive' as BrokerState, pid: -1, host: b.host, port: b.port, ...(b.rack ? { rack: b.rack } : {}) }));
    const coordinator = running ? { ...running.coordinator, state: 'dead' as const } : null;
    return { bootstrap, coordinator, brokers, topics, ...(running?.security ? { security: running.security } : {}) };
  } finally {
    client.close();
  }
}

async function coordinatorMetadata(file: ClusterFile, secret: ClusterSecret): Promise<ClusterMetadata | null> {
  try {
    const conn = await connectToCluster(file.coordinator.host, file.coordinator.port, secret, { clientId: 'yak-status', connectTimeoutMs: 1000, security: coordinatorSecurityOf(file) });
    try {
      return await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: -1, maxWaitMs: 0 }, { timeoutMs: 3000 });
    } finally {
      conn.close();
    }
  } catch {
    return null;
  }
}

function fromCoordinator(file: ClusterFile, m: ClusterMetadata): ClusterStatus {
  const known = new Map(m.brokers.map((b) => [b.id, b]));
  const brokers: ClusterStatus['brokers'] = file.brokers.map((b) => {
    const registered = known.get(b.id);
    const running = b.pid > 0 && isProcessAlive(b.pid);
    // The supervisor knows paused; the coordinator knows registered. A live process it has not registered yet is starting.
    let state: BrokerState = registered?.state === 'alive' && registered.pid === b.pid ? 'alive' : running ? 'starting' : 'dead';
    if (b.state === 'paused' && running) state = 'paused';
    const rack = registered?.rack ? { rack: registered.rack } : {};
    return { id: b.id, state, pid: b.pid, host: b.host, port: b.port, ...rack, ...(state === 'dead' && b.reason ? { reason: b.reason } : {}) };
  });
  for (const b of m.brokers) {
    if (!file.brokers.some((x) => x.id === b.id)) brokers.push({ id: b.id, state: b.state, pid: b.pid, host: b.host, port: b.port, ...(b.rack ? { rack: b.rack } : {}) });
  }
  return {
    bootstrap: file.bootstrap,
    coordinator: file.coordinator,
    brokers: brokers.sort((a, b) => a.id - b.id),
    topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })) })),
    ...(file.security ? { security: file.security } : {}),
  };
}

export const statusCommand: CommandModule<object, ClusterArgs & { json: boolean }> = {
  command: 'status',
  describe: 'Show brokers (pid, port, state) and topics (leaders, replicas, ISR); exits 4 when the cluster is not healthy',
  builder: (y) =>
    y
      .options(clusterOptions)
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object: bootstrap, coordinator, brokers, topics, problems (see the README)' })
      .example('$0 status', 'Brokers and partitions of the cluster in .yak')
      .example('$0 status --json | jq .problems', 'What keeps it from being healthy (also on stderr; exit code 4)'),
  handler: async (args) => {
    const s = await clusterStatus(args);
    const problems = healthProblems(s);
    if (args.json) {
      process.stdout.write(JSON.stringify({ ...s, problems }, null, 2) + '\n');
      reportHealth(problems);
      return;
    }
    const out: string[] = [`bootstrap: ${s.bootstrap}`];
    if (s.coordinator) out.push(`zookeeper: ${s.coordinator.state} (pid ${s.coordinator.pid}, ${s.coordinator.host}:${s.coordinator.port})`);
    if (s.security) out.push(`security: ${s.security.protocol}${s.security.caFile ? `, CA ${s.security.caFile}` : ''}${s.security.user ? `, admin user ${s.security.user} (password in ${s.security.passwordFile})` : ''}`);
    // The RACK column only for a cluster with racks (yak up --racks), so the usual table stays as it was.
    const racks = s.brokers.some((b) => b.rack);
    const brokerRows = s.brokers.map((b) => [`broker-${b.id}`, b.state, b.pid > 0 && b.state !== 'dead' ? String(b.pid) : '-', `${b.host}:${b.port}`, ...(racks ? [b.rack ?? '-'] : [])]);
    out.push('', formatTable(['BROKER', 'STATE', 'PID', 'ADDRESS', ...(racks ? ['RACK'] : [])], brokerRows));
    for (const b of s.brokers) if (b.reason) out.push(`broker-${b.id} is dead: ${b.reason}\n`);
    const rows = s.topics.flatMap((t) => t.partitions.map((p) => [t.name, String(p.partition), p.leader < 0 ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(',')]));
    out.push(rows.length > 0 ? formatTable(['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR'], rows) : 'no topics\n');
    process.stdout.write(out.join('\n'));
    reportHealth(problems);
  },
};

export const healthCommand: CommandModule<object, ClusterArgs> = {
  command: 'health',
  describe: 'Exit 0 when every broker and the coordinator are alive and every partition has a leader and its full ISR; else say why on stderr and exit 4',
  builder: (y) => y.options(clusterOptions).example('$0 health && echo ok', 'A check for scripts (exit 1: no cluster answered)'),
  handler: async (args) => {
    const s = await clusterStatus(args);
    const problems = healthProblems(s);
    const partitions = s.topics.reduce((n, t) => n + t.partitions.length, 0);
    if (problems.length === 0) process.stdout.write(`healthy: ${s.brokers.length} broker(s) alive, ${partitions} partition(s) fully in sync\n`);
    reportHealth(problems);
  },
};
