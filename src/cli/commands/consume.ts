import type { CommandModule } from 'yargs';
import { ErrorCode, KafkaError, UserError } from '../../common/errors.js';
import { Admin } from '../../client/admin.js';
import { ASSIGNORS, RangeAssignor, RoundRobinAssignor } from '../../client/assignors.js';
import { Consumer, type ConsumedRecord, type IsolationLevel, type StartPosition } from '../../client/consumer.js';
import { GroupConsumer } from '../../client/group-consumer.js';
import type { KafkaClient } from '../../client/kafka-client.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs, wholeNumber } from '../cluster-access.js';
import { withClient } from '../output.js';

interface Args extends ClusterArgs {
  topic: string;
  'from-beginning': boolean;
  partition?: number;
  offset?: string;
  'max-messages'?: number;
  'idle-timeout-ms'?: number;
  json: boolean;
  'print-key': boolean;
  'key-separator'?: string;
  group?: string;
  commit: 'auto' | 'sync';
  'auto-commit-interval-ms': number;
  'session-timeout-ms': number;
  'heartbeat-interval-ms': number;
  'group-instance-id'?: string;
  assignor: 'range' | 'roundrobin';
  'client-rack'?: string;
  isolation: IsolationLevel;
}

/** What the print loop reads from: a group member or a plain (group-less) consumer. */
interface RecordSource {
  start(): Promise<void>;
  /** Up to maxRecords records (a group member must not commit past what it printed). */
  poll(timeoutMs: number, maxRecords: number): Promise<ConsumedRecord[]>;
  /** Called once the records of a poll are printed. */
  printed(): Promise<void>;
  close(): Promise<void>;
}

/** Records deleted before they were read are skipped: say so, as kcat does, rather than in silence. */
const offsetResetNotice = (topic: string) => (partition: number, from: number, to: number) =>
  process.stderr.write(`yak: ${topic}-${partition}: offset ${from} is no longer in the log (retention or DeleteRecords); going on at ${to}${to > from ? `, ${to - from} record(s) skipped` : ''}\n`);

function plainSource(client: KafkaClient, args: Args): RecordSource {
  const start = startPosition(args);
  const consumer = new Consumer(client, { topic: args.topic, partitions: args.partition === undefined ? undefined : [args.partition], start, onOffsetReset: offsetResetNotice(args.topic), clientRack: args['client-rack'], isolation: args.isolation });
  return {
    start: async () => {
      if (typeof start === 'object') await checkOffsetInRange(client, args.topic, args.partition!, start.offset);
      await consumer.start();
    },
    poll: (ms) => consumer.poll(ms),
    printed: async () => undefined,
    close: async () => consumer.close(),
  };
}

function groupSource(client: KafkaClient, args: Args & { group: string }): RecordSource {
  if (args.partition !== undefined || args.offset !== undefined) {
    throw new UserError('--group assigns partitions and starts from committed offsets: drop --partition/--offset (use `yak group reset-offsets` to move a group)', 2);
  }
  // The chosen assignor first; the other still listed so members started with either agree on one.
  const preferred = args.assignor === 'roundrobin' ? RoundRobinAssignor : RangeAssignor;
  const consumer = new GroupConsumer(client, {
    topic: args.topic,
    groupId: args.group,
    resetTo: args['from-beginning'] ? 'earliest' : 'latest',
    sessionTimeoutMs: args['session-timeout-ms'],
    heartbeatIntervalMs: args['heartbeat-interval-ms'],
    autoCommitIntervalMs: args.commit === 'auto' ? args['auto-commit-interval-ms'] : null,
    assignors: [preferred, ...ASSIGNORS.filter((a) => a !== preferred)],
    groupInstanceId: args['group-instance-id'] ?? null,
    onAssigned: (partitions, generation) =>
      process.stderr.write(`group ${args.group} generation ${generation}: assigned partition(s) [${partitions.join(',')}] of ${args.topic}\n`),
    onOffsetReset: offsetResetNotice(args.topic),
    clientRack: args['client-rack'],
    isolation: args.isolation,
  });
  return {
    start: () => consumer.start(),
    poll: (ms, max) => consumer.poll(ms, max),
    printed: () => (args.commit === 'sync' ? consumer.commit() : Promise.resolve()),
    close: () => consumer.close(),
  };
}

