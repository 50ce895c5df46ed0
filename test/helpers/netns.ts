import { execFileSync } from 'node:child_process';
import { spawnYak, type YakProcess } from './cluster.js';

/**
 * Hosts for the network-partition tests: one Linux network namespace per process (the coordinator,
 * each broker), joined by veth pairs to one bridge in the test's own namespace, which holds the
 * bridge's address, so the test process is a client that reaches every host. Addresses are
 * 10.213.N.0/24 with N from the test's pid, on links that exist only inside these namespaces.
 *
 * A cut isolates one host from the other hosts, not from the test (the client): on both ends every
 * route between them goes through a gateway whose neighbour entry names a MAC nobody has, so
 * packets leave and die on the bridge in silence, as in a real partition (no refusal, no
 * unreachable error; connections hang until their own timeouts). Heal removes those routes.
 * Plain `ip`: no iptables/nft, and the kernel has no sch_netem.
 */

/** Why the namespace tests cannot run here, or null when they can (root, `ip`, and a namespace can be made). */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return '`ip netns` is not available (Debian package iproute2)';
  }
  // Root in a container may still lack the capability: try one.
  const probe = `yk${process.pid % 100_000}-probe`;
  try {
    ip('netns', 'add', probe);
  } catch (err) {
    return `cannot create a network namespace here: ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? (err as Error).message}`;
  }
  ipQuiet('netns', 'del', probe);
  return null;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Runs `ip` and ignores failure (cleanup of what may already be gone). */
function ipQuiet(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    // already gone
  }
}

/** Cut links route peers through this gateway, whose neighbour entry is a MAC that no port has. */
const BLACK_HOLE_GATEWAY = 253;
const BLACK_HOLE_MAC = '02:00:00:00:fd:fd';
const BRIDGE_ADDRESS = 254;

export class NetnsLab {
  private readonly tag = `yk${process.pid % 100_000}`;
  private readonly subnet = `10.213.${(process.pid % 250) + 1}`;
  private readonly hosts = new Map<string, { ns: string; address: string; index: number }>();
  private readonly cut = new Set<string>();
  private readonly processes: YakProcess[] = [];
  private readonly bridge = `${this.tag}br`;

  /** Creates the bridge and one namespace per host name (e.g. zk, b1, b2, b3), each with one address. */
  constructor(names: string[]) {
    process.once('exit', () => this.destroySync());
    try {
      ip('link', 'add', this.bridge, 'type', 'bridge');
      ip('addr', 'add', `${this.subnet}.${BRIDGE_ADDRESS}/24`, 'dev', this.bridge);
      ip('link', 'set', this.bridge, 'up');
      names.forEach((name, i) => this.addHost(name, i + 1));
    } catch (err) {
      this.destroySync();
      throw new Error(`cannot set up network namespaces: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`);
    }
  }

  private addHost(name: string, index: number): void {
    const ns = `${this.tag}-${name}`;
    const outside = `${this.tag}h${index}`;
    const inside = `${this.tag}n${index}`;
    const address = `${this.subnet}.${index}`;
    this.hosts.set(name, { ns, address, index });
    ip('netns', 'add', ns);
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', ns);
    ip('link', 'set', outside, 'master', this.bridge, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside);
    ip('-n', ns, 'link', 'set', inside, 'up');
    ip('-n', ns, 'neigh', 'add', `${this.subnet}.${BLACK_HOLE_GATEWAY}`, 'lladdr', BLACK_HOLE_MAC, 'dev', inside, 'nud', 'permanent');
  }

  private host(name: string) {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  address(name: string): string {
    return this.host(name).address;
  }

  /**
   * Starts `yak ...args` on host `name`. Every process of these tests starts here: the one place that
   * knows how a process run by hand joins the cluster.
   */
  startYak(name: string, args: string[]): YakProcess {
    const p = spawnYak(args, { netns: this.host(name).ns });
    this.processes.push(p);
    return p;
  }

  /** Isolates `name` from every other host (each direction), not from the test's own namespace. */
  cutOff(name: string): void {
    this.routesAround(name, 'add');
    this.cut.add(name);
  }

  heal(name: string): void {
    this.routesAround(name, 'del');
    this.cut.delete(name);
  }

  private routesAround(name: string, op: 'add' | 'del'): void {
    const target = this.host(name);
    const via = `${this.subnet}.${BLACK_HOLE_GATEWAY}`;
    for (const [other, h] of this.hosts) {
      if (other === name) continue;
      ip('-n', target.ns, 'route', op, `${h.address}/32`, 'via', via);
      ip('-n', h.ns, 'route', op, `${target.address}/32`, 'via', via);
    }
  }

  /** Kills every process started here, then removes the namespaces, veths and bridge. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGKILL')));
    this.destroySync();
  }

  private destroySync(): void {
    for (const h of this.hosts.values()) {
      ipQuiet('link', 'del', `${this.tag}h${h.index}`);
      ipQuiet('netns', 'del', h.ns);
    }
    ipQuiet('link', 'del', this.bridge);
  }
}
