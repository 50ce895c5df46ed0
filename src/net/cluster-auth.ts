import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { clusterHandshakeTimeoutMs, maxUnauthenticatedFrameBytes } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { decodeRequestHeader, FrameDecoder, finishFrame, startResponseFrame, type RequestHeader } from '../protocol/framing.js';
import { InternalApi, type ClusterAuthenticateResponse, type ClusterHandshakeResponse, type ControlResult } from '../protocol/internal-api.js';
import { Reader } from '../protocol/reader.js';
import { Connection, type ConnectionOptions } from './connection.js';
import type { ConnectionGate } from './server.js';

/*
 * Cluster membership: the coordinator's port and the supervisor's control endpoint serve only
 * processes that hold the cluster secret. Each connection opens with a challenge-response in both
 * directions, as Kafka's SASL SCRAM does, before any other request:
 *
 *   client -> ClusterHandshake { clientNonce }         server -> { serverNonce }
 *   client -> ClusterAuthenticate { proof }            server -> { proof }  (or a refusal, then close)
 *
 * client proof = HMAC-SHA256(secret, "...client" || serverNonce || clientNonce), server proof the same
 * with the server label and the nonces swapped. Why this shape:
 * - the secret never goes over the wire, and each proof covers a nonce the other side just drew
 *   (32 random bytes), so a recorded exchange replays on no other connection;
 * - the labels keep a server's proof from being reflected back as a client's;
 * - the server proves itself too, and only after the client has: a broker talks to no impostor
 *   bound to the coordinator's address, and a stranger cannot use the server as an oracle;
 * - per connection, not per frame: the API bodies stay as they are, it costs one round trip per
 *   connection (these connections live long), and authentication state is the socket's, as in Kafka.
 * Until it has proven the secret a connection may send only those two frames, one at a time, each at
 * most `maxUnauthenticatedFrameBytes`, within `clusterHandshakeTimeoutMs`: a stranger makes the
 * server draw one nonce and compute one HMAC, and hold nothing. Anything else is refused with
 * CLUSTER_AUTHORIZATION_FAILED, one WARN line naming the remote address, and the connection closed.
 * (Nothing is encrypted: a process that can read or inject packets on the link is out of scope.)
 */

/** Bytes of each side's nonce (exported for the in-band exchange on brokers' Kafka listener, broker/cluster-members.ts). */
export const NONCE_BYTES = 32;

/** The server side: a FrameServer gate that admits a connection once it has proven `secret`. */
export function clusterMembersOnly(secret: ClusterSecret, logger: Logger): ConnectionGate {
  return (socket, admit) => {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const decoder = new FrameDecoder(maxUnauthenticatedFrameBytes);
    const serverNonce = randomBytes(NONCE_BYTES);
    let clientNonce: Buffer | null = null;
    // Bytes received against bytes of whole frames handled: equal whenever the client waits for answers.
    let received = 0;
    let handled = 0;

    // Stops reading; on admission the server's own listeners take over, on refusal the error listener stays.
    const stopReading = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', stopReading);
    };
    const refuse = (reason: string, header?: RequestHeader) => {
      stopReading();
      logger.warn(`refused connection from ${remote}: ${reason}`);
      if (!header) return void socket.destroy();
      const refusal: ControlResult = { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: `this port serves members of the YaK cluster only: ${reason}` };
      socket.end(respond(header, refusal), () => socket.destroy());
    };
    const onError = () => socket.destroy();
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      const frames: Buffer[] = [];
      decoder.push(chunk);
      try {
        frames.push(...decoder.drain());
      } catch {
        return refuse(`sent a frame larger than the ${maxUnauthenticatedFrameBytes} bytes allowed before proving the cluster secret`);
      }
      for (const frame of frames) {
        handled += 4 + frame.length;
        const reader = new Reader(frame);
        let header: RequestHeader;
        try {
          header = decodeRequestHeader(reader);
        } catch {
          return refuse('sent a malformed request before proving the cluster secret');
        }
        if (frames.length > 1 || handled !== received) return refuse('sent requests before its handshake was answered', header);
        const expected = clientNonce ? InternalApi.ClusterAuthenticate : InternalApi.ClusterHandshake;
        if (header.apiKey !== expected.apiKey) return refuse(`${apiName(header.apiKey)} before proving the cluster secret`, header);
        if (!clientNonce) {
          const nonce = decodeField(() => InternalApi.ClusterHandshake.decodeRequest(reader, 0).clientNonce);
          if (!isNonce(nonce)) return refuse(`ClusterHandshake without a ${NONCE_BYTES}-byte nonce`, header);
          clientNonce = nonce;
          socket.write(respond(header, { errorCode: ErrorCode.NONE, serverNonce }));
          continue;
        }
        const proof = decodeField(() => InternalApi.ClusterAuthenticate.decodeRequest(reader, 0).proof);
        if (!secret.verify('client', serverNonce, clientNonce, proof)) return refuse('its proof does not match the cluster secret', header);
        socket.write(respond(header, { errorCode: ErrorCode.NONE, proof: secret.proof('server', clientNonce, serverNonce) }));
        stopReading();
        socket.off('error', onError);
        return admit();
      }
    };
    const timer = setTimeout(() => refuse(`did not prove the cluster secret within ${clusterHandshakeTimeoutMs} ms`), clusterHandshakeTimeoutMs);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', stopReading); // gone before proving anything: nothing to refuse or log
  };
}

