import type { Argv, CommandModule } from 'yargs';
import { Admin, type TopicDescription } from '../../client/admin.js';
import { ErrorCode, UserError, errorName } from '../../common/errors.js';
import { ElectionType } from '../../protocol/apis/elect-leaders.js';
import { clusterOptions, connectClient, type ClusterArgs, wholeNumber } from '../cluster-access.js';
import { formatTable, withClient } from '../output.js';

interface CreateArgs extends ClusterArgs {
  name: string;
  partitions: number;
  'replication-factor': number;
  config: string[];
  'replica-assignment'?: string;
}

const dash = (v: number | null) => (v === null ? '-' : String(v));

/** `--config key=value` flags as a config map; a flag without `=` is a usage error. */
function parseConfigs(flags: string[]): Record<string, string> {
  const configs: Record<string, string> = {};
  for (const kv of flags) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new UserError(`--config wants key=value, got "${kv}"`, 2);
    configs[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return configs;
}

/**
 * kafka-topics' `--replica-assignment 1:2,2:3,3:1`: partitions separated by commas, each partition's
 * broker ids (its preferred leader first) by colons. The cluster checks the brokers exist.
 */
export function parseReplicaAssignment(flag: string): number[][] {
  return flag.split(',').map((partition, i) => {
    const ids = partition.split(':').map((id) => id.trim());
    if (ids.some((id) => !/^\d+$/.test(id))) throw new UserError(`--replica-assignment wants broker ids like 1:2,2:3 (partition ${i} is "${partition}")`, 2);
    return ids.map(Number);
  });
}

/** Per partition, what its log holds: offsets from ListOffsets on its leader, bytes from DescribeLogDirs on each replica. */
export interface PartitionFigures {
  /** null while the partition has no leader to ask. */
  logStartOffset: number | null;
  highWatermark: number | null;
  /** Where read_committed readers stop (ListOffsets latest, read_committed): below the high watermark while a transaction is open there. */
  lastStableOffset: number | null;
  /** Offsets between the two: the records held (fewer once compacted, and counting transaction markers). */
  records: number | null;
  /** Broker id -> bytes of its replica; a broker that did not answer is missing. */
  replicaBytes: Record<string, number>;
}

async function partitionFigures(admin: Admin, topics: TopicDescription[]): Promise<Map<string, PartitionFigures>> {
  const sizes = await admin.replicaSizes(topics);
  const figures = new Map<string, PartitionFigures>();
  for (const t of topics) {
    // A partition without a leader has no offsets to give: its topic's figures are shown as unknown.
    const [start, end, stable] = await Promise.all([
      admin.listOffsets(t.name, 'earliest'),
      admin.listOffsets(t.name, 'latest'),
      admin.listOffsets(t.name, 'latest', { isolation: 'read_committed' }),
    ]).catch(() => [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()]);
    for (const p of t.partitions) {
      const [s, e] = [start.get(p.partition) ?? null, end.get(p.partition) ?? null];
      const k = `${t.name}-${p.partition}`;
      figures.set(k, { logStartOffset: s, highWatermark: e, lastStableOffset: stable.get(p.partition) ?? null, records: s !== null && e !== null ? e - s : null, replicaBytes: Object.fromEntries(sizes.get(k) ?? []) });
    }
  }
  return figures;
}

/** 1536 -> "1.5 KiB", as kafka-log-dirs users read sizes. */
export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) [n, i] = [n / 1024, i + 1];
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

