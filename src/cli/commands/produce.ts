import fs from 'node:fs';
import readline from 'node:readline';
import type { CommandModule } from 'yargs';
import { KafkaError, UserError } from '../../common/errors.js';
import { interruptGraceMs, maxInFlightBatchesPerPartition } from '../../common/limits.js';
import { Producer, type RecordMetadata } from '../../client/producer.js';
import { checkedTopicName, clusterOptions, connectClient, type ClusterArgs, wholeNumber } from '../cluster-access.js';
import { compressionOption, ExitCode, parseAcks, parseCompression, withClient } from '../output.js';
import { jsonLineReader, parseHeaderFlags, textLineReader, type LineReader } from '../produce-input.js';
import { BYTES_ENCODINGS, type BytesEncoding } from '../record-format.js';
import { ProduceTally } from '../produce-summary.js';

const SUMMARY_FORMATS = ['text', 'json'] as const;

interface Args extends ClusterArgs {
  topic: string;
  key?: string;
  'key-separator'?: string;
  header: string[];
  file?: string;
  json: boolean;
  'json-encoding': BytesEncoding;
  partition?: number;
  acks: string;
  'linger-ms': number;
  'batch-bytes': number;
  compression: string;
  'max-in-flight': number;
  'delivery-timeout-ms': number;
  summary: (typeof SUMMARY_FORMATS)[number];
}

/**
 * Sends input lines as records (each made by `toRecord`) and resolves once every one has its
 * answer. Stops at the first malformed line, after the lines before it are acknowledged.
 */
