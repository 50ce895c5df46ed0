import type { Argv, CommandModule } from 'yargs';
import { ErrorCode, KafkaError, UserError } from '../../common/errors.js';
import { Admin } from '../../client/admin.js';
import { GroupAdmin, type GroupDescription } from '../../client/group-admin.js';
import type { KafkaClient } from '../../client/kafka-client.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { parseTime } from '../offset-spec.js';
import { formatTable, withClient } from '../output.js';

interface GroupArgs extends ClusterArgs {
  group: string;
}

interface ResetArgs extends GroupArgs {
  topic?: string;
  'all-topics': boolean;
  'to-earliest': boolean;
  'to-latest': boolean;
  'to-offset'?: number;
  'to-datetime'?: string;
  'shift-by'?: number;
  execute: boolean;
  'dry-run': boolean;
}

const dash = (v: number | string | null) => (v === null ? '-' : String(v));

async function describeOrFail(groups: GroupAdmin, group: string): Promise<GroupDescription> {
  const d = await groups.describeGroup(group);
  if (!d) throw new UserError(`consumer group "${group}" does not exist (yak group list shows the groups)`);
  return d;
}

export function formatGroup(d: GroupDescription): string {
  const head = `group ${d.groupId}: ${d.state}, ${d.members.length} member(s)${d.assignor ? `, assignor ${d.assignor}` : ''}\n`;
  if (d.partitions.length === 0) return head + '(no partitions assigned or committed)\n';
  return (
    head +
    formatTable(
      ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID', 'CLIENT-ID', 'HOST'],
      d.partitions.map((p) => [p.topic, String(p.partition), dash(p.committedOffset), dash(p.logEndOffset), dash(p.lag), dash(p.memberId), dash(p.clientId), dash(p.host)]),
    )
  );
}

/**
 * The new committed offset of every partition of a topic, as kafka-consumer-groups --reset-offsets
 * computes it: the log start or end, N, the first offset at a time, or the committed offset moved
 * by ±N; always kept within the log. `committed`: the group's offsets on the topic now (with
 * --all-topics only those partitions are moved, so --shift-by skips the others).
 */
async function resetTargets(client: KafkaClient, args: ResetArgs, topic: string, committed: Map<number, number>): Promise<Map<number, number>> {
  const admin = new Admin(client);
  const earliest = await admin.listOffsets(topic, 'earliest');
  const latest = await admin.listOffsets(topic, 'latest');
  const within = (p: number, o: number) => Math.min(Math.max(o, earliest.get(p)!), latest.get(p)!);
  if (args['to-earliest']) return earliest;
  if (args['to-latest']) return latest;
  if (args['to-datetime'] !== undefined) return admin.listOffsets(topic, { timestamp: parseTime(args['to-datetime'], '--to-datetime') });
  if (args['shift-by'] !== undefined) {
    const shift = args['shift-by'];
    const missing = args['all-topics'] ? [] : [...earliest.keys()].filter((p) => !committed.has(p));
    if (missing.length > 0) throw new UserError(`--shift-by moves committed offsets, and group "${args.group}" has none on ${topic} partition(s) ${missing.join(',')}: use --to-earliest, --to-latest or --to-datetime`);
    return new Map([...earliest.keys()].filter((p) => committed.has(p)).map((p) => [p, within(p, committed.get(p)! + shift)]));
  }
  return new Map([...earliest.keys()].map((p) => [p, within(p, args['to-offset']!)]));
}

/** The reset's flags make sense together (one target, one topic choice, a whole --to-offset and --shift-by); usage errors otherwise. */
function checkResetArgs(args: ResetArgs): void {
  const targets = [args['to-earliest'], args['to-latest'], args['to-offset'] !== undefined, args['to-datetime'] !== undefined, args['shift-by'] !== undefined].filter(Boolean).length;
  if (targets !== 1) throw new UserError('say where to: exactly one of --to-earliest, --to-latest, --to-offset N, --to-datetime TIME, --shift-by N', 2);
  if ((args.topic !== undefined) === args['all-topics']) throw new UserError('say which topics: --topic T, or --all-topics (every topic the group has committed offsets on)', 2);
  if (args.execute && args['dry-run']) throw new UserError('--execute applies the reset, --dry-run only shows it: give one', 2);
  const n = args['to-offset'];
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new UserError(`--to-offset must be a non-negative integer, got ${n}`, 2);
  if (args['shift-by'] !== undefined && !Number.isInteger(args['shift-by'])) throw new UserError(`--shift-by must be a whole number (negative: back), got ${args['shift-by']}`, 2);
  if (args['to-datetime'] !== undefined) parseTime(args['to-datetime'], '--to-datetime');
}

