import type { CommandModule } from 'yargs';
import { ErrorCode, KafkaError, UserError } from '../../common/errors.js';
import { Admin } from '../../client/admin.js';
import { ASSIGNORS, RangeAssignor, RoundRobinAssignor } from '../../client/assignors.js';
import { Consumer, type ConsumedRecord, type IsolationLevel } from '../../client/consumer.js';
import { GroupConsumer } from '../../client/group-consumer.js';
import type { KafkaClient } from '../../client/kafka-client.js';
import { interruptGraceMs } from '../../common/limits.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs, wholeNumber } from '../cluster-access.js';
import { parseOffsets, startOffsets, type OffsetRange } from '../offset-spec.js';
import { ExitCode, withClient } from '../output.js';
import { BYTES_ENCODINGS, recordPrinter, type PrintOptions } from '../record-format.js';

interface Args extends ClusterArgs, PrintOptions {
  topic: string;
  'from-beginning': boolean;
  partition?: number;
  /** A start and (kcat's e@TIME) a stop: the flag may be given twice. */
  offset?: string[];
  'max-messages'?: number;
  'idle-timeout-ms'?: number;
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
  /** Nothing more to read (a stop given with --offset e@TIME reached on every partition). */
  done(): boolean;
  close(): Promise<void>;
}

/** Records deleted before they were read are skipped: say so, as kcat does, rather than in silence. */
const offsetResetNotice = (topic: string) => (partition: number, from: number, to: number) =>
  process.stderr.write(`yak: ${topic}-${partition}: offset ${from} is no longer in the log (retention or DeleteRecords); going on at ${to}${to > from ? `, ${to - from} record(s) skipped` : ''}\n`);

function plainSource(client: KafkaClient, args: Args, range: OffsetRange): RecordSource {
  const partitions = args.partition === undefined ? undefined : [args.partition];
  let consumer: Consumer | null = null;
  let stops: Map<number, number> | null = null;
  return {
    start: async () => {
      const admin = new Admin(client);
      const { start } = range;
      if (start.kind === 'offset' && args.partition !== undefined) await checkOffsetInRange(client, args.topic, args.partition, start.offset);
      // beginning and end are each partition's own, found as it starts; the others are looked up here.
      const startAt = start.kind === 'beginning' || start.kind === 'end' ? undefined : await startOffsets(admin, args.topic, start);
      if (range.stopAtTime !== null) stops = await admin.listOffsets(args.topic, { timestamp: range.stopAtTime });
      consumer = new Consumer(client, { topic: args.topic, partitions, start: start.kind === 'beginning' ? 'earliest' : 'latest', startOffsets: startAt, onOffsetReset: offsetResetNotice(args.topic), clientRack: args['client-rack'], isolation: args.isolation });
      await consumer.start();
    },
    poll: async (ms) => {
      const records = await consumer!.poll(ms);
      return stops === null ? records : records.filter((r) => r.offset < (stops!.get(r.partition) ?? Infinity));
    },
    printed: async () => undefined,
    // e@TIME: every record before each partition's stop has been printed.
    done: () => stops !== null && (partitions ?? [...stops.keys()]).every((p) => consumer!.returnedUpTo(p, stops!.get(p) ?? 0)),
    close: async () => consumer?.close(),
  };
}