export async function produceLines(
  producer: Producer,
  topic: string,
  lines: AsyncIterable<string>,
  opts: { toRecord: LineReader; onAcked?: (meta: RecordMetadata) => void },
  /** Filled in as answers come, so a caller can report it before the end. */
  summary: ProduceTally = new ProduceTally(),
): Promise<ProduceTally> {
  // Start iterating before the first await: readline drops lines emitted before its iterator exists.
  const input = lines[Symbol.asyncIterator]();
  await producer.partitionsOf(topic);
  let lineNo = 0;
  let malformed: UserError | null = null;
  for (let next = await input.next(); !next.done; next = await input.next()) {
    lineNo++;
    let record: ReturnType<LineReader>;
    try {
      record = opts.toRecord(next.value, lineNo);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      malformed = new UserError(`${err.message}; ${summary.sent} record(s) before it were sent`);
      break;
    }
    try {
      producer.send(topic, record, (err, meta) => {
        if (err) summary.failedWith(err);
        else {
          summary.acked(meta!);
          opts.onAcked?.(meta!);
        }
      });
    } catch (err) {
      // A partition the topic does not have: refused before it is queued, like a malformed line.
      if (!(err instanceof KafkaError)) throw err;
      malformed = new UserError(`line ${lineNo}: ${err.message}; ${summary.sent} record(s) before it were sent`);
      break;
    }
    summary.sent++;
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

/** How each input line becomes a record, from the flags; contradictions are usage errors. */
function lineReader(args: Args): LineReader {
  const headers = parseHeaderFlags(args.header);
  const key = args.key !== undefined ? Buffer.from(args.key) : undefined;
  if (key !== undefined && args['key-separator'] !== undefined) throw new UserError('--key gives every record one key, --key-separator reads one from each line: give one', 2);
  if (args.json) {
    if (args['key-separator'] !== undefined) throw new UserError('--json lines carry their key: drop --key-separator', 2);
    return jsonLineReader({ encoding: args['json-encoding'], key, headers, partition: args.partition });
  }
  return textLineReader({ key, keySeparator: args['key-separator'], headers, partition: args.partition });
}

export const produceCommand: CommandModule<object, Args> = {
  command: 'produce',
  describe: 'Send input lines (stdin, or --file) as records to a topic (created if missing)',
  builder: (y) =>
    y
      .options(clusterOptions)
      .option('topic', { alias: 't', type: 'string', coerce: checkedTopicName, demandOption: true, describe: 'Topic to write to' })
      .option('key', { alias: 'k', type: 'string', describe: 'Give every record this key' })
      .option('key-separator', { alias: 'K', type: 'string', describe: 'Split each line into key and value at this string (kcat: -K)' })
      .option('header', { alias: 'H', type: 'string', array: true, default: [] as string[], describe: 'Add this header name=value to every record (repeatable; kcat: -H)' })
      .option('file', { alias: 'l', type: 'string', describe: "Read the lines of this file instead of stdin (kcat: -l)" })
      .option('json', {
        type: 'boolean',
        default: false,
        describe: 'Each line is a JSON record: {"key", "value", "headers", "partition", "timestamp"} as yak consume --json prints (headers also {"name": "value"})',
      })
      .option('json-encoding', { choices: BYTES_ENCODINGS, default: 'utf8' as const, describe: 'With --json: keys, values and header values are UTF-8 text, or base64' })
      .option('partition', { alias: 'p', type: 'number', coerce: wholeNumber('partition', 0), describe: 'Write every record to this partition' })
      .option('acks', { type: 'string', default: 'all', choices: ['0', '1', 'all', '-1'], describe: 'Acknowledgement level' })
      .option('linger-ms', { type: 'number', default: 5, describe: 'Wait this long to fill a batch' })
      .option('batch-bytes', { type: 'number', default: 16384, describe: 'Target batch size per partition' })
      .option('compression', compressionOption)
      .option('max-in-flight', { type: 'number', default: 5, coerce: wholeNumber('max-in-flight', 1), describe: "Batches per partition in flight (Kafka's max.in.flight.requests.per.connection; at most 5 with acks=all; with acks 0 or 1 a retry can reorder above 1)" })
      .option('delivery-timeout-ms', { type: 'number', default: 120_000, coerce: wholeNumber('delivery-timeout-ms', 1), describe: 'Give a record up after this long, retries included' })
      .option('summary', {
        choices: SUMMARY_FORMATS,
        default: 'text' as const,
        describe: 'The summary at the end: a line on stderr, or json: one JSON object on stdout instead, also when it fails (sent, acknowledged, failed, partitions with their first and last offsets, error: see the README)',
      })
      .check((a) => (parseAcks(a.acks) === -1 && a['max-in-flight'] > maxInFlightBatchesPerPartition ? `--max-in-flight is at most ${maxInFlightBatchesPerPartition} with --acks all (an idempotent producer's retries must find their sequences remembered)` : true))
      .example('echo hello | $0 produce -t demo', 'One record, value "hello"')
      .example('$0 produce -t demo -K : -H source=cli', 'Lines key:value, each with the header source=cli')
      .example(`echo '{"key":"k","value":"v"}' | $0 produce -t demo --json`, 'A record from JSON (also "headers", "partition", "timestamp")')
      .example('seq 3 | $0 produce -t demo --summary json', 'The summary as one JSON object on stdout, for scripts'),
  handler: async (args) => {
    const acks = parseAcks(args.acks);
    const compression = parseCompression(args.compression);
    const toRecord = lineReader(args);
    const input = args.file !== undefined ? openInput(args.file) : process.stdin;
    // Typing records on a terminal: say where each one went as it is acknowledged.
    const interactive = args.file === undefined && process.stdin.isTTY === true;
    await withClient(connectClient(args, 'yak-produce'), async (client) => {
      const waiting = new RetryNotices();
      const producer = new Producer(client, { acks, lingerMs: args['linger-ms'], batchBytes: args['batch-bytes'], compression, maxInFlight: args['max-in-flight'], deliveryTimeoutMs: args['delivery-timeout-ms'], onRetry: (t, p, err) => waiting.retried(t, p, err) });
      const rl = readline.createInterface({ input, crlfDelay: Infinity });
      const s = new ProduceTally();
      const acksName = acks === -1 ? 'all' : String(acks);
      let interrupted = false;
      // The summary: a line on stderr, or with --summary json one object on stdout (and no line), for scripts.
      const report = (error: Error | null = null) => {
        if (args.summary === 'json') process.stdout.write(JSON.stringify(s.toJson(args.topic, acksName, { interrupted, error })) + '\n');
        else if (s.sent > 0 || error === null) process.stderr.write(s.line(args.topic, acksName) + '\n');
      };
      // Ctrl-C stops reading; what was already sent is still waited for and counted. Ctrl-C again, or
      // SIGTERM (a timeout, a service manager): say what is known and quit now.
      const quitNow = (code: number, why: string) => {
        report(s.answered() < s.sent ? new Error(why) : null);
        process.exit(code);
      };
      process.on('SIGINT', () => {
        if (interrupted) quitNow(ExitCode.interrupted, 'quit by a second Ctrl-C before every record was answered');
        interrupted = true;
        process.stderr.write('yak: interrupted: waiting for the answers to what was sent (Ctrl-C again to quit at once)\n');
        rl.close();
        // While answers keep coming it waits; none for interruptGraceMs (the cluster gone, say): it quits.
        let answered = s.answered();
        let answeredAt = Date.now();
        setInterval(() => {
          const now = s.answered();
          if (now !== answered) [answered, answeredAt] = [now, Date.now()];
          else if (now < s.sent && Date.now() - answeredAt >= interruptGraceMs) {
            process.stderr.write(`yak: no answer for ${interruptGraceMs} ms (is the cluster running? \`yak status\` tells); quitting\n`);
            quitNow(ExitCode.interrupted, `no answer for ${interruptGraceMs} ms`);
          }
        }, 100).unref();
      });
      process.on('SIGTERM', () => quitNow(ExitCode.terminated, 'stopped by SIGTERM before every record was answered'));
      const onAcked = (meta: RecordMetadata) => {
        waiting.acked(args.topic, meta.partition);
        if (interactive) process.stderr.write(acks === 0 ? `sent to ${meta.topic}-${meta.partition}\n` : `acknowledged: ${meta.topic}-${meta.partition} offset ${meta.offset}\n`);
      };
      try {
        await produceLines(producer, args.topic, rl, { toRecord, onAcked }, s);
      } catch (err) {
        report(err as Error); // a malformed line stopped it (say what before it was acknowledged), or the cluster refused
        throw err;
      }
      const failed = s.firstError ? new UserError(`${s.failed} record(s) failed: ${s.firstError.message}`) : null;
      report(failed);
      if (failed) throw failed;
      // Stopped by Ctrl-C with every record it read acknowledged: nothing went wrong (exit 0).
      if (interrupted) process.stderr.write(`yak: stopped by Ctrl-C: all ${s.sent} record(s) read were ${acks === 0 ? 'sent' : 'acknowledged'}\n`);
    });
  },
};

/** --file: its lines; a file that cannot be read is the user's error, said before anything connects. */
function openInput(file: string): fs.ReadStream {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (fs.statSync(file).isDirectory()) throw new Error('it is a directory');
  } catch (err) {
    throw new UserError(`--file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 2);
  }
  return fs.createReadStream(file);
}
