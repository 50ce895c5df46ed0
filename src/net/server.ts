import net from 'node:net';
import { assertListenerLimits, listenerLimits, type ListenerLimits } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { ByteBudget } from './byte-budget.js';
import { ServerConnection, type RequestHandler } from './server-connection.js';

export type { ClientInfo, RequestHandler, RequestScope } from './server-connection.js';

export interface ServerOptions {
  host: string;
  port: number;
  /** Overrides of `listenerLimits` (src/common/limits.ts) for this server; checked against each other. */
  limits?: Partial<ListenerLimits>;
  /** Decides whether each new connection is served at all (the cluster handshake: net/cluster-auth.ts). */
  gate?: ConnectionGate;
  logger: Logger;
}

/**
 * Owns a new connection's bytes until it calls `admit` (then the server serves it from the next byte
 * on); to refuse, it closes the socket. It must leave no listener behind when it admits.
 */
export type ConnectionGate = (socket: net.Socket, admit: () => void) => void;

/**
 * A size-prefixed TCP request/response server (Kafka framing). Responses go back in request order on
 * each connection, as Kafka clients require, even when handlers finish out of order. Bytes that break
 * the grammar, a failing handler, or a peer over a limit close that connection only (one log line);
 * every other client carries on. Memory held for requests is bounded by the limits, whatever peers
 * claim or send (see ServerConnection).
 */
export class FrameServer {
  private readonly server: net.Server;
  private readonly limits: Readonly<ListenerLimits>;
  private readonly budget: ByteBudget;
  private readonly connections = new Set<ServerConnection>();
  /** Sockets still at the gate: they count against the connection limits and close() ends them too. */
  private readonly gated = new Set<net.Socket>();
  private readonly connectionsPerIp = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private nextClientId = 1;

  constructor(
    private readonly opts: ServerOptions,
    private readonly handler: RequestHandler,
  ) {
    this.limits = { ...listenerLimits, ...opts.limits };
    assertListenerLimits(this.limits);
    this.budget = new ByteBudget(this.limits.maxQueuedRequestBytesPerServer);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as net.AddressInfo;
        // Once listening, an error is one failed accept (EMFILE, say): not a reason to stop serving.
        this.server.on('error', (err) => this.opts.logger.error(`listener ${this.opts.host}:${addr.port}: ${err.message}`));
        this.startSweep();
        resolve({ host: this.opts.host, port: addr.port });
      });
    });
  }

  close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const c of [...this.connections]) c.destroy();
    for (const s of this.gated) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Bytes currently reserved for requests across all connections (for tests and diagnostics). */
  get queuedRequestBytes(): number {
    return this.budget.used;
  }

  private accept(socket: net.Socket): void {
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = this.connectionsPerIp.get(ip) ?? 0;
    const open = this.connections.size + this.gated.size;
    const refuse =
      open >= this.limits.maxConnectionsPerServer
        ? `${open} connections open, the most this server accepts (max.connections)`
        : fromIp >= this.limits.maxConnectionsPerIp
          ? `${fromIp} connections open from ${ip}, the most it accepts from one address (max.connections.per.ip)`
          : null;
    if (refuse) {
      this.opts.logger.warn(`refusing connection from ${ip}:${socket.remotePort}: ${refuse}`);
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    this.connectionsPerIp.set(ip, fromIp + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.connectionsPerIp.get(ip) ?? 1) - 1;
      if (left > 0) this.connectionsPerIp.set(ip, left);
      else this.connectionsPerIp.delete(ip);
    };
    const serve = () => {
      this.gated.delete(socket);
      if (socket.destroyed) return release();
      const conn = new ServerConnection(this.nextClientId++, socket, this.limits, this.budget, this.handler, this.opts.logger, (c) => {
        this.connections.delete(c);
        release();
      });
      this.connections.add(conn);
    };
    if (!this.opts.gate) return serve();
    this.gated.add(socket);
    socket.once('close', () => {
      if (this.gated.delete(socket)) release();
    });
    this.opts.gate(socket, serve);
  }

  /** One timer per server checks every connection's read and idle deadlines, about 10 times per the shorter one. */
  private startSweep(): void {
    const everyMs = Math.max(10, Math.min(1000, Math.min(this.limits.frameReadTimeoutMs, this.limits.connectionsMaxIdleMs) / 10));
    this.sweepTimer = setInterval(() => {
      const now = Date.now();
      for (const c of [...this.connections]) c.checkTimeouts(now);
    }, everyMs);
    this.sweepTimer.unref();
  }
}