export const topicCommand: CommandModule = {
  command: 'topic <action>',
  describe: 'Create, list, describe, alter, trim and delete topics, and elect their leaders',
  builder: (y: Argv) =>
    y
      .options(clusterOptions)
      .command<CreateArgs>({
        command: 'create <name>',
        describe: 'Create a topic',
        builder: (c) =>
          c
            .positional('name', { type: 'string', demandOption: true, describe: 'The topic' })
            .option('partitions', { alias: 'p', type: 'number', default: -1, describe: 'Number of partitions (-1: the cluster default, 3)' })
            .option('replication-factor', { alias: 'r', type: 'number', default: -1, describe: 'Replicas per partition (-1: the cluster default, min(3, brokers))' })
            .option('config', { alias: 'c', type: 'string', array: true, default: [], describe: 'Topic config key=value' })
            .option('replica-assignment', { type: 'string', describe: "Each partition's brokers, e.g. 1:2,2:3,3:1 (partition 0 on brokers 1 and 2, led by 1; ...); instead of -p and -r" })
            .example('$0 topic create orders -p 6 -r 3 -c retention.ms=3600000', '6 partitions on 3 brokers each, records kept an hour') as Argv<CreateArgs>,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const admin = new Admin(client);
            const assignment = args['replica-assignment'] !== undefined ? parseReplicaAssignment(args['replica-assignment']) : [];
            if (assignment.length > 0 && (args.partitions !== -1 || args['replication-factor'] !== -1)) {
              throw new UserError('--replica-assignment says the partitions and their replicas: give it without --partitions and --replication-factor', 2);
            }
            await admin.createTopic(args.name, args.partitions, args['replication-factor'], parseConfigs(args.config), assignment);
            const t = await admin.describeTopic(args.name);
            process.stdout.write(`created topic ${args.name} with ${t.partitions.length} partition(s), replication factor ${t.partitions[0]?.replicas.length ?? 0}\n`);
          }),
      })
      .command<ClusterArgs & { json: boolean }>({
        command: 'list',
        describe: 'List topics',
        builder: (c) => c.option('json', { type: 'boolean', default: false, describe: 'A JSON array of {name, partitions, replicationFactor, records, bytes} (bytes: on the partitions\' leaders)' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const admin = new Admin(client);
            const topics = await admin.listTopics();
            if (args.json) {
              const figures = await partitionFigures(admin, topics);
              const totals = topics.map((t) => {
                const of = t.partitions.map((p) => ({ f: figures.get(`${t.name}-${p.partition}`)!, leader: p.leader }));
                const records = of.every(({ f }) => f.records !== null) ? of.reduce((n, { f }) => n + f.records!, 0) : null;
                const bytes = of.reduce((n, { f, leader }) => n + (f.replicaBytes[leader] ?? 0), 0);
                return { name: t.name, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0, records, bytes };
              });
              process.stdout.write(JSON.stringify(totals) + '\n');
              return;
            }
            process.stdout.write(formatTable(['TOPIC', 'PARTITIONS', 'REPLICAS'], topics.map((t) => [t.name, String(t.partitions.length), String(t.partitions[0]?.replicas.length ?? 0)])));
          }),
      })
      .command<ClusterArgs & { name?: string; json: boolean }>({
        command: 'describe [name]',
        describe: 'Show the configs of a topic (of every topic without a name) and per partition its leader, replicas, ISR, log start, high watermark (and last stable offset where a transaction holds it back), records and bytes on each replica',
        builder: (c) =>
          c
            .positional('name', { type: 'string', describe: 'The topic (default: every topic)' })
            .option('json', { type: 'boolean', default: false, describe: 'JSON: name, configs, and partitions with leader, replicas, isr, logStartOffset, highWatermark, lastStableOffset, records, replicaBytes' })
            .example('$0 topic describe demo', 'Partitions, leaders, ISR and what each log holds') as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const admin = new Admin(client);
            const names = args.name !== undefined ? [args.name] : (await admin.listTopics()).map((t) => t.name);
            const described: (TopicDescription & { configs: Awaited<ReturnType<Admin['describeTopicConfigs']>> })[] = [];
            for (const name of names) described.push({ ...(await admin.describeTopic(name)), configs: await admin.describeTopicConfigs(name) });
            const figures = await partitionFigures(admin, described);
            const withFigures = (t: TopicDescription) => t.partitions.map((p) => ({ ...p, ...figures.get(`${t.name}-${p.partition}`)! }));
            if (args.json) {
              const asJson = described.map((t) => ({ ...t, partitions: withFigures(t), configs: Object.fromEntries([...t.configs].map(([k, c]) => [k, c.value])) }));
              process.stdout.write(JSON.stringify(args.name !== undefined ? asJson[0] : asJson) + '\n');
              return;
            }
            for (const t of described) {
              const shown = [...t.configs].map(([k, c]) => `${k}=${c.value ?? ''}${c.isDefault ? ' (default)' : ''}`);
              process.stdout.write(`${t === described[0] ? '' : '\n'}topic ${t.name}: ${t.partitions.length} partition(s)\nconfigs: ${shown.join(', ')}\n`);
              const partitions = withFigures(t);
              // Only where a transaction holds read_committed readers back (as kafka-get-offsets users compare the two).
              const heldBack = (p: PartitionFigures) => p.lastStableOffset !== null && p.lastStableOffset !== p.highWatermark;
              const showStable = partitions.some(heldBack);
              process.stdout.write(
                formatTable(
                  ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK', ...(showStable ? ['LAST-STABLE'] : []), 'RECORDS', 'BYTES (BROKER=SIZE)'],
                  partitions.map((p) => [
                    String(p.partition),
                    p.leader < 0 ? 'none' : String(p.leader),
                    p.replicas.join(','),
                    p.isr.join(','),
                    dash(p.logStartOffset),
                    dash(p.highWatermark),
                    ...(showStable ? [heldBack(p) ? String(p.lastStableOffset) : '-'] : []),
                    dash(p.records),
                    p.replicas.map((r) => `${r}=${p.replicaBytes[r] === undefined ? '?' : humanBytes(p.replicaBytes[r]!)}`).join(','),
                  ]),
                ),
              );
            }
          }),
      })
      .command<ClusterArgs & { name: string; partitions?: number; 'replica-assignment'?: string; config: string[]; 'delete-config': string[] }>({
        command: 'alter <name>',
        describe: 'Add partitions to a topic, or set and delete its configs (like kafka-topics --alter and kafka-configs --alter)',
        builder: (c) =>
          c
            .positional('name', { type: 'string', demandOption: true, describe: 'The topic' })
            .option('partitions', { alias: 'p', type: 'number', describe: 'The new partition count (more than now: a topic never shrinks)' })
            .option('replica-assignment', { type: 'string', describe: "With --partitions: each new partition's brokers, e.g. 2:3,3:1" })
            .option('config', { alias: 'c', type: 'string', array: true, default: [], describe: 'Set a topic config key=value (e.g. retention.ms=3600000)' })
            .option('delete-config', { type: 'string', array: true, default: [], describe: 'Delete a topic config: back to its default' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            if (args.partitions === undefined && args.config.length === 0 && args['delete-config'].length === 0) {
              throw new UserError('say what to change: --partitions N, --config key=value or --delete-config key', 2);
            }
            if (args['replica-assignment'] !== undefined && args.partitions === undefined) throw new UserError('--replica-assignment places new partitions: give --partitions too', 2);
            const admin = new Admin(client);
            const configs = parseConfigs(args.config);
            if (args.partitions !== undefined) {
              const before = (await admin.describeTopic(args.name)).partitions.length;
              await admin.createPartitions(args.name, args.partitions, args['replica-assignment'] !== undefined ? parseReplicaAssignment(args['replica-assignment']) : null);
              process.stdout.write(`topic ${args.name} now has ${args.partitions} partition(s) (was ${before}); a key may now map to another partition, as in Kafka\n`);
            }
            if (args.config.length > 0 || args['delete-config'].length > 0) {
              await admin.alterTopicConfigs(args.name, configs, args['delete-config']);
              const changes = [...Object.entries(configs).map(([k, v]) => `${k}=${v}`), ...args['delete-config'].map((k) => `${k} deleted (default)`)];
              process.stdout.write(`topic ${args.name} configs: ${changes.join(', ')}\n`);
            }
          }),
      })
      .command<ClusterArgs & { name: string; offset: string; partition?: number }>({
        command: 'trim <name>',
        describe: 'Delete the records before an offset, as rpk topic trim-prefix and kafka-delete-records do',
        builder: (c) =>
          c
            .positional('name', { type: 'string', demandOption: true, describe: 'The topic' })
            .option('offset', { alias: 'o', type: 'string', demandOption: true, describe: 'The new first offset, or end: every record so far' })
            .option('partition', { alias: 'p', type: 'number', coerce: wholeNumber('partition', 0), describe: 'Only this partition (default: all)' })
            .example('$0 topic trim orders -o end', 'Delete every record so far (the offsets go on)') as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const offset = args.offset === 'end' ? -1 : /^\d+$/.test(args.offset) ? Number(args.offset) : NaN;
            if (Number.isNaN(offset)) throw new UserError(`--offset must be an offset or end, got "${args.offset}"`, 2);
            const admin = new Admin(client);
            const t = await admin.describeTopic(args.name);
            if (args.partition !== undefined && !t.partitions.some((p) => p.partition === args.partition)) throw new UserError(`topic ${args.name} has no partition ${args.partition}`);
            const partitions = args.partition !== undefined ? [args.partition] : t.partitions.map((p) => p.partition);
            const starts = await admin.deleteRecords(args.name, partitions, offset);
            process.stdout.write(`topic ${args.name} now starts at ${[...starts].map(([p, o]) => `partition ${p}: offset ${o}`).join(', ')}\n`);
          }),
      })
      .command<ClusterArgs & { name: string; partition?: number; to: string; 'timeout-ms': number }>({
        command: 'move <name>',
        describe: 'Move partitions to other brokers, as kafka-reassign-partitions does: the new replicas catch up, then the old ones leave',
        builder: (c) =>
          c
            .positional('name', { type: 'string', demandOption: true, describe: 'The topic' })
            .option('to', { type: 'string', demandOption: true, describe: 'The new replicas, e.g. 3,4 (the first is the preferred leader)' })
            .option('partition', { alias: 'p', type: 'number', coerce: wholeNumber('partition', 0), describe: 'Only this partition (default: all)' })
            .option('timeout-ms', { type: 'number', default: 60_000, coerce: wholeNumber('timeout-ms', 0), describe: 'How long to wait for the move to finish (0: do not wait)' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const ids = args.to.split(',').map((id) => id.trim());
            if (ids.some((id) => !/^\d+$/.test(id))) throw new UserError(`--to wants broker ids like 3,4, got "${args.to}"`, 2);
            const replicas = ids.map(Number);
            const admin = new Admin(client);
            const t = await admin.describeTopic(args.name);
            if (args.partition !== undefined && !t.partitions.some((p) => p.partition === args.partition)) throw new UserError(`topic ${args.name} has no partition ${args.partition}`);
            const partitions = args.partition !== undefined ? [args.partition] : t.partitions.map((p) => p.partition);
            await admin.movePartitions(args.name, partitions, replicas);
            const deadline = Date.now() + args['timeout-ms'];
            let moving = await admin.movingPartitions(args.name);
            while (moving.length > 0 && Date.now() < deadline) {
              await new Promise((r) => setTimeout(r, 200));
              moving = await admin.movingPartitions(args.name);
            }
            if (moving.length > 0) {
              process.stdout.write(`topic ${args.name}: partition(s) ${moving.join(', ')} still moving to brokers ${replicas.join(', ')} (the new replicas are catching up)\n`);
            } else {
              process.stdout.write(`topic ${args.name}: partition(s) ${partitions.join(', ')} now on brokers ${replicas.join(', ')}\n`);
            }
          }),
      })
      .command<ClusterArgs & { name?: string; partition?: number; type: string }>({
        command: 'elect-leaders [name]',
        describe: "Move leadership back to preferred replicas, or (--type unclean) give offline partitions a leader that may lack records, as kafka-leader-election does",
        builder: (c) =>
          c
            .positional('name', { type: 'string', describe: 'Only this topic (default: every partition of every topic)' })
            .option('partition', { alias: 'p', type: 'number', coerce: wholeNumber('partition', 0), describe: 'Only this partition of the topic' })
            .option('type', { type: 'string', choices: ['preferred', 'unclean'], default: 'preferred', describe: 'preferred: the first replica leads again once in sync; unclean: any live replica may lead an offline partition (acknowledged records may be lost)' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            if (args.partition !== undefined && args.name === undefined) throw new UserError('--partition needs a topic name', 2);
            const admin = new Admin(client);
            let wanted: { topic: string; partitions: number[] }[] | null = null;
            if (args.name !== undefined) {
              const t = await admin.describeTopic(args.name);
              wanted = [{ topic: args.name, partitions: args.partition !== undefined ? [args.partition] : t.partitions.map((p) => p.partition) }];
            }
            const results = await admin.electLeaders(args.type === 'unclean' ? ElectionType.Unclean : ElectionType.Preferred, wanted);
            const leaders = new Map<string, number>((await client.refreshMetadata(null)).topics.flatMap((t) => t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.leaderId] as const)));
            const failed = results.filter((r) => r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED);
            if (results.length === 0) process.stdout.write('no partition needed an election\n');
            for (const r of results) {
              const where = `${r.topic}-${r.partition}`;
              process.stdout.write(r.errorCode === ErrorCode.NONE ? `${where}: leader is now broker ${leaders.get(where) ?? '?'}\n` : `${where}: ${errorName(r.errorCode)}${r.errorMessage ? `: ${r.errorMessage}` : ''}\n`);
            }
            if (failed.length > 0) throw new UserError(`${failed.length} election(s) failed`, 1);
          }),
      })
      .command<ClusterArgs & { name: string }>({
        command: 'delete <name>',
        describe: 'Delete a topic and all its records',
        builder: (c) => c.positional('name', { type: 'string', demandOption: true, describe: 'The topic' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            await new Admin(client).deleteTopic(args.name);
            process.stdout.write(`deleted topic ${args.name}\n`);
          }),
      })
      .demandCommand(1, 'say which: create, list, describe, alter, trim, move, elect-leaders or delete'),
  handler: () => undefined,
};
