import type { Argv, CommandModule } from 'yargs';
import { ErrorCode, KafkaError, UserError } from '../../common/errors.js';
import { Admin } from '../../client/admin.js';
import { GroupAdmin, type GroupDescription } from '../../client/group-admin.js';
import type { KafkaClient } from '../../client/kafka-client.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { formatTable, withClient } from '../output.js';

interface GroupArgs extends ClusterArgs {
  group: string;
}

interface ResetArgs extends GroupArgs {
  topic: string;
  'to-earliest': boolean;
  'to-latest': boolean;
  'to-offset'?: number;
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
 * The new committed offset of every partition of the topic: the log start, the log end, or N
 * (kept within the log, as kafka-consumer-groups --reset-offsets does).
 */
async function resetTargets(client: KafkaClient, args: ResetArgs): Promise<Map<number, number>> {
  const chosen = [args['to-earliest'], args['to-latest'], args['to-offset'] !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new UserError('say where to: exactly one of --to-earliest, --to-latest, --to-offset N');
  const admin = new Admin(client);
  const earliest = await admin.listOffsets(args.topic, 'earliest');
  const latest = await admin.listOffsets(args.topic, 'latest');
  if (args['to-earliest']) return earliest;
  if (args['to-latest']) return latest;
  const n = args['to-offset']!;
  if (!Number.isInteger(n) || n < 0) throw new UserError(`--to-offset must be a non-negative integer, got ${n}`);
  return new Map([...earliest.keys()].map((p) => [p, Math.min(Math.max(n, earliest.get(p)!), latest.get(p)!)]));
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
        builder: (c) => c.option('json', { type: 'boolean', default: false }) as never,
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
        builder: (c) => c.positional('group', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-group'), async (client) => {
            const d = await describeOrFail(new GroupAdmin(client), args.group);
            process.stdout.write(args.json ? JSON.stringify(d) + '\n' : formatGroup(d));
          }),
      })
      .command<ResetArgs>({
        command: 'reset-offsets <group>',
        describe: 'Move the committed offsets of a group with no active members',
        builder: (c) =>
          c
            .positional('group', { type: 'string', demandOption: true })
            .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, demandOption: true, describe: 'Topic whose offsets to move' })
            .option('to-earliest', { type: 'boolean', default: false, describe: 'To the start of each partition' })
            .option('to-latest', { type: 'boolean', default: false, describe: 'To the end of each partition' })
            .option('to-offset', { type: 'number', describe: 'To this offset (kept within each partition)' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-group'), async (client) => {
            const groups = new GroupAdmin(client);
            const d = await groups.describeGroup(args.group);
            if (d && d.members.length > 0) {
              throw new UserError(`group "${args.group}" has ${d.members.length} active member(s): stop its consumers first (offsets can only be reset while it is empty)`);
            }
            const targets = await resetTargets(client, args);
            try {
              await groups.commitOffsets(args.group, args.topic, targets);
            } catch (err) {
              // A consumer joined between the check and the commit.
              if (err instanceof KafkaError && err.code === ErrorCode.UNKNOWN_MEMBER_ID) throw new UserError(`group "${args.group}" has active members now: stop its consumers first`);
              throw err;
            }
            const listed = [...targets.entries()].sort((a, b) => a[0] - b[0]).map(([p, o]) => `${p}:${o}`).join(' ');
            process.stdout.write(`reset group ${args.group} on ${args.topic}: partition:offset ${listed}\n`);
          }),
      })
      .command<GroupArgs>({
        command: 'delete <group>',
        describe: 'Delete a group with no active members, and its committed offsets',
        builder: (c) => c.positional('group', { type: 'string', demandOption: true }) as never,
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