function groupSource(client: KafkaClient, args: Args & { group: string }): RecordSource {
  if (args.partition !== undefined) {
    throw new UserError('--group assigns partitions and starts from committed offsets: drop --partition (use `yak group reset-offsets` to move a group)', 2);
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
    done: () => false,
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

/**
 * Ctrl-C (or SIGTERM) ends the print loop at its next poll; the source then closes (a group member
 * commits and leaves). With the cluster gone that could wait out every request's timeout: after
 * `interruptGraceMs`, or a second Ctrl-C, it quits at once, saying so.
 */
function interruptible(args: Args): { stopped: () => boolean; signal: NodeJS.Signals | null } {
  const state = { signal: null as NodeJS.Signals | null, stopped: () => state.signal !== null };
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
    if (state.signal !== null) process.exit(code);
    state.signal = signal;
    // (A static member commits and stays in the group: it does not leave.)
    const leaving = args['group-instance-id'] === undefined ? 'leaving' : 'committing for';
    if (args.group !== undefined) process.stderr.write(`yak: ${leaving} group ${args.group}... (Ctrl-C again to quit now)\n`);
    setTimeout(() => {
      process.stderr.write(`yak: gave up ${args.group !== undefined ? `${leaving} group ${args.group}` : 'closing'} after ${interruptGraceMs} ms (is the cluster running? \`yak status\` tells)\n`);
      process.exit(code);
    }, interruptGraceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return state;
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
      .option('offset', {
        alias: 'o',
        type: 'string',
        array: true,
        describe:
          'Where to start, in every partition read (as kcat -o): beginning, end, N, -N (N before the end), +N (N after the beginning), s@TIME (first record at or after TIME: ms or RFC 3339); ' +
          'also e@TIME: stop before the first record at or after TIME (give -o twice for a start and a stop)',
      })
      .option('max-messages', { alias: 'n', type: 'number', coerce: wholeNumber('max-messages', 1), describe: 'Exit after this many records' })
      .option('idle-timeout-ms', { type: 'number', describe: 'Exit when no record arrives for this long' })
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per record: topic, partition, offset, timestamp, key, value, headers [{key, value}] (see --json-encoding)' })
      .option('json-encoding', { choices: BYTES_ENCODINGS, default: 'utf8' as const, describe: 'With --json: keys, values and header values as UTF-8 text, or base64 (any bytes, exactly)' })
      .option('format', {
        alias: 'f',
        type: 'string',
        describe: 'Print each record as this kcat -f format: %t topic, %p partition, %o offset, %k key, %K key length, %v or %s value, %S value length, %T timestamp (ms), %h headers (n=v,...), %% and \\n \\t \\r',
      })
      .option('print-key', { type: 'boolean', default: false, describe: 'Print key<separator>value (separator: a tab unless -K)' })
      .option('key-separator', { alias: 'K', type: 'string', describe: 'Print key<separator>value with this separator (kcat: -K)' })
      .option('print-headers', { type: 'boolean', default: false, describe: 'Print the headers (name=value,... or NO_HEADERS) and a tab before each record' })
      .option('print-timestamp', { type: 'boolean', default: false, describe: 'Print the timestamp (ms since the epoch) and a tab before each record' })
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
      .option('assignor', { choices: ['range', 'roundrobin'] as const, default: 'range' as const, describe: 'With --group: how the leader splits partitions' })
      .example('$0 consume -t demo --from-beginning', 'Every record, then new ones as they come (Ctrl-C stops)')
      .example("$0 consume -t demo -o -10 -f '%p:%o %k=%v %h\\n'", 'The last 10 of each partition, as kcat -f prints them')
      .example('$0 consume -t demo -o s@2026-12-01T09:00:00Z -o e@2026-12-01T10:00:00Z', 'The records of one hour')
      .example('$0 consume -t demo -g billing', 'As a member of group billing, from its committed offsets'),
  handler: async (args) => {
    // Checked before connecting: a mistake in a flag is a usage error, not a half-started consumer.
    const printRecord = recordPrinter(args);
    const range = parseOffsets(args.offset, args['from-beginning']);
    if (args.group !== undefined && args.offset !== undefined) {
      throw new UserError('--group assigns partitions and starts from committed offsets: drop --offset (use `yak group reset-offsets` to move a group)', 2);
    }
    if (args['group-instance-id'] !== undefined && (args.group === undefined || args['group-instance-id'] === '')) {
      throw new UserError('--group-instance-id names a static member of the --group: give both, the id non-empty', 2);
    }
    await withClient(connectClient(args, 'yak-consume'), async (client) => {
      const source = args.group === undefined ? plainSource(client, args, range) : groupSource(client, { ...args, group: args.group });
      const interrupt = interruptible(args);
      let closedStdout = false;
      process.stdout.on('error', () => (closedStdout = true)); // EPIPE: the reader went away (`| head`)
      await source.start();
      const max = args['max-messages'] ?? Infinity;
      const idle = args['idle-timeout-ms'];
      // On a terminal, a consumer of new records only would otherwise sit silent: say so, once.
      let waitingHint = process.stderr.isTTY === true && args.group === undefined && range.start.kind === 'end' && range.stopAtTime === null;
      let count = 0;
      let lastRecordAt = Date.now();
      while (!interrupt.stopped() && !closedStdout && count < max && !source.done()) {
        const records = await source.poll(idle === undefined ? 200 : Math.min(200, idle), max - count);
        if (records.length === 0) {
          if (waitingHint && count === 0) process.stderr.write(`yak: waiting for new records on ${args.topic}; --from-beginning reads what is there\n`);
          waitingHint = false;
          if (idle !== undefined && Date.now() - lastRecordAt >= idle) break;
          continue;
        }
        waitingHint = false;
        lastRecordAt = Date.now();
        const take = records.slice(0, Math.max(0, max - count));
        count += take.length;
        process.stdout.write(take.map(printRecord).join(''));
        await source.printed();
      }
      try {
        await source.close();
      } catch (err) {
        if (!interrupt.stopped()) throw err;
        process.stderr.write(`yak: ${args.group !== undefined ? `could not leave group ${args.group}` : 'could not close'}: ${(err as Error).message}\n`);
      }
      process.stderr.write(`consumed ${count} record(s) from ${args.topic}\n`);
      if (interrupt.signal !== null) process.exitCode = interrupt.signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
    });
  },
};
