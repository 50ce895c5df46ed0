import net from 'node:net';
import type tls from 'node:tls';
import { nodeTls } from '../common/lazy-builtin.js';
import { assertListenerLimits, listenerLimits, type ListenerLimits } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { ByteBudget } from './byte-budget.js';
import { ANONYMOUS_PRINCIPAL, ServerConnection, type AuthenticationPolicy, type RequestHandler } from './server-connection.js';

export { ANONYMOUS_PRINCIPAL } from './server-connection.js';
export type { AuthenticationPolicy, ClientInfo, RequestHandler, RequestScope, ResponseFrame } from './server-connection.js';

export interface ServerOptions {
  host: string;
  port: number;
  /** Overrides of `listenerLimits` (src/common/limits.ts) for this server; checked against each other. */
  limits?: Partial<ListenerLimits>;
  /** Decides whether each new connection is served at all (the cluster handshake: net/cluster-auth.ts). */
  gate?: ConnectionGate;
  /** TLS on every connection (Kafka's SSL and SASL_SSL listeners); absent: plaintext. */
  tls?: ServerTls;
  /**
   * Connections must authenticate (SASL) before anything else is served; absent: each is served as
   * its client certificate's subject (mutual TLS) or ANONYMOUS_PRINCIPAL.
   */
  authentication?: AuthenticationPolicy;
  logger: Logger;
}

export interface ServerTls {
  /** PEM: the server's certificate (chain) and key. */
  cert: string;
  key: string;
  /** PEM: CAs whose client certificates are accepted (mutual TLS: `requireClientCert`). */
  ca?: string;
  /**
   * Kafka's ssl.client.auth=required (mutual TLS): a client without a certificate signed by `ca` is
   * refused at the handshake, and one with it is `User:<its subject>` (Kafka's default principal:
   * the RFC 2253 distinguished name, `User:CN=alice,O=acme`) unless it logs in with SASL.
   */
  requireClientCert?: boolean;
}

/** The principal of a connection's verified client certificate, or ANONYMOUS_PRINCIPAL without one. */
function certificatePrincipal(socket: tls.TLSSocket): string {
  const subject = socket.getPeerX509Certificate()?.subject;
  return subject ? subjectPrincipal(subject) : ANONYMOUS_PRINCIPAL;
}

/**
 * Kafka's principal for a certificate subject (Node's `X509Certificate.subject`, one attribute a line
 * in certificate order): `User:` and the RFC 2253 name, most specific first, comma-separated.
 */
export function subjectPrincipal(subject: string): string {
  return `User:${subject.split('\n').reverse().join(',')}`;
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
  private readonly secureContext: tls.SecureContext | null;

  constructor(
    private readonly opts: ServerOptions,
    private readonly handler: RequestHandler,
  ) {
    this.limits = { ...listenerLimits, ...opts.limits };
    assertListenerLimits(this.limits);
    this.budget = new ByteBudget(this.limits.maxQueuedRequestBytesPerServer);
    this.secureContext = opts.tls ? nodeTls().createSecureContext({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca }) : null;
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
    const serve = (served: net.Socket) => {
      this.gated.delete(socket);
      if (served.destroyed) return release();
      const principal = this.opts.tls?.requireClientCert ? certificatePrincipal(served as tls.TLSSocket) : ANONYMOUS_PRINCIPAL;
      const conn = new ServerConnection(this.nextClientId++, served, this.limits, this.budget, this.handler, this.opts.logger, this.opts.authentication ?? null, principal, (c) => {
        this.connections.delete(c);
        release();
      });
      this.connections.add(conn);
    };
    if (!this.opts.gate && !this.secureContext) return serve(socket);
    this.gated.add(socket);
    socket.once('close', () => {
      if (this.gated.delete(socket)) release();
    });
    const gate = (s: net.Socket) => (this.opts.gate ? this.opts.gate(s, () => serve(s)) : serve(s));
    if (this.secureContext) this.handshakeTls(socket, gate);
    else gate(socket);
  }

  /**
   * TLS on an accepted socket, counted against the connection limits from its first byte. A handshake
   * that fails (a plaintext client on a TLS port, an untrusted client certificate) or does not finish
   * within the frame read timeout closes it with one WARN line; nothing is served before it succeeds.
   */
  private handshakeTls(socket: net.Socket, then: (secure: tls.TLSSocket) => void): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const requireCert = this.opts.tls?.requireClientCert ?? false;
    const secure = new (nodeTls().TLSSocket)(socket, { isServer: true, secureContext: this.secureContext!, requestCert: requireCert, rejectUnauthorized: requireCert });
    const timeoutMs = this.limits.frameReadTimeoutMs;
    const fail = (reason: string) => {
      clearTimeout(timer);
      this.opts.logger.warn(`refused connection from ${remote}: ${reason}`);
      secure.destroy();
      socket.destroy();
    };
    const timer = setTimeout(() => fail(`TLS handshake not done within ${timeoutMs} ms`), timeoutMs);
    socket.once('close', () => clearTimeout(timer)); // gone mid-handshake: nothing left to time out
    // OpenSSL's messages span lines (with source paths): the first line says it, in one log line.
    secure.once('error', (err) => fail(`TLS handshake failed (${err.message.split('\n')[0]!.trim()}): is the client using TLS, with a certificate the server trusts?`));
    secure.once('secure', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      then(secure);
    });
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
