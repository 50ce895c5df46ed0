import net from 'node:net';

export interface Address {
  host: string;
  port: number;
}

/**
 * The network between the processes of a `yak chaos` cluster, where a partition can be made without
 * root: one TCP proxy in front of every process (the coordinator and each broker). Brokers are given
 * the coordinator's proxy as their coordinator and advertise their own proxy, so every connection
 * between two processes, and every client connection, goes through the proxy of the process it goes to.
 *
 * A connection's source is known from the client id of its first request: a broker's links to the
 * coordinator are `broker-N`, `broker-N-watch` and `broker-N-groups`, its replica fetchers are
 * `replica-fetcher-N` (see `sourceOf`). Anything else is a client, and clients are never cut: a
 * process cut off from its peers still hears clients, the worst case for split brain (clients keep
 * handing the cut-off leader writes, and it must acknowledge none).
 *
 * `isolate(name)` cuts every link between that process and the others, both ways: their connections
 * stop carrying bytes (both sockets paused: no refusal, no reset, requests time out, as when packets
 * are dropped) and new ones are accepted but not carried. `heal(name)` lets them flow again, with
 * what was sent meanwhile delivered late, as TCP retransmission does after a partition heals.
 */
export class ProxyNetwork {
  private readonly proxies = new Map<string, net.Server>();
  private readonly links = new Set<ProxiedConnection>();
  private readonly isolated = new Set<string>();
  /** Connections seen per source, to tell whether a cut touched anything (see `connectionsFrom`). */
  private readonly seen = new Map<string, number>();

  /**
   * Starts the proxy in front of process `name` (`zookeeper`, `broker-N`) on `host`, port chosen by
   * the system. `upstream` says where that process listens now (null while it is not running).
   */
  async add(name: string, host: string, upstream: () => Address | null): Promise<Address> {
    const server = net.createServer((socket) => this.accept(name, socket, upstream));
    this.proxies.set(name, server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const a = server.address() as net.AddressInfo;
    return { host, port: a.port };
  }

  /** Cuts `name` off from every other process (not from clients). */
  isolate(name: string): void {
    this.isolated.add(name);
    for (const l of this.links) if (this.isCut(l.source, l.target)) l.hold();
  }

  heal(name: string): void {
    this.isolated.delete(name);
    for (const l of this.links) if (!this.isCut(l.source, l.target)) l.release();
  }

  /** How many connections process `name` has opened through the proxies so far. */
  connectionsFrom(name: string): number {
    return this.seen.get(name) ?? 0;
  }

  async close(): Promise<void> {
    for (const l of this.links) l.destroy();
    await Promise.all([...this.proxies.values()].map((s) => new Promise<void>((r) => s.close(() => r()))));
  }

  private isCut(source: string | null, target: string): boolean {
    return source !== null && source !== target && (this.isolated.has(source) || this.isolated.has(target));
  }

  private accept(target: string, socket: net.Socket, upstream: () => Address | null): void {
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // its close ends the link
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const clientId = firstClientId(head);
      if (clientId === undefined) return; // the header is not complete yet
      socket.off('data', onData);
      socket.pause();
      const source = clientId === null ? null : sourceOf(clientId);
      if (source !== null) this.seen.set(source, (this.seen.get(source) ?? 0) + 1);
      const to = upstream();
      if (!to) return socket.destroy();
      const link = new ProxiedConnection(source, target, socket, to, head);
      this.links.add(link);
      link.onClose(() => this.links.delete(link));
      if (this.isCut(source, target)) link.hold();
      else link.release();
    };
    socket.on('data', onData);
  }
}

/** Which process a client id belongs to (`broker-N`), or null for a client. */
export function sourceOf(clientId: string): string | null {
  const m = /^(?:broker|replica-fetcher)-(\d+)(?:-watch|-groups)?$/.exec(clientId);
  return m ? `broker-${m[1]}` : null;
}

/**
 * The client id of the first request in `bytes` (request header v1: size, api key, version,
 * correlation id, client id); undefined while more bytes are needed, null when it is not a request
 * header a proxy can read (then the connection is a client's, carried as it is).
 */
export function firstClientId(bytes: Buffer): string | null | undefined {
  const fixed = 4 + 2 + 2 + 4;
  if (bytes.length < fixed + 2) return undefined;
  const size = bytes.readInt32BE(0);
  const length = bytes.readInt16BE(fixed);
  if (length < 0) return null;
  if (size < fixed - 4 + 2 + length) return null;
  if (bytes.length < fixed + 2 + length) return undefined;
  return bytes.toString('utf8', fixed + 2, fixed + 2 + length);
}

/** One client connection and its upstream connection, carried both ways unless held. */
class ProxiedConnection {
  private upstream: net.Socket | null = null;
  private held = true;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    readonly source: string | null,
    readonly target: string,
    private readonly downstream: net.Socket,
    private readonly to: Address,
    /** Bytes read before the source was known, sent upstream first. */
    private readonly head: Buffer,
  ) {
    downstream.once('close', () => this.destroy());
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Stops carrying bytes both ways (a connection not yet made upstream waits). */
  hold(): void {
    this.held = true;
    this.downstream.pause();
    this.upstream?.pause();
  }

  /** Carries bytes again; the first time, connects upstream. */
  release(): void {
    if (this.closed) return;
    this.held = false;
    if (this.upstream) {
      this.downstream.resume();
      this.upstream.resume();
      return;
    }
    const up = net.connect(this.to);
    this.upstream = up;
    up.setNoDelay(true);
    up.pause();
    up.on('error', () => undefined);
    up.once('close', () => this.destroy());
    up.once('connect', () => {
      up.write(this.head);
      this.carry(this.downstream, up);
      this.carry(up, this.downstream);
      if (!this.held) this.release();
    });
  }

  /** Forwards `from` to `to` with backpressure; never resumes a held connection. */
  private carry(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!this.held) from.resume();
    });
    from.once('end', () => to.end());
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.downstream.destroy();
    this.upstream?.destroy();
    for (const l of this.closeListeners) l();
  }
}
