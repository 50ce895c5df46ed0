import type net from 'node:net';
import { ErrorCode, KafkaError, ProtocolError, UserError } from '../common/errors.js';
import type { ListenerLimits } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { decodeRequestHeader, FrameDecoder, type RequestHeader } from '../protocol/framing.js';
import { Reader } from '../protocol/reader.js';
import type { ByteBudget } from './byte-budget.js';

/** A whole response frame: one buffer, or its chunks in order (written in one writev, uncopied: `finishFrameChunks`). */
export type ResponseFrame = Buffer | readonly Buffer[];

/** What a handler returns: a whole response frame, or null when the request gets no answer (acks=0). */
export type RequestHandler = (header: RequestHeader, body: Reader, client: ClientInfo, request: RequestScope) => Promise<ResponseFrame | null> | ResponseFrame | null;

/** One request as its handler sees it. */
export interface RequestScope {
  /**
   * Calls `listener` once this request's response frame has been written to the socket (handed to the
   * kernel: the process no longer holds its bytes), or once it is certain it never will be (no answer,
   * the handler failed, the connection ended). What a handler reserved for its answer is released here.
   */
  onSent(listener: () => void): void;
}

export interface ClientInfo {
  readonly id: number;
  readonly remoteAddress: string;
  /**
   * Who is on the other end, in Kafka's notation (`User:alice`); null until the connection has
   * authenticated on a listener that requires it. Every request handler sees it (an authorizer's input).
   */
  readonly principal: string | null;
  /**
   * Records a successful authentication (SaslAuthenticate): from now on requests are served as
   * `principal`. With `sessionLifetimeMs` > 0 (KIP-368) the client must authenticate again within it,
   * else its next other request closes the connection.
   */
  authenticated(principal: string, sessionLifetimeMs: number): void;
  /** Called once when the connection ends, whatever ended it. */
  onClose(listener: () => void): void;
  /** Closes the connection, with one log line saying why. */
  close(level: keyof Logger, reason: string): void;
}

/**
 * A listener that requires authentication (Kafka's SASL_PLAINTEXT and SASL_SSL). Enforced here, in
 * one place for every API: until `authenticated()` only `allowedBeforeAuthentication` may be sent,
 * one request at a time, each frame at most `maxFrameBytesBeforeAuthentication`; anything else closes
 * the connection (as Kafka's SaslServerAuthenticator does). The same holds once a KIP-368 session has
 * expired, until the client authenticates again.
 */
export interface AuthenticationPolicy {
  /** API keys served before authentication (ApiVersions and the SASL handshake APIs). */
  allowedBeforeAuthentication: ReadonlySet<number>;
  maxFrameBytesBeforeAuthentication: number;
}

/** The principal of a connection on a listener that does not authenticate (Kafka's KafkaPrincipal.ANONYMOUS). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

/** A request being handled; `response` is undefined until its handler is done. */
interface InFlight {
  response: ResponseFrame | null | undefined;
  /** Its RequestScope's listeners; null once they have run. */
  sentListeners: (() => void)[] | null;
}

/**
 * One client connection of a FrameServer. Reads one frame at a time, and only while every limit
 * allows: the frame's declared size is reserved (per connection and in the server's budget) before its
 * bytes are buffered; past the in-flight count, the per-connection bytes or a full socket write buffer,
 * reading pauses (backpressure); past the server's budget it pauses too, with its read deadline running.
 *
 * Every way a request can fail (a malformed frame, a handler that throws or rejects, pipelined or
 * behind a long poll) ends in `close()` of this connection with one log line, and nothing else: each
 * handler's promise is settled by this class, so no rejection is ever left unhandled.
 */
