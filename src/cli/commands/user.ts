import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../common/errors.js';
import { scramMinIterations } from '../../common/limits.js';
import { UserAdmin } from '../../client/user-admin.js';
import { CLUSTER_USER } from '../../security/cluster-principal.js';
import { iterationsProblem, SCRAM_MECHANISMS, type ScramMechanism } from '../../security/scram.js';
import { KafkaClient } from '../../client/kafka-client.js';
import { clusterSaslCredentials } from '../../security/cluster-principal.js';
import { clusterOptions, connectClient, memberSecret, resolveBootstrap, type ClusterArgs } from '../cluster-access.js';
import { clientSecurity } from '../security-options.js';
import { formatTable, withClient } from '../output.js';

interface PasswordArgs extends UserClusterArgs {
  name: string;
  'password-stdin': boolean;
  mechanism?: ScramMechanism;
  iterations: number;
}

interface NameArgs extends UserClusterArgs {
  name: string;
}

interface UserClusterArgs extends ClusterArgs {
  'secret-file'?: string;
}

/**
 * The client `yak user` manages users through: the admin of the data dir (or --user), or, with
 * --secret-file, the cluster's own principal (a super user). A cluster run by hand has no user yet:
 * whoever holds its secret creates the first one.
 */
function userAdminClient(args: UserClusterArgs): KafkaClient {
  if (args['secret-file'] === undefined) return connectClient(args, 'yak-user');
  const login = clusterSaslCredentials(memberSecret(args['secret-file'])!);
  return new KafkaClient({ bootstrap: resolveBootstrap(args), clientId: 'yak-user', security: clientSecurity(args, login) });
}

/** Shortest password `yak user` accepts: a local cluster is still reachable by every local process. */
const MIN_PASSWORD_CHARS = 8;

/**
 * The new password: from stdin with --password-stdin (or when stdin is not a terminal), else asked
 * twice at a prompt that does not echo. Never from argv, where `ps` shows it to every local user.
 */
async function readNewPassword(args: PasswordArgs): Promise<string> {
  const fromPipe = args['password-stdin'] || !process.stdin.isTTY;
  const password = fromPipe ? (await readAll(process.stdin)).replace(/\r?\n$/, '') : await promptTwice(`password for ${args.name}: `);
  if (password.length < MIN_PASSWORD_CHARS) throw new UserError(`the password must have at least ${MIN_PASSWORD_CHARS} characters`, 2);
  if (password.includes('\n')) throw new UserError('the password must be one line', 2);
  return password;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

async function promptTwice(question: string): Promise<string> {
  const first = await promptHidden(question);
  const again = await promptHidden('again: ');
  if (first !== again) throw new UserError('the two passwords differ', 2);
  return first;
}

/** Reads one line from the terminal with echo off (raw mode), for a password. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let line = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(line));
        if (ch === '\u0003') return finish(() => reject(new UserError('cancelled', 130)));
        if (ch === '\u007f') line = line.slice(0, -1);
        else line += ch;
      }
    };
    const finish = (then: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      then();
    };
    stdin.on('data', onData);
  });
}

function checkName(name: string): string {
  if (name === '') throw new Error('the user name must not be empty');
  if (name === CLUSTER_USER) throw new Error(`${CLUSTER_USER} is the cluster's own principal (its credential comes from the cluster secret)`);
  return name;
}

function passwordOptions(c: Argv<NameArgs>): Argv<PasswordArgs> {
  return c
    .option('password-stdin', { type: 'boolean', default: false, describe: 'Read the password from stdin (the default when stdin is not a terminal); else it is asked for, unechoed' })
    .option('mechanism', { type: 'string', choices: SCRAM_MECHANISMS, describe: 'Only this SCRAM mechanism (default: both; PLAIN logins check against them)' })
    .option('iterations', {
      type: 'number',
      default: scramMinIterations,
      coerce: (n: number) => {
        const problem = iterationsProblem(n);
        if (problem) throw new Error(`--iterations: ${problem}`);
        return n;
      },
      describe: 'PBKDF2 iterations of the stored credential',
    }) as Argv<PasswordArgs>;
}

const nameArg = (c: Argv) => c.positional('name', { type: 'string', demandOption: true, coerce: checkName }) as Argv<NameArgs>;

export const userCommand: CommandModule = {
  command: 'user <action>',
  describe: 'Create, list, change the password of and delete SASL/SCRAM users (needs a super user, such as the admin yak up made)',
  builder: (y: Argv) =>
    y
      .options(clusterOptions)
      .option('secret-file', { type: 'string', describe: "Log in as the cluster's own principal, with the cluster.secret (the first user of a cluster run by hand)" })
      .command<PasswordArgs>({
        command: 'create <name>',
        describe: 'Create a user (SCRAM-SHA-256 and -512; PLAIN logins check against them)',
        builder: (c) => passwordOptions(nameArg(c)),
        handler: (args) =>
          withClient(userAdminClient(args), async (client) => {
            const admin = new UserAdmin(client);
            if ((await admin.describe()).some((u) => u.user === args.name)) throw new UserError(`user ${args.name} exists: change its password with yak user passwd ${args.name}`);
            await admin.setPassword(args.name, await readNewPassword(args), args.mechanism ? [args.mechanism] : SCRAM_MECHANISMS, args.iterations);
            process.stdout.write(`created user ${args.name} (${args.mechanism ?? SCRAM_MECHANISMS.join(', ')})\n`);
          }),
      })
      .command<PasswordArgs>({
        command: 'passwd <name>',
        describe: "Change a user's password (connections already logged in stay until they re-authenticate)",
        builder: (c) => passwordOptions(nameArg(c)),
        handler: (args) =>
          withClient(userAdminClient(args), async (client) => {
            const admin = new UserAdmin(client);
            const [info] = await admin.describe([args.name]);
            const mechanisms = args.mechanism ? [args.mechanism] : (info?.credentials.map((c) => c.mechanism).filter((m): m is ScramMechanism => (SCRAM_MECHANISMS as readonly string[]).includes(m)) ?? []);
            await admin.setPassword(args.name, await readNewPassword(args), mechanisms, args.iterations);
            process.stdout.write(`changed the password of ${args.name} (${mechanisms.join(', ')})\n`);
          }),
      })
      .command<UserClusterArgs & { json: boolean }>({
        command: 'list',
        describe: 'List users and their SCRAM mechanisms',
        builder: (c) => c.option('json', { type: 'boolean', default: false, describe: 'Machine-readable output' }) as Argv<UserClusterArgs & { json: boolean }>,
        handler: (args) =>
          withClient(userAdminClient(args), async (client) => {
            const users = await new UserAdmin(client).describe();
            if (args.json) return void process.stdout.write(JSON.stringify(users, null, 2) + '\n');
            if (users.length === 0) return void process.stdout.write('no users\n');
            process.stdout.write(formatTable(['USER', 'MECHANISMS', 'ITERATIONS'], users.map((u) => [u.user, u.credentials.map((c) => c.mechanism).join(','), u.credentials.map((c) => c.iterations).join(',')])));
          }),
      })
      .command<NameArgs>({
        command: 'delete <name>',
        describe: 'Delete a user (new logins fail at once; open connections stay until they re-authenticate)',
        builder: (c) => nameArg(c),
        handler: (args) =>
          withClient(userAdminClient(args), async (client) => {
            await new UserAdmin(client).delete(args.name);
            process.stdout.write(`deleted user ${args.name}\n`);
          }),
      })
      .demandCommand(1, 'name an action: create, passwd, list or delete'),
  handler: () => undefined,
};
