import net from 'node:net';
import type tls from 'node:tls';
import { nodeTls } from '../common/lazy-builtin.js';
import { DeadlineTimer } from '../common/deadline-timer.js';
import { ErrorCode, KafkaError, ProtocolError } from '../common/errors.js';
import { clientReadBufferBytes } from '../common/limits.js';
import { yakVersion } from '../common/version.js';
import type { ApiCodec } from '../protocol/api.js';
import { ApiVersionsApi, type ApiVersionRange } from '../protocol/apis/api-versions.js';
import { FrameDecoder, finishFrameChunks, requestHeaderVersion, responseHeaderVersion, startRequestFrame } from '../protocol/framing.js';
import { Reader } from '../protocol/reader.js';
import type { SaslCredentials } from '../security/sasl-server.js';
import { saslAuthenticate } from './sasl-client.js';

export interface ConnectionOptions {
  clientId?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TLS and SASL for this connection (Kafka's security.protocol); absent: PLAINTEXT. */
  security?: ConnectionSecurity;
}

/** How a client protects and authenticates its connections (one value per cluster, shared by every connection). */
export interface ConnectionSecurity {
  /** TLS (SSL, SASL_SSL): the CA to trust (PEM; absent: the system's), and a client certificate for mutual TLS. */
  tls?: { ca?: string; cert?: string; key?: string };
  /** SASL (SASL_PLAINTEXT, SASL_SSL): done right after connecting, before the connection is handed out. */
  sasl?: SaslCredentials;
}



interface Pending {
  resolve: (r: Reader) => void;
  reject: (e: Error) => void;
  cancelTimeout: () => void;
}

/**
 * One client TCP connection to a broker or the coordinator: correlation ids, in-flight requests,
 * per-request timeouts. A timeout or a socket error fails every in-flight request with a retriable
 * NETWORK_EXCEPTION / REQUEST_TIMED_OUT and closes the connection (its state is unknown after that).
 * The timeouts share one Node timer (a DeadlineTimer, as Kafka's NetworkClient checks them in
 * poll): nearly every request is answered long before its timeout, and a timer made and cleared per
 * request was a measurable part of a produce request's cost to the client at linger 0.
 */
export class Connection {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly timeouts = new DeadlineTimer();
  private readonly decoder = new FrameDecoder();
  private closedError: Error | null = null;
  private readonly closeListeners: ((err: Error) => void)[] = [];
  /** The next KIP-368 re-authentication, while the broker limits sessions. */
  private reauthTimer: NodeJS.Timeout | null = null;
  /** The broker's version range per API key, once `negotiateVersions` has asked. */
  private brokerVersions: ReadonlyMap<number, ApiVersionRange> | null = null;
  /** Whether `write` corked the socket until the end of this tick. */
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    this.socket.uncork();
  };

