import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { Consumer, type ConsumedRecord, type StartPosition } from '../../client/consumer.js';
import { clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
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
  'key-separator': string;
}

function startPosition(args: Args): StartPosition {
  if (args.offset === undefined) return args['from-beginning'] ? 'earliest' : 'latest';
  if (args.offset === 'earliest' || args.offset === 'beginning') return 'earliest';
  if (args.offset === 'latest' || args.offset === 'end') return 'latest';
  const n = Number(args.offset);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`--offset must be a non-negative integer, earliest or latest, got "${args.offset}"`);
  if (args.partition === undefined) throw new UserError('--offset needs --partition');
  return { offset: n };
}

export function formatRecord(r: ConsumedRecord, args: { json: boolean; 'print-key': boolean; 'key-separator': string }): string {
  if (args.json) {
    return JSON.stringify({ partition: r.partition, offset: r.offset, key: r.key?.toString('utf8') ?? null, value: r.value?.toString('utf8') ?? null, timestamp: r.timestamp });
  }
  const value = r.value?.toString('utf8') ?? 'null';
  return args['print-key'] ? `${r.key?.toString('utf8') ?? 'null'}${args['key-separator']}${value}` : value;
}

export const consumeCommand: CommandModule<object, Args> = {
  command: 'consume',
  describe: 'Print records of a topic; follows new records until stopped',
  builder: (y) =>
    y
      .options(clusterOptions)
      .option('topic', { alias: 't', type: 'string', demandOption: true, describe: 'Topic to read' })
      .option('from-beginning', { type: 'boolean', default: false, describe: 'Start at the earliest offset (default: only new records)' })
      .option('partition', { alias: 'p', type: 'number', describe: 'Read only this partition' })
      .option('offset', { alias: 'o', type: 'string', describe: 'Start offset (with --partition), earliest or latest' })
      .option('max-messages', { alias: 'n', type: 'number', describe: 'Exit after this many records' })
      .option('idle-timeout-ms', { type: 'number', describe: 'Exit when no record arrives for this long' })
      .option('json', { type: 'boolean', default: false, describe: 'One JSON object per record: partition, offset, key, value, timestamp' })
      .option('print-key', { type: 'boolean', default: false, describe: 'Print key<separator>value' })
      .option('key-separator', { type: 'string', default: '\t', describe: 'Separator for --print-key' }),
  handler: async (args) => {
    const start = startPosition(args);
    await withClient(connectClient(args, 'yak-consume'), async (client) => {
      const consumer = new Consumer(client, { topic: args.topic, partitions: args.partition === undefined ? undefined : [args.partition], start });
      let stop = false;
      const onSignal = () => {
        stop = true;
        consumer.close();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      process.stdout.on('error', onSignal); // EPIPE: the reader went away (`| head`)
      await consumer.start();
      const max = args['max-messages'] ?? Infinity;
      const idle = args['idle-timeout-ms'];
      let count = 0;
      let lastRecordAt = Date.now();
      while (!stop && count < max) {
        const records = await consumer.poll(idle === undefined ? 1000 : Math.min(1000, idle));
        if (records.length === 0) {
          if (idle !== undefined && Date.now() - lastRecordAt >= idle) break;
          continue;
        }
        lastRecordAt = Date.now();
        const take = records.slice(0, Math.max(0, max - count));
        count += take.length;
        process.stdout.write(take.map((r) => formatRecord(r, args)).join('\n') + '\n');
      }
      consumer.close();
      process.stderr.write(`consumed ${count} record(s) from ${args.topic}\n`);
    });
  },
};