/**
 * The client side: connects to the coordinator or a control endpoint and proves `secret` (and checks
 * the server's proof) before resolving. A refusal either way is CLUSTER_AUTHORIZATION_FAILED.
 */
export async function connectToCluster(host: string, port: number, secret: ClusterSecret, opts: ConnectionOptions = {}): Promise<Connection> {
  const conn = await Connection.connect(host, port, opts);
  const timeoutMs = opts.connectTimeoutMs ?? 5000;
  try {
    const clientNonce = randomBytes(NONCE_BYTES);
    const hello = await conn.request(InternalApi.ClusterHandshake, 0, { clientNonce }, { timeoutMs });
    refusedUnless(hello, conn.address, secret);
    const serverNonce = hello.serverNonce;
    if (!isNonce(serverNonce)) throw notMember(conn.address);
    const answer = await conn.request(InternalApi.ClusterAuthenticate, 0, { proof: secret.proof('client', serverNonce, clientNonce) }, { timeoutMs });
    refusedUnless(answer, conn.address, secret);
    if (!secret.verify('server', clientNonce, serverNonce, answer.proof)) throw notMember(conn.address);
    return conn;
  } catch (err) {
    conn.close();
    throw err;
  }
}

function refusedUnless(res: ControlResult, address: string, secret: ClusterSecret): void {
  if (res?.errorCode === ErrorCode.NONE) return;
  if (res?.errorCode === ErrorCode.CLUSTER_AUTHORIZATION_FAILED) {
    throw new KafkaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${address} refused the cluster secret from ${secret.source} (${res.errorMessage ?? 'no reason given'}): is it this cluster's cluster.secret?`);
  }
  throw notMember(address);
}

function notMember(address: string): KafkaError {
  return new KafkaError(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${address} did not prove it knows the cluster secret: it is not this cluster's coordinator or supervisor`);
}

/** Every answer at the gate is a ControlResult (plus a nonce or proof): all JSON, so one encoder does. */
function respond(header: RequestHeader, res: ControlResult & ClusterHandshakeResponse & ClusterAuthenticateResponse): Buffer {
  const w = startResponseFrame(header.correlationId);
  InternalApi.ClusterHandshake.encodeResponse(w, res, 0);
  return finishFrame(w);
}

function decodeField<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export function isNonce(v: unknown): v is Buffer {
  return Buffer.isBuffer(v) && v.length === NONCE_BYTES;
}

const API_NAMES = new Map(Object.values(InternalApi).map((api) => [api.apiKey, api.name]));
function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `API key ${apiKey}`;
}
