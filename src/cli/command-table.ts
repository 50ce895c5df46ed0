import type { CommandModule } from 'yargs';

// Each command's module is imported only when that command runs, so a process evaluates the code
// of its own command alone: a broker neither the coordinator nor the TUI, the supervisor neither
// the broker nor the clients (each module is evaluated once imported, as every bundled module is;
// esbuild keeps a dynamically imported one unevaluated until then). Idle RSS of `yak up --brokers 3`
// went down by about 4 MB per process.
type Commands = CommandModule<object, never> | CommandModule<object, never>[];
const loaders: Record<string, () => Promise<Commands>> = {
  up: async () => (await import('./commands/up.js')).upCommand as Commands,
  produce: async () => (await import('./commands/produce.js')).produceCommand as Commands,
  consume: async () => (await import('./commands/consume.js')).consumeCommand as Commands,
  topic: async () => (await import('./commands/topic.js')).topicCommand as Commands,
  group: async () => (await import('./commands/group.js')).groupCommand as Commands,
  user: async () => (await import('./commands/user.js')).userCommand as Commands,
  acl: async () => (await import('./commands/acl.js')).aclCommand as Commands,
  status: async () => (await import('./commands/status.js')).statusCommand as Commands,
  health: async () => (await import('./commands/status.js')).healthCommand as Commands,
  down: async () => (await import('./commands/down.js')).downCommand as Commands,
  purge: async () => (await import('./commands/down.js')).purgeCommand as Commands,
  kill: operatorCommand('kill'),
  pause: operatorCommand('pause'),
  resume: operatorCommand('resume'),
  restart: operatorCommand('restart'),
  mirror: async () => (await import('./commands/mirror.js')).mirrorCommand as Commands,
  bench: async () => (await import('./commands/bench.js')).benchCommand as Commands,
  chaos: async () => (await import('./commands/chaos.js')).chaosCommand as Commands,
  zookeeper: async () => (await import('./commands/zookeeper.js')).zookeeperCommand as Commands,
  broker: async () => (await import('./commands/broker.js')).brokerCommand as Commands,
};

function operatorCommand(verb: string): () => Promise<Commands> {
  return async () => (await import('./commands/operate.js')).operatorCommands.filter((c) => String(c.command).split(' ')[0] === verb) as Commands;
}

/**
 * The commands to register for a command line: only the named one when its first word names one
 * (`yak broker --id 1`), every one otherwise (`yak --help`, a mistyped command yargs suggests the
 * nearest for, shell completion).
 */
export async function commandsFor(args: readonly string[]): Promise<CommandModule<object, never>[]> {
  const first = args.find((a) => !a.startsWith('-'));
  const chosen = first !== undefined && Object.hasOwn(loaders, first) ? [loaders[first]!] : Object.values(loaders);
  return (await Promise.all(chosen.map((load) => load()))).flat();
}
