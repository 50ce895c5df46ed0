import readline from 'node:readline';
import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { Producer } from '../../client/producer.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs, wholeNumber } from '../cluster-access.js';
import { compressionOption, parseAcks, parseCompression, withClient } from '../output.js';

interface Args extends ClusterArgs {
  topic: string;
  'key-separator'?: string;
  partition?: number;
  acks: string;
  'linger-ms': number;
  'batch-bytes': number;
  compression: string;
}

export interface ProduceSummary {
  sent: number;
  failed: number;
  perPartition: Map<number, number>;
  firstError: Error | null;
}

/**
 * Sends stdin lines as records (key and value split at --key-separator) and resolves once every one
 * has its answer. Stops at the first malformed line, after the lines before it are acknowledged.
 */
export async function produceLines(producer: Producer, topic: string, lines: AsyncIterable<string>, opts: { keySeparator?: string; partition?: number }): Promise<ProduceSummary> {
  const summary: ProduceSummary = { sent: 0, failed: 0, perPartition: new Map(), firstError: null };
  // Start iterating before the first await: readline drops lines emitted before its iterator exists.
  const input = lines[Symbol.asyncIterator]();
  await producer.partitionsOf(topic);
  let lineNo = 0;
  let malformed: UserError | null = null;
  for (let next = await input.next(); !next.done; next = await input.next()) {
    const line = next.value;
    lineNo++;
    let key: Buffer | null = null;
    let value = line;
    if (opts.keySeparator !== undefined) {
      const at = line.indexOf(opts.keySeparator);
      if (at < 0) {
        malformed = new UserError(`line ${lineNo} has no key separator "${opts.keySeparator}"; ${summary.sent} record(s) before it were sent`);
        break;
      }
      key = Buffer.from(line.slice(0, at));
      value = line.slice(at + opts.keySeparator.length);
    }
    summary.sent++;
    producer.send(topic, { key, value: Buffer.from(value), partition: opts.partition }, (err, meta) => {
      if (err) {
        summary.failed++;
        summary.firstError ??= err;
      } else {
        summary.perPartition.set(meta!.partition, (summary.perPartition.get(meta!.partition) ?? 0) + 1);
      }
    });
    await producer.capacity();
  }
  await producer.flush();
  if (malformed) throw malformed;
  return summary;
}

export const produceCommand: CommandModule<object, Args> = {
  command: 'produce',
  describe: 'Send stdin lines as records to a topic (created if missing)',
  builder: (y) =>
    y
      .options(clusterOptions)
      .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, demandOption: true, describe: 'Topic to write to' })
      .option('key-separator', { alias: 'K', type: 'string', describe: 'Split each line into key and value at this string' })
      .option('partition', { alias: 'p', type: 'number', coerce: wholeNumber('partition', 0), describe: 'Write every record to this partition' })
      .option('acks', { type: 'string', default: 'all', choices: ['0', '1', 'all', '-1'], describe: 'Acknowledgement level' })
      .option('linger-ms', { type: 'number', default: 5, describe: 'Wait this long to fill a batch' })
      .option('batch-bytes', { type: 'number', default: 16384, describe: 'Target batch size per partition' })
      .option('compression', compressionOption),
  handler: async (args) => {
    const acks = parseAcks(args.acks);
    const compression = parseCompression(args.compression);
    await withClient(connectClient(args, 'yak-produce'), async (client) => {
      const producer = new Producer(client, { acks, lingerMs: args['linger-ms'], batchBytes: args['batch-bytes'], compression });
      const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      const s = await produceLines(producer, args.topic, rl, { keySeparator: args['key-separator'], partition: args.partition });
      const where = [...s.perPartition].sort((a, b) => a[0] - b[0]).map(([p, n]) => `partition ${p}: ${n}`).join(', ');
      const acked = s.sent - s.failed;
      process.stderr.write(`${acks === 0 ? 'sent' : 'acknowledged'} ${acked} of ${s.sent} record(s) to ${args.topic}${where ? ` (${where})` : ''}, acks=${args.acks}\n`);
      if (s.firstError) throw new UserError(`${s.failed} record(s) failed: ${s.firstError.message}`);
    });
  },
};