/** An explicit --offset outside the partition's log is a mistake to report, not a reason to read from elsewhere. */
async function checkOffsetInRange(client: KafkaClient, topic: string, partition: number, offset: number): Promise<void> {
  const admin = new Admin(client);
  const [earliest, latest] = [(await admin.listOffsets(topic, 'earliest')).get(partition), (await admin.listOffsets(topic, 'latest')).get(partition)];
  if (earliest === undefined || latest === undefined) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic "${topic}" has no partition ${partition}`);
  if (offset < earliest || offset > latest) {
    const holds = latest > earliest ? `holds offsets ${earliest} to ${latest - 1}` : 'is empty';
    throw new UserError(`--offset ${offset} is outside ${topic}-${partition}, which ${holds} (${latest} is the next offset written)`);
  }
}

function startPosition(args: Args): StartPosition {
  if (args.offset === undefined) return args['from-beginning'] ? 'earliest' : 'latest';
  if (args.offset === 'earliest' || args.offset === 'beginning') return 'earliest';
  if (args.offset === 'latest' || args.offset === 'end') return 'latest';
  const n = Number(args.offset);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`--offset must be a non-negative integer, earliest or latest, got "${args.offset}"`, 2);
  if (args.partition === undefined) throw new UserError('--offset needs --partition', 2);
  return { offset: n };
}

/** A record as one output line: JSON, value, or key<separator>value (with --print-key, or -K as in kcat). */
export function formatRecord(r: ConsumedRecord, args: { json: boolean; 'print-key': boolean; 'key-separator'?: string }): string {
  if (args.json) {
    return JSON.stringify({ partition: r.partition, offset: r.offset, key: r.key?.toString('utf8') ?? null, value: r.value?.toString('utf8') ?? null, timestamp: r.timestamp });
  }
  const value = r.value?.toString('utf8') ?? 'null';
  const separator = args['key-separator'] ?? (args['print-key'] ? '\t' : undefined);
  return separator === undefined ? value : `${r.key?.toString('utf8') ?? 'null'}${separator}${value}`;
}

export const consumeCommand: CommandModule<object, Args> = {
  command: 'consume',
  describe: 'Print records of a topic; follows new records until stopped',
  builder: (y) =>
    y
      .options(clusterOptions)
      .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, demandOption: true, describe: 'Topic to read' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Start at the earliest offset (default: only new records)' })
      .option('partition', { alias: 'p', type: 'number', coerce: wholeNumber('partition', 0), describe: 'Read only this partition' })
      .option('offset', { alias: 'o', type: 'string', describe: 'Start offset (with --partition), earliest or latest' })
      .option('max-messages', { alias: 'n', type: 'number', coerce: wholeNumber('max-messages', 1), describe: 'Exit after this many records' })
      .option('idle-timeout-ms', { type: 'number', describe: 'Exit when no record arrives for this long' })
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per record: partition, offset, key, value, timestamp' })
      .option('print-key', { type: 'boolean', default: false, describe: 'Print key<separator>value (separator: a tab unless -K)' })
      .option('key-separator', { alias: 'K', type: 'string', describe: 'Print key<separator>value with this separator (kcat: -K)' })
      .option('client-rack', { type: 'string', describe: "This consumer's rack (client.rack): with brokers on --replica-selector rack-aware, read from a replica in this rack" })
      // read_uncommitted by default, with or without --group, as Kafka's console consumer and kcat default.
      .option('isolation', {
        choices: ['read_uncommitted', 'read_committed'] as const,
        default: 'read_uncommitted' as const,
        describe: 'read_committed: only committed transactions, up to the last stable offset (isolation.level)',
      })
      .option('group', { alias: 'g', type: 'string', describe: 'Consume as a member of this consumer group: share the partitions, resume from committed offsets' })
      .option('commit', { choices: ['auto', 'sync'] as const, default: 'auto' as const, describe: 'With --group: commit every --auto-commit-interval-ms, or after each printed batch' })
      .option('auto-commit-interval-ms', { type: 'number', default: 5000, describe: 'With --group --commit auto: how often to commit' })
      .option('session-timeout-ms', { type: 'number', default: 10_000, describe: 'With --group: the group drops this member after this long without a heartbeat' })
      .option('heartbeat-interval-ms', { type: 'number', default: 1000, describe: 'With --group: how often to heartbeat' })
      .option('group-instance-id', {
        type: 'string',
        describe: "With --group: a static member (Kafka's group.instance.id): restarted with the same id it gets its partitions back without a rebalance; it does not leave on exit",
      })
      .option('assignor', { choices: ['range', 'roundrobin'] as const, default: 'range' as const, describe: 'With --group: how the leader splits partitions' }),
  handler: async (args) => {
    if (args.group === undefined) startPosition(args); // validates --offset before connecting
    if (args['group-instance-id'] !== undefined && (args.group === undefined || args['group-instance-id'] === '')) {
      throw new UserError('--group-instance-id names a static member of the --group: give both, the id non-empty', 2);
    }
    await withClient(connectClient(args, 'yak-consume'), async (client) => {
      const source = args.group === undefined ? plainSource(client, args) : groupSource(client, { ...args, group: args.group });
      let stop = false;
      // Stopping ends the loop at its next poll; close() then commits and leaves the group.
      const onSignal = () => {
        stop = true;
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.stdout.on('error', onSignal); // EPIPE: the reader went away (`| head`)
      await source.start();
      const max = args['max-messages'] ?? Infinity;
      const idle = args['idle-timeout-ms'];
      let count = 0;
      let lastRecordAt = Date.now();
      while (!stop && count < max) {
        const records = await source.poll(idle === undefined ? 200 : Math.min(200, idle), max - count);
        if (records.length === 0) {
          if (idle !== undefined && Date.now() - lastRecordAt >= idle) break;
          continue;
        }
        lastRecordAt = Date.now();
        const take = records.slice(0, Math.max(0, max - count));
        count += take.length;
        process.stdout.write(take.map((r) => formatRecord(r, args)).join('\n') + '\n');
        await source.printed();
      }
      await source.close();
      process.stderr.write(`consumed ${count} record(s) from ${args.topic}\n`);
    });
  },
};
