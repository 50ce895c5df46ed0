import net from 'node:net';
import { ProtocolError } from '../common/errors.js';
import { maxInFlightRequestsPerConnection } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { decodeRequestHeader, FrameDecoder, type RequestHeader } from '../protocol/framing.js';
import { Reader } from '../protocol/reader.js';

/** What a handler returns: a whole response frame, or null when the request gets no answer (acks=0). */
export type RequestHandler = (header: RequestHeader, body: Reader, client: ClientInfo) => Promise<Buffer | null> | Buffer | null;

export interface ClientInfo {
  readonly id: number;
  readonly remoteAddress: string;
  /** Called once when the connection ends, whatever ended it. */
  onClose(listener: () => void): void;
}

export interface ServerOptions {
  host: string;
  port: number;
  maxFrameBytes?: number;
  /** Requests read ahead of their responses before the socket is paused (backpressure). */
  maxInFlightPerConnection?: number;
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
 * the grammar close that connection only; every other client carries on.
 */
export class FrameServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextClientId = 1;

  constructor(
    private readonly opts: ServerOptions,
    private readonly handler: RequestHandler,
  ) {
    this.server = net.createServer((socket) => (opts.gate ? this.admitThrough(opts.gate, socket) : this.accept(socket)));
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        const addr = this.server.address() as net.AddressInfo;
        resolve({ host: this.opts.host, port: addr.port });
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A connection waiting at the gate is still the server's: close() ends it too. */
  private admitThrough(gate: ConnectionGate, socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    gate(socket, () => this.accept(socket));
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const closeListeners: (() => void)[] = [];
    const client: ClientInfo = {
      id: this.nextClientId++,
      remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
      onClose: (l) => closeListeners.push(l),
    };
    const decoder = new FrameDecoder(this.opts.maxFrameBytes);
    const maxInFlight = this.opts.maxInFlightPerConnection ?? maxInFlightRequestsPerConnection;
    // Pending responses in request order; each resolves to a frame or null (no answer).
    const queue: Promise<Buffer | null>[] = [];
    let draining = false;

    const drain = async () => {
      if (draining) return;
      draining = true;
      while (queue.length > 0) {
        let frame: Buffer | null;
        try {
          frame = await queue[0]!;
        } catch (err) {
          this.reject(socket, client, err);
          return;
        }
        queue.shift();
        if (frame && !socket.destroyed) socket.write(frame);
        if (queue.length < maxInFlight && socket.isPaused()) socket.resume();
      }
      draining = false;
    };

    socket.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        this.reject(socket, client, err);
        return;
      }
      for (const frame of frames) {
        queue.push(this.dispatch(frame, client));
      }
      if (queue.length >= maxInFlight) socket.pause();
      void drain();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const l of closeListeners) l();
    });
  }

  private async dispatch(frame: Buffer, client: ClientInfo): Promise<Buffer | null> {
    const reader = new Reader(frame);
    const header = decodeRequestHeader(reader);
    return this.handler(header, reader, client);
  }

  private reject(socket: net.Socket, client: ClientInfo, err: unknown): void {
    if (socket.destroyed) return;
    const reason = err instanceof ProtocolError ? `malformed request: ${err.message}` : `handler failed: ${(err as Error)?.stack ?? err}`;
    this.opts.logger.warn(`closing connection ${client.remoteAddress}: ${reason}`);
    socket.destroy();
  }
}
