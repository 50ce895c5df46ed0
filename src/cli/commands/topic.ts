import type { Argv, CommandModule } from 'yargs';
import { Admin } from '../../client/admin.js';
import { clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { formatTable, withClient } from '../output.js';

interface CreateArgs extends ClusterArgs {
  name: string;
  partitions: number;
  'replication-factor': number;
  config: string[];
}

export const topicCommand: CommandModule = {
  command: 'topic <action>',
  describe: 'Create, list, describe, alter and delete topics',
  builder: (y: Argv) =>
    y
      .options(clusterOptions)
      .command<CreateArgs>({
        command: 'create <name>',
        describe: 'Create a topic',
        builder: (c) =>
          c
            .positional('name', { type: 'string', demandOption: true })
            .option('partitions', { alias: 'p', type: 'number', default: -1, describe: 'Number of partitions (-1: the cluster default, 3)' })
            .option('replication-factor', { alias: 'r', type: 'number', default: -1, describe: 'Replicas per partition (-1: the cluster default, min(3, brokers))' })
            .option('config', { alias: 'c', type: 'string', array: true, default: [], describe: 'Topic config key=value' }) as Argv<CreateArgs>,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const configs = Object.fromEntries(args.config.map((kv) => [kv.split('=')[0]!, kv.split('=').slice(1).join('=')]));
            const admin = new Admin(client);
            await admin.createTopic(args.name, args.partitions, args['replication-factor'], configs);
            const t = await admin.describeTopic(args.name);
            process.stdout.write(`created topic ${args.name} with ${t.partitions.length} partition(s), replication factor ${t.partitions[0]?.replicas.length ?? 0}\n`);
          }),
      })
      .command<ClusterArgs & { json: boolean }>({
        command: 'list',
        describe: 'List topics',
        builder: (c) => c.option('json', { type: 'boolean', default: false }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const topics = await new Admin(client).listTopics();
            if (args.json) {
              process.stdout.write(JSON.stringify(topics.map((t) => ({ name: t.name, partitions: t.partitions.length }))) + '\n');
              return;
            }
            process.stdout.write(formatTable(['TOPIC', 'PARTITIONS', 'REPLICAS'], topics.map((t) => [t.name, String(t.partitions.length), String(t.partitions[0]?.replicas.length ?? 0)])));
          }),
      })
      .command<ClusterArgs & { name: string; json: boolean }>({
        command: 'describe <name>',
        describe: 'Show the configs, partitions, leaders, replicas and ISR of a topic',
        builder: (c) => c.positional('name', { type: 'string', demandOption: true }).option('json', { type: 'boolean', default: false }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const admin = new Admin(client);
            const t = await admin.describeTopic(args.name);
            const configs = await admin.describeTopicConfigs(args.name);
            if (args.json) {
              process.stdout.write(JSON.stringify({ ...t, configs: Object.fromEntries([...configs].map(([k, c]) => [k, c.value])) }) + '\n');
              return;
            }
            const shown = [...configs].map(([k, c]) => `${k}=${c.value ?? ''}${c.isDefault ? ' (default)' : ''}`);
            process.stdout.write(`topic ${t.name}: ${t.partitions.length} partition(s)\nconfigs: ${shown.join(', ')}\n`);
            process.stdout.write(
              formatTable(
                ['PARTITION', 'LEADER', 'REPLICAS', 'ISR'],
                t.partitions.map((p) => [String(p.partition), p.leader < 0 ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(',')]),
              ),
            );
          }),
      })
      .command<ClusterArgs & { name: string; partitions: number }>({
        command: 'alter <name>',
        describe: 'Add partitions to a topic (like kafka-topics --alter --partitions)',
        builder: (c) =>
          c
            .positional('name', { type: 'string', demandOption: true })
            .option('partitions', { alias: 'p', type: 'number', demandOption: true, describe: 'The new partition count (more than now: a topic never shrinks)' }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            const admin = new Admin(client);
            const before = (await admin.describeTopic(args.name)).partitions.length;
            await admin.createPartitions(args.name, args.partitions);
            process.stdout.write(`topic ${args.name} now has ${args.partitions} partition(s) (was ${before}); a key may now map to another partition, as in Kafka\n`);
          }),
      })
      .command<ClusterArgs & { name: string }>({
        command: 'delete <name>',
        describe: 'Delete a topic and all its records',
        builder: (c) => c.positional('name', { type: 'string', demandOption: true }) as never,
        handler: (args) =>
          withClient(connectClient(args, 'yak-topic'), async (client) => {
            await new Admin(client).deleteTopic(args.name);
            process.stdout.write(`deleted topic ${args.name}\n`);
          }),
      })
      .demandCommand(1, 'say which: create, list, describe, alter or delete'),
  handler: () => undefined,
};