async function resetOffsets(client: KafkaClient, args: ResetArgs): Promise<void> {
  const groups = new GroupAdmin(client);
  const d = await groups.describeGroup(args.group);
  if (d && d.members.length > 0) {
    throw new UserError(`group "${args.group}" has ${d.members.length} active member(s): stop its consumers first (offsets can only be reset while it is empty)`);
  }
  const committedOn = (topic: string) => new Map((d?.partitions ?? []).filter((p) => p.topic === topic && p.committedOffset !== null).map((p) => [p.partition, p.committedOffset!]));
  const topics = args.topic !== undefined ? [args.topic] : [...new Set((d?.partitions ?? []).filter((p) => p.committedOffset !== null).map((p) => p.topic))].sort();
  if (topics.length === 0) throw new UserError(`group "${args.group}" has no committed offsets: name the topic with --topic`);
  const plan: { topic: string; committed: Map<number, number>; targets: Map<number, number> }[] = [];
  for (const topic of topics) {
    const committed = committedOn(topic);
    const targets = await resetTargets(client, args, topic, committed);
    // --all-topics means the group's committed offsets, partition by partition, as kafka-consumer-groups:
    // a partition it never committed on (no record there yet) is not reset, nor a reason to refuse --shift-by.
    if (args['all-topics']) for (const p of targets.keys()) if (!committed.has(p)) targets.delete(p);
    plan.push({ topic, committed, targets });
  }
  const rows = plan.flatMap(({ topic, committed, targets }) =>
    [...targets].sort((a, b) => a[0] - b[0]).map(([p, o]) => [args.group, topic, String(p), dash(committed.get(p) ?? null), String(o)]),
  );
  process.stdout.write(formatTable(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], rows));
  if (!args.execute) {
    process.stdout.write('dry run: nothing changed (add --execute to apply, as kafka-consumer-groups)\n');
    return;
  }
  try {
    for (const { topic, targets } of plan) await groups.commitOffsets(args.group, topic, targets);
  } catch (err) {
    // A consumer joined between the check and the commit.
    if (err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_MEMBER_ID) throw new UserError(`group "${args.group}" has active members now: stop its consumers first`);
    throw err;
  }
  process.stdout.write(`reset group ${args.group}: ${rows.length} partition(s) of ${topics.join(', ')}\n`);
}

export const groupCommand: CommandModule = {
  command: 'group <action>',
  describe: 'List, describe, reset and delete consumer groups',
  builder: (y: Argv) =>
    y
      .options(clusterOptions)
      .command<ClusterArgs & { json: boolean }>({
        command: 'list',
        describe: 'List consumer groups with their state and member count',
        builder: (c) => c.option('json', { type: 'boolean', default: false, describe: 'A JSON array of {groupId, state, members}' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-group'), async (client) => {
            const groups = await new GroupAdmin(client).listGroups();
            if (args.json) {
              process.stdout.write(JSON.stringify(groups) + '\n');
              return;
            }
            process.stdout.write(formatTable(['GROUP', 'STATE', 'MEMBERS'], groups.map((g) => [g.groupId, g.state, String(g.members)])));
          }),
      })
      .command<GroupArgs & { json: boolean }>({
        command: 'describe <group>',
        describe: 'Show state, members, and per partition the committed offset, log end offset and lag',
        builder: (c) =>
          c
            .positional('group', { type: 'string', demandOption: true, describe: 'The consumer group (group.id)' })
            .option('json', { type: 'boolean', default: false, describe: 'One JSON object: groupId, state, assignor, members, partitions (committedOffset, logEndOffset, lag, member)' })
            .example('$0 group describe billing', 'Members, and per partition the committed offset and lag') as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-group'), async (client) => {
            const d = await describeOrFail(new GroupAdmin(client), args.group);
            process.stdout.write(args.json ? JSON.stringify(d) + '\n' : formatGroup(d));
          }),
      })
      .command<ResetArgs>({
        command: 'reset-offsets <group>',
        describe: 'Move the committed offsets of a group with no active members (shows the plan; --execute applies it)',
        builder: (c) =>
          c
            .positional('group', { type: 'string', demandOption: true, describe: 'The consumer group (group.id)' })
            .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, describe: 'Topic whose offsets to move' })
            .option('all-topics', { type: 'boolean', default: false, describe: 'Every topic the group has committed offsets on' })
            .option('to-earliest', { type: 'boolean', default: false, describe: 'To the start of each partition' })
            .option('to-latest', { type: 'boolean', default: false, describe: 'To the end of each partition' })
            .option('to-offset', { type: 'number', describe: 'To this offset (kept within each partition)' })
            .option('to-datetime', { type: 'string', describe: 'To the first record at or after this time (RFC 3339, e.g. 2026-12-01T10:00:00Z, or ms since the epoch)' })
            .option('shift-by', { type: 'number', describe: 'Move each committed offset by N (negative: back; kept within each partition)' })
            .option('execute', { type: 'boolean', default: false, describe: 'Apply the reset (without it: a dry run that only shows it, as kafka-consumer-groups)' })
            .option('dry-run', { type: 'boolean', default: false, describe: 'Only show the new offsets (the default)' })
            .example('$0 group reset-offsets billing -t orders --to-datetime 2026-12-01T09:00:00Z', 'Show where each partition would go')
            .example('$0 group reset-offsets billing --all-topics --shift-by -10 --execute', 'Re-read the last 10 records of every partition') as never,
        handler: (args) => {
          checkResetArgs(args);
          return withClient(connectClient(args, 'yak-group'), (client) => resetOffsets(client, args));
        },
      })
      .command<GroupArgs>({
        command: 'delete <group>',
        describe: 'Delete a group with no active members, and its committed offsets',
        builder: (c) => c.positional('group', { type: 'string', demandOption: true, describe: 'The consumer group (group.id)' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-group'), async (client) => {
            try {
              await new GroupAdmin(client).deleteGroup(args.group);
            } catch (err) {
              if (err instanceof KafkaError && err.code === ErrorCode.GROUP_ID_NOT_FOUND) throw new UserError(`consumer group "${args.group}" does not exist`);
              if (err instanceof KafkaError && err.code === ErrorCode.NON_EMPTY_GROUP) throw new UserError(`group "${args.group}" has active members: stop its consumers first`);
              throw err;
            }
            process.stdout.write(`deleted group ${args.group}\n`);
          }),
      })
      .demandCommand(1, 'say which: list, describe, reset-offsets or delete'),
  handler: () => undefined,
};