export class ServerConnection implements ClientInfo {
  readonly remoteAddress: string;
  private readonly decoder: FrameDecoder;
  /** Requests being handled, in arrival order: responses go back in this order. */
  private readonly inFlight: InFlight[] = [];
  /** Requests whose response frame is in the socket's write buffer, not yet handed to the kernel. */
  private readonly writing = new Set<InFlight>();
  /** Bytes this connection holds reserved: the frame being read (`readingFrameBytes`) and requests in flight. */
  private reservedBytes = 0;
  /** Declared size of the frame being read once reserved, else null. */
  private readingFrameBytes: number | null = null;
  private waitingForBudget = false;
  private closed = false;
  /** Whether flush() corked the socket until the next tick. */
  private corked = false;
  private readonly closeListeners: (() => void)[] = [];
  /** When the frame being read started arriving; null while none is, or while the server holds reading back. */
  private frameStartedAt: number | null = null;
  /** Since when nothing is in flight, buffered or unsent; null while busy. */
  private quietSince: number | null = Date.now();
  principal: string | null;
  /** When the authenticated session ends (KIP-368), or Infinity. */
  private sessionExpiresAt = Infinity;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly limits: Readonly<ListenerLimits>,
    private readonly budget: ByteBudget,
    private readonly handler: RequestHandler,
    private readonly logger: Logger,
    private readonly authentication: AuthenticationPolicy | null,
    /** Who the transport says the peer is (a verified client certificate's subject), else anonymous; a SASL login replaces it. */
    transportPrincipal: string,
    private readonly onEnded: (c: ServerConnection) => void,
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.principal = authentication ? null : transportPrincipal;
    this.decoder = new FrameDecoder(limits.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.decoder.push(chunk);
      this.pump();
    });
    socket.on('drain', this.pump);
    socket.on('error', () => socket.destroy()); // a reset: 'close' follows
    socket.on('close', () => this.end());
  }

  authenticated(principal: string, sessionLifetimeMs: number): void {
    this.principal = principal;
    this.sessionExpiresAt = sessionLifetimeMs > 0 ? Date.now() + sessionLifetimeMs : Infinity;
  }

  /** Whether requests other than the authentication APIs may be served now. */
  private get authenticatedNow(): boolean {
    return this.principal !== null && Date.now() < this.sessionExpiresAt;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Closes this connection, with one log line saying why. Safe to call more than once. */
  close(level: keyof Logger, reason: string): void {
    if (this.closed) return;
    this.logger[level](`closing connection #${this.id} from ${this.remoteAddress}: ${reason}`);
    this.socket.destroy();
    this.end();
  }

  /** Ends the connection without a log line (the server is shutting down). */
  destroy(): void {
    this.socket.destroy();
    this.end();
  }

  /** Enforces the read and idle timeouts; the server calls this for every connection on its sweep. */
  checkTimeouts(now: number): void {
    const { frameReadTimeoutMs, connectionsMaxIdleMs } = this.limits;
    if (this.frameStartedAt !== null && now - this.frameStartedAt > frameReadTimeoutMs) {
      const of = this.readingFrameBytes ?? this.safeNextFrameSize();
      this.close('warn', `a frame did not arrive whole within ${frameReadTimeoutMs} ms (read timeout): ${this.decoder.bufferedBytes} of ${of ?? '?'} bytes came`);
    } else if (this.quietSince !== null && now - this.quietSince > connectionsMaxIdleMs) {
      // Ordinary for a client that keeps connections open: INFO, not WARN.
      this.close('info', `idle for ${connectionsMaxIdleMs} ms (connections.max.idle.ms)`);
    }
  }

  /**
   * Takes frames while the limits allow, then sets the socket reading or paused. Called whenever
   * something that limits it changes: bytes arrived, a request finished, the socket drained, the
   * server's budget freed bytes. Idempotent.
   */
  private readonly pump = (): void => {
    for (;;) {
      if (this.closed) return;
      if (this.inFlight.length >= this.limits.maxInFlightRequestsPerConnection || this.socket.writableNeedDrain) return this.holdBack();
      // Before authentication one request at a time: its answer decides whether the next one is served.
      if (this.authentication && !this.authenticatedNow && this.inFlight.length > 0) return this.holdBack();
      let size: number | null;
      try {
        size = this.decoder.nextFrameSize();
      } catch (err) {
        return this.close('warn', `malformed frame: ${(err as Error).message}`);
      }
      if (size === null) break;
      if (this.authentication && !this.authenticatedNow && size > this.authentication.maxFrameBytesBeforeAuthentication) {
        return this.close('warn', `sent a ${size}-byte frame before authenticating (at most ${this.authentication.maxFrameBytesBeforeAuthentication} allowed)`);
      }
      if (this.readingFrameBytes === null) {
        // The declared size is reserved before the frame's bytes are buffered, so what a peer merely
        // claims can never make this process hold more than the limits.
        if (this.reservedBytes + size > this.limits.maxQueuedRequestBytesPerConnection) return this.holdBack();
        if (!this.budget.tryReserve(size)) return this.waitForBudget();
        this.stopWaitingForBudget();
        this.reservedBytes += size;
        this.readingFrameBytes = size;
      }
      const frame = this.decoder.next();
      if (!frame) break;
      this.readingFrameBytes = null;
      this.frameStartedAt = null;
      this.dispatch(frame);
    }
    if (this.decoder.bufferedBytes > 0) this.frameStartedAt ??= Date.now();
    this.updateQuiet();
    this.socket.resume();
  };

  /** Backpressure: the server holds reading back, so the peer's read deadline does not run meanwhile. */
  private holdBack(): void {
    this.frameStartedAt = null;
    this.updateQuiet();
    this.socket.pause();
  }

  /** The server's budget is spent: wait, paused (the bytes stay in the kernel), read deadline running. */
  private waitForBudget(): void {
    if (!this.waitingForBudget) this.budget.wait(this.pump);
    this.waitingForBudget = true;
    this.frameStartedAt ??= Date.now();
    this.updateQuiet();
    this.socket.pause();
  }

  private stopWaitingForBudget(): void {
    if (this.waitingForBudget) this.budget.stopWaiting(this.pump);
    this.waitingForBudget = false;
  }

  private dispatch(frame: Buffer): void {
    const entry: InFlight = { response: undefined, sentListeners: [] };
    this.inFlight.push(entry);
    const scope: RequestScope = {
      onSent: (listener) => {
        if (entry.sentListeners) entry.sentListeners.push(listener);
        else this.runSentListener(listener);
      },
    };
    let header: RequestHeader | null = null;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.reservedBytes -= frame.length;
      this.budget.release(frame.length);
    };
    const done = (response: ResponseFrame | null) => {
      release();
      if (this.closed) return this.sent(entry);
      entry.response = response;
      this.flush();
      this.pump();
    };
    const failed = (err: unknown) => {
      release();
      this.sent(entry);
      this.closeForFailure(header, err);
    };
    let result: ReturnType<RequestHandler>;
    try {
      const body = new Reader(frame);
      header = decodeRequestHeader(body);
      if (this.authentication && !this.authenticatedNow && !this.authentication.allowedBeforeAuthentication.has(header.apiKey)) {
        const why = this.principal === null ? 'sent before authenticating' : `sent after the session of ${this.principal} expired (connections.max.reauth.ms) without authenticating again`;
        throw new KafkaError(ErrorCode.ILLEGAL_SASL_STATE, why);
      }
      result = this.handler(header, body, this, scope);
    } catch (err) {
      return failed(err);
    }
    // `done` or `failed` throwing (a handler that returned no Buffer, say) still ends here, handled.
    Promise.resolve(result)
      .then(done, failed)
      .catch((err: unknown) => {
        release();
        this.sent(entry);
        this.close('error', `answering ${describeRequest(header)} failed: ${(err as Error)?.stack ?? err}`);
      });
  }

  /**
   * Writes the responses that are ready, in request order. The socket stays corked until the
   * current burst of callbacks is over (process.nextTick), so responses completed together (the
   * produce requests of one group commit, the acks=all waiters one high watermark move wakes) leave
   * in one write instead of one system call each.
   */
  private flush(): void {
    if (!this.corked && this.inFlight[0]?.response !== undefined) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
        // What was held while corked has gone to the kernel: the connection may be quiet now.
        this.updateQuiet();
      });
    }
    while (this.inFlight.length > 0 && this.inFlight[0]!.response !== undefined) {
      const entry = this.inFlight.shift()!;
      if (!entry.response) {
        this.sent(entry);
        continue;
      }
      // The callback runs once the frame left the write buffer (or with an error if the socket is
      // destroyed first); end() also runs what is still writing, so listeners run exactly once either way.
      this.writing.add(entry);
      const response = entry.response;
      entry.response = null;
      if (Buffer.isBuffer(response)) {
        this.socket.write(response, () => this.sent(entry));
        continue;
      }
      // Chunks: the corked socket hands them to the kernel together; the last one's callback means all went.
      const last = response.length - 1;
      response.forEach((chunk, i) => (i === last ? this.socket.write(chunk, () => this.sent(entry)) : this.socket.write(chunk)));
    }
  }

  /** Runs a request's RequestScope listeners, once. */
  private sent(entry: InFlight): void {
    this.writing.delete(entry);
    const listeners = entry.sentListeners;
    if (!listeners) return;
    entry.sentListeners = null;
    for (const listener of listeners) this.runSentListener(listener);
  }

  private runSentListener(listener: () => void): void {
    try {
      listener();
    } catch (err) {
      this.logger.error(`a response-sent listener of connection #${this.id} from ${this.remoteAddress} failed: ${(err as Error)?.stack ?? err}`);
    }
  }

  /**
   * The one error policy for requests: what the peer sent is wrong (malformed, refused) is a WARN;
   * anything else is a bug here, an ERROR with its stack. Either way only this connection is closed
   * (its responses could no longer be kept in order) and the server carries on serving everyone else.
   */
  private closeForFailure(header: RequestHeader | null, err: unknown): void {
    const request = describeRequest(header);
    if (err instanceof ProtocolError) this.close('warn', `malformed ${request}: ${err.message}`);
    else if (err instanceof KafkaError || err instanceof UserError) this.close('warn', `refused ${request}: ${err.message}`);
    else this.close('error', `${request} failed unexpectedly: ${(err as Error)?.stack ?? err}`);
  }

  private updateQuiet(): void {
    const quiet = this.inFlight.length === 0 && this.decoder.bufferedBytes === 0 && this.socket.writableLength === 0;
    this.quietSince = quiet ? (this.quietSince ?? Date.now()) : null;
  }

  private safeNextFrameSize(): number | null {
    try {
      return this.decoder.nextFrameSize();
    } catch {
      return null;
    }
  }

  /** Releases everything the connection holds, once, however it ended. */
  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWaitingForBudget();
    if (this.readingFrameBytes !== null) {
      this.reservedBytes -= this.readingFrameBytes;
      this.budget.release(this.readingFrameBytes);
      this.readingFrameBytes = null;
    }
    // Handlers still running release their own bytes when they finish; their answers are dropped.
    this.decoder.clear();
    for (const entry of [...this.writing]) this.sent(entry);
    for (const entry of this.inFlight) if (entry.response !== undefined) this.sent(entry);
    this.inFlight.length = 0;
    this.frameStartedAt = null;
    this.quietSince = null;
    this.onEnded(this);
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener();
      } catch (err) {
        this.logger.error(`a close listener of connection #${this.id} from ${this.remoteAddress} failed: ${(err as Error)?.stack ?? err}`);
      }
    }
  }
}

function describeRequest(header: RequestHeader | null): string {
  if (!header) return 'request (header unreadable)';
  return `request (API key ${header.apiKey} v${header.apiVersion}, correlation id ${header.correlationId}, client id ${JSON.stringify(header.clientId)})`;
}
