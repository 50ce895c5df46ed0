import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { interruptGraceMs, mirrorFollowIntervalMs } from '../../common/limits.js';
import { KafkaClient, parseBootstrap, sleep } from '../../client/kafka-client.js';
import { SASL_MECHANISMS, type SaslMechanismName } from '../../security/sasl-server.js';
import { SECURITY_PROTOCOLS, usesSasl, type SecurityProtocol } from '../../security/security-protocol.js';
import { connectionSecurityFrom } from '../../supervisor/cluster-security.js';
import { Mirror, type MirrorPassResult } from '../../mirror/mirror.js';
import { clusterOptions, connectClient, type ClusterArgs } from '../cluster-access.js';
import { compressionOption, ExitCode, parseCompression } from '../output.js';

interface Args extends ClusterArgs {
  to: string;
  topics: string;
  groups: string;
  follow?: boolean;
  once?: boolean;
  compression: string;
  'to-security-protocol': string;
  'to-user'?: string;
  'to-password-file'?: string;
  'to-sasl-mechanism': string;
  'to-tls-ca'?: string;
  'to-tls-client-cert'?: string;
  'to-tls-client-key'?: string;
}

/** The destination's way in, with Kafka's client names; its password from a file only. */
const destinationSecurityOptions = {
  'to-security-protocol': { type: 'string', choices: SECURITY_PROTOCOLS, default: 'PLAINTEXT', describe: "The destination's listener protection (security.protocol)" },
  'to-user': { type: 'string', describe: 'SASL user on the destination' },
  'to-password-file': { type: 'string', describe: "File holding that user's password (never the password itself on the command line)" },
  'to-sasl-mechanism': { type: 'string', choices: SASL_MECHANISMS, default: 'SCRAM-SHA-512', describe: "The destination's SASL mechanism (sasl.mechanism)" },
  'to-tls-ca': { type: 'string', describe: "PEM file of the CA that signed the destination's certificates (default: the system's)" },
  'to-tls-client-cert': { type: 'string', describe: 'PEM client certificate for mutual TLS with the destination' },
  'to-tls-client-key': { type: 'string', describe: 'Its PEM private key' },
} as const;

/** `--topics orders.*`: a whole-name match, as MirrorMaker 2's topics and groups lists. */
function wholeName(flag: string, source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new UserError(`--${flag}: ${(err as Error).message}`, 2);
  }
}

function destinationClient(args: Args): KafkaClient {
  let bootstrap: { host: string; port: number }[];
  try {
    bootstrap = parseBootstrap(args.to);
  } catch (err) {
    throw new UserError(`--to: ${(err as Error).message}`, 2);
  }
  const protocol = args['to-security-protocol'] as SecurityProtocol;
  if (usesSasl(protocol) && (!args['to-user'] || !args['to-password-file'])) throw new UserError(`a ${protocol} destination needs --to-user and --to-password-file`, 2);
  const security = connectionSecurityFrom({
    protocol,
    caFile: args['to-tls-ca'],
    certFile: args['to-tls-client-cert'],
    keyFile: args['to-tls-client-key'],
    user: args['to-user'],
    passwordFile: args['to-password-file'],
    mechanism: args['to-sasl-mechanism'] as SaslMechanismName,
  });
  return new KafkaClient({ bootstrap, clientId: 'yak-mirror', security });
}

const summary = (r: MirrorPassResult) =>
  `${r.records} record(s) copied from ${r.topics} topic(s) (${r.created} created); ${r.groupsCommitted} group(s) committed${r.groupsSkipped ? `, ${r.groupsSkipped} left (active on the destination)` : ''}`;

export const mirrorCommand: CommandModule<object, Args> = {
  command: 'mirror',
  describe: 'Copy topics (configs, records) and consumer group offsets to another Kafka cluster, once or continuously',
  builder: (y) =>
    y
      .options(clusterOptions)
      .option('to', { type: 'string', demandOption: true, describe: 'The destination: any Kafka (2.4 or later) cluster, host:port[,host:port]' })
      .option('topics', { type: 'string', default: '.*', describe: 'Topics to mirror: a regular expression the whole name matches (internal topics never)' })
      .option('groups', { type: 'string', default: '.*', describe: 'Consumer groups whose offsets to translate and commit on the destination (a whole-name regular expression)' })
      .option('once', { type: 'boolean', describe: 'Copy what is there now and exit (the default)' })
      .option('follow', { type: 'boolean', conflicts: 'once', describe: 'Keep copying new records, topics and offsets until Ctrl-C' })
      .option('compression', compressionOption)
      .options(destinationSecurityOptions)
      .example('$0 mirror --to kafka-1:9092,kafka-2:9092', 'Copy every topic and group once; run it again to copy what is new')
      .example('$0 mirror --to kafka-1:9092 --topics "orders|payments" --groups "billing.*" --follow', 'Keep two topics and the billing groups in step until Ctrl-C')
      .example('$0 mirror --to broker.example.com:9093 --to-security-protocol SASL_SSL --to-user app --to-password-file pw.txt', 'To a secured cluster') as Argv<Args>,
  handler: async (args) => {
    const topics = wholeName('topics', args.topics);
    const groups = wholeName('groups', args.groups);
    const compression = parseCompression(args.compression);
    const source = connectClient(args, 'yak-mirror');
    const destination = destinationClient(args);
    let signal: NodeJS.Signals | null = null;
    const onSignal = (s: NodeJS.Signals) => {
      const code = s === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
      if (signal !== null) process.exit(code);
      signal = s;
      process.stderr.write('yak: mirror: stopping after the records sent so far are acknowledged and checkpointed... (Ctrl-C again to quit now)\n');
      setTimeout(() => {
        process.stderr.write(`yak: mirror: gave up waiting for the destination after ${interruptGraceMs} ms; a re-run copies again what was not checkpointed\n`);
        process.exit(code);
      }, interruptGraceMs).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const say = (line: string) => process.stderr.write(`yak: mirror: ${line}\n`);
    const mirror = new Mirror({ source, destination, topics, groups, compression, stopping: () => signal !== null, say });
    try {
      await mirror.open();
      for (;;) {
        const result = await mirror.pass();
        if (!args.follow || signal !== null) {
          process.stdout.write(`${summary(result)}\n`);
          break;
        }
        if (result.records > 0 || result.groupsCommitted > 0) say(summary(result));
        await sleep(mirrorFollowIntervalMs);
        if (signal !== null) break;
      }
    } finally {
      await mirror.close();
      source.close();
      destination.close();
    }
    if (signal !== null) process.exit(signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
  },
};
