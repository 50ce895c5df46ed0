import readline from 'node:readline';
import type { CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { Producer } from '../../client/producer.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs, wholeNumber } from '../cluster-access.js';
import { compressionOption, ExitCode, parseAcks, parseCompression, withClient } from '../output.js';

interface Args extends ClusterArgs {
  topic: string;
  'key-separator'?: string;
  partition?: number;
  acks: string;
  'linger-ms': number;
  'batch-bytes': number;
  compression: string;
  'delivery-timeout-ms': number;
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
export async function produceLines(
  producer: Producer,
  topic: string,
  lines: AsyncIterable<string>,
  opts: { keySeparator?: string; partition?: number; onAcked?: (partition: number) => void },
  /** Filled in as answers come, so a caller can report it before the end. */
  summary: ProduceSummary = { sent: 0, failed: 0, perPartition: new Map(), firstError: null },
): Promise<ProduceSummary> {
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
        opts.onAcked?.(meta!.partition);
      }
    });
    await producer.capacity();
  }
  await producer.flush();
  if (malformed) throw malformed;
  return summary;
}

/**
 * Says on stderr why records are not acknowledged yet, once a partition has been retrying for a
 * while (a failover's moment of NOT_LEADER_OR_FOLLOWER is not worth a line), at most every 5 s.
 */
class RetryNotices {
  private readonly since = new Map<string, number>();
  private lastNoticeMs = 0;

  retried(topic: string, partition: number, err: Error): void {
    const k = `${topic}-${partition}`;
    const now = Date.now();
    const since = this.since.get(k) ?? now;
    this.since.set(k, since);
    if (now - since < 2000 || now - this.lastNoticeMs < 5000) return;
    this.lastNoticeMs = now;
    process.stderr.write(`yak: ${k} not acknowledged for ${Math.round((now - since) / 1000)} s: ${err.message}; still retrying\n`);
  }

  acked(topic: string, partition: number): void {
    this.since.delete(`${topic}-${partition}`);
  }
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
      .option('compression', compressionOption)
      .option('delivery-timeout-ms', { type: 'number', default: 120_000, coerce: wholeNumber('delivery-timeout-ms', 1), describe: 'Give a record up after this long, retries included' }),
  handler: async (args) => {
    const acks = parseAcks(args.acks);
    const compression = parseCompression(args.compression);
    await withClient(connectClient(args, 'yak-produce'), async (client) => {
      const waiting = new RetryNotices();
      const producer = new Producer(client, { acks, lingerMs: args['linger-ms'], batchBytes: args['batch-bytes'], compression, deliveryTimeoutMs: args['delivery-timeout-ms'], onRetry: (t, p, err) => waiting.retried(t, p, err) });
      const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
      const s: ProduceSummary = { sent: 0, failed: 0, perPartition: new Map(), firstError: null };
      const report = () => {
        const where = [...s.perPartition].sort((a, b) => a[0] - b[0]).map(([p, n]) => `partition ${p}: ${n}`).join(', ');
        const acked = [...s.perPartition.values()].reduce((a, b) => a + b, 0);
        const unanswered = s.sent - s.failed - acked;
        process.stderr.write(`${acks === 0 ? 'sent' : 'acknowledged'} ${acked} of ${s.sent} record(s) to ${args.topic}${where ? ` (${where})` : ''}, acks=${args.acks}${unanswered > 0 ? `; ${unanswered} not answered` : ''}\n`);
      };
      // Ctrl-C stops reading; what was already sent is still waited for and counted. Ctrl-C again, or
      // SIGTERM (a timeout, a service manager): say what is known and quit now.
      let interrupted = false;
      const quitNow = (code: number) => {
        report();
        process.exit(code);
      };
      process.on('SIGINT', () => {
        if (interrupted) quitNow(ExitCode.interrupted);
        interrupted = true;
        process.stderr.write('yak: interrupted: waiting for the answers to what was sent (Ctrl-C again to quit at once)\n');
        rl.close();
      });
      process.on('SIGTERM', () => quitNow(ExitCode.terminated));
      await produceLines(producer, args.topic, rl, { keySeparator: args['key-separator'], partition: args.partition, onAcked: (p) => waiting.acked(args.topic, p) }, s);
      report();
      if (s.firstError) throw new UserError(`${s.failed} record(s) failed: ${s.firstError.message}`);
      if (interrupted) throw new UserError('interrupted before the end of the input', ExitCode.interrupted);
    });
  },
};