  private constructor(
    private readonly socket: net.Socket,
    readonly address: string,
    private readonly opts: ConnectionOptions,
    /** The buffer the socket reads into and reuses (`onread`), so chunks are copied out before the next read; null: 'data' events. */
    private readonly readBuffer: Buffer | null,
  ) {
    socket.setNoDelay(true);
    if (!readBuffer) socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new KafkaError(ErrorCode.NETWORK_EXCEPTION, `${address}: ${err.message}`)));
    socket.on('close', () => this.fail(new KafkaError(ErrorCode.NETWORK_EXCEPTION, `connection to ${address} closed`)));
  }

  /** Connects (over TLS when `opts.security.tls`), then authenticates (SASL, when `opts.security.sasl`) before resolving. */
  static async connect(host: string, port: number, opts: ConnectionOptions = {}): Promise<Connection> {
    const conn = await Connection.open(host, port, opts);
    const sasl = opts.security?.sasl;
    if (!sasl) return conn;
    try {
      conn.keepAuthenticated(sasl, await saslAuthenticate(conn, sasl, opts.connectTimeoutMs ?? 5000), opts.connectTimeoutMs ?? 5000);
      return conn;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /**
   * KIP-368: a broker with connections.max.reauth.ms ends each SASL session after `lifetimeMs`; the
   * connection authenticates again on the same socket at 85% of it (as Kafka clients do), requests
   * in flight carrying on. If that fails the connection is closed, and callers reconnect.
   */
  private keepAuthenticated(sasl: SaslCredentials, lifetimeMs: number, timeoutMs: number): void {
    if (lifetimeMs <= 0 || this.closed) return;
    if (!this.reauthTimer) this.onClose(() => clearTimeout(this.reauthTimer ?? undefined));
    this.reauthTimer = setTimeout(() => {
      saslAuthenticate(this, sasl, timeoutMs).then(
        (next) => this.keepAuthenticated(sasl, next, timeoutMs),
        () => this.close(),
      );
    }, Math.max(1, Math.floor(lifetimeMs * 0.85)));
    this.reauthTimer.unref();
  }

  private static open(host: string, port: number, opts: ConnectionOptions): Promise<Connection> {
    const address = `${host}:${port}`;
    const tlsOptions = opts.security?.tls;
    return new Promise((resolve, reject) => {
      // An IP address is no TLS server name (RFC 6066); the certificate is still checked against it.
      // Plain TCP reads through `onread` (TLS sockets do not take it): Node asks `buffer` where to
      // put each next read. Nothing arrives before 'connect', when the Connection exists.
      let conn: Connection | null = null;
      const readBuffer = tlsOptions ? null : Buffer.allocUnsafeSlow(clientReadBufferBytes);
      const onread = { buffer: () => conn?.readTarget() ?? readBuffer!, callback: (n: number, into: Uint8Array) => (conn!.onRead(n, into), true) };
      const socket = tlsOptions ? nodeTls().connect({ host, port, ...tlsOptions, ...(net.isIP(host) ? {} : { servername: host }) }) : net.connect({ host, port, onread });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new KafkaError(ErrorCode.NETWORK_EXCEPTION, `connect to ${address} timed out`));
      }, opts.connectTimeoutMs ?? 5000);
      socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        conn = new Connection(socket, address, opts, readBuffer);
        resolve(conn);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        const hint = tlsOptions ? ' (TLS: is the port a TLS listener, and its certificate signed by the CA given?)' : '';
        reject(new KafkaError(ErrorCode.NETWORK_EXCEPTION, `cannot connect to ${address}: ${err.message}${hint}`));
      });
    });
  }

  get closed(): boolean {
    return this.closedError !== null;
  }

  onClose(listener: (err: Error) => void): void {
    this.closeListeners.push(listener);
  }

  /** Sends a request; resolves with the decoded response. With `expectResponse: false` (acks=0) resolves on write. */
  request<Req, Res>(
    api: ApiCodec<Req, Res>,
    version: number,
    req: Req,
    opts: { timeoutMs?: number; expectResponse?: boolean } = {},
  ): Promise<Res> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    if (this.nextCorrelationId > 0x7fffffff) this.nextCorrelationId = 1;
    const header = { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: this.opts.clientId ?? 'yak' };
    const w = startRequestFrame(header, 256, requestHeaderVersion(api, version));
    api.encodeRequest(w, req, version);
    const frame = finishFrameChunks(w);
    if (opts.expectResponse === false) {
      return new Promise((resolve, reject) =>
        this.write(frame, (err) => (err ? reject(new KafkaError(ErrorCode.NETWORK_EXCEPTION, err.message)) : resolve(undefined as Res))),
      );
    }
    return new Promise<Res>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.opts.requestTimeoutMs ?? 30000;
      const cancelTimeout = this.timeouts.add(timeoutMs, () => {
        if (!this.pending.delete(correlationId)) return;
        reject(new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `${api.name} to ${this.address} got no answer in ${timeoutMs} ms`));
        this.close();
      });
      this.pending.set(correlationId, {
        cancelTimeout,
        reject,
        resolve: (r) => {
          try {
            if (responseHeaderVersion(api, version) === 1) r.skipTaggedFields();
            resolve(api.decodeResponse(r, version));
          } catch (err) {
            reject(this.notKafka(err as Error));
          }
        },
      });
      this.write(frame);
    });
  }

  /**
   * Writes a frame's chunks uncopied: a produce request's record batches stay the producer's buffers
   * instead of being joined into a copy of the whole frame (16 KiB per batch). The producer reuses a
   * batch's buffer only once the batch has its answer, so after it was written.
   *
   * The socket stays corked until process.nextTick, so the requests made in one stretch of code go
   * in one writev (a nextTick queued from a promise job runs once the promise jobs queued with it
   * have): a producer's answers arrive several per socket read, each frees a slot and sends the next
   * batch, and each of those was a writev (a loopback send and a wake-up of the broker) of its own.
   */
  private write(chunks: Buffer[], done?: (err?: Error | null) => void): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    for (let i = 0; i < chunks.length; i++) this.socket.write(chunks[i]!, i === chunks.length - 1 ? done : undefined);
  }

  /**
   * Asks the broker which versions it serves (ApiVersions, at the highest version this side speaks;
   * a broker older than that answers UNSUPPORTED_VERSION with its own range, and is asked again
   * at that), so `versionFor` can pick the highest version both sides know, as Kafka clients do.
   */
  async negotiateVersions(): Promise<void> {
    const software = { clientSoftwareName: 'yak', clientSoftwareVersion: yakVersion };
    let res = await this.request(ApiVersionsApi, ApiVersionsApi.maxVersion, software);
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      const theirs = res.apiKeys.find((k) => k.apiKey === ApiVersionsApi.apiKey)?.maxVersion ?? 0;
      res = await this.request(ApiVersionsApi, Math.min(theirs, ApiVersionsApi.maxVersion), software);
    }
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, `ApiVersions from ${this.address} failed`);
    this.brokerVersions = new Map(res.apiKeys.map((k) => [k.apiKey, k]));
  }

  /**
   * The highest version of `api` both this side (up to `highest`) and the broker serve. Before
   * `negotiateVersions` (or when it was never called) that is `highest`. None in common is
   * UNSUPPORTED_VERSION, naming the API and both ranges.
   */
  versionFor(api: ApiCodec<unknown, unknown>, highest: number = api.maxVersion): number {
    if (!this.brokerVersions) return highest;
    const theirs = this.brokerVersions.get(api.apiKey);
    const version = theirs ? Math.min(highest, theirs.maxVersion) : -1;
    if (!theirs || version < theirs.minVersion) {
      const range = theirs ? `v${theirs.minVersion}-${theirs.maxVersion}` : 'none';
      throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, `${this.address} serves ${api.name} ${range}; this client speaks up to v${highest}`);
    }
    return version;
  }

  close(): void {
    this.fail(new KafkaError(ErrorCode.NETWORK_EXCEPTION, `connection to ${this.address} closed`));
  }

  /**
   * Where the socket's next read goes: the rest of the large frame being assembled (a fetch answer
   * of a MiB), read straight into it uncopied, else the reused read buffer, whose bytes are copied
   * into frames of their own (several small answers, or a frame's first and last bytes, per read).
   */
  private readTarget(): Buffer {
    return this.decoder.readTarget(clientReadBufferBytes) ?? this.readBuffer!;
  }

  private onRead(n: number, into: Uint8Array): void {
    if (into === this.readBuffer) this.onData(this.readBuffer.subarray(0, n));
    else this.onData(null, n);
  }

  /**
   * A response the server sends whole or in pieces (`chunk` null: `direct` bytes were read straight
   * into the frame being assembled, `readTarget`). Bytes that are not one (a lying size, a frame too
   * short for a correlation id, an unknown id) fail this connection: a socket read callback must
   * never throw, or the process dies of its peer's bytes. A lying size holds at most maxFrameBytes.
   */
  private onData(chunk: Buffer | null, direct = 0): void {
    try {
      if (chunk === null) this.decoder.filledDirect(direct);
      else if (this.readBuffer) this.decoder.pushBorrowed(chunk);
      else this.decoder.push(chunk);
      for (let frame = this.decoder.next(); frame !== null && !this.closedError; frame = this.decoder.next()) {
        const r = new Reader(frame);
        const correlationId = r.int32();
        const p = this.pending.get(correlationId);
        if (!p) throw new ProtocolError(`response for unknown correlation id ${correlationId}`);
        this.pending.delete(correlationId);
        p.cancelTimeout();
        p.resolve(r);
      }
    } catch (err) {
      this.fail(this.notKafka(err as Error));
    }
  }

  /** Bytes that are not a Kafka response (an HTTP server at that port, say): a network error that says so. */
  private notKafka(err: Error): KafkaError {
    return new KafkaError(ErrorCode.NETWORK_EXCEPTION, `${this.address} does not answer as a Kafka broker (${err.message}): is this the right address?`);
  }

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    this.socket.destroy();
    this.decoder.clear();
    this.timeouts.clear();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
    for (const l of this.closeListeners) l(err);
  }
}
