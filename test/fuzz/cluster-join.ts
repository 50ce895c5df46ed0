import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import type { ClusterSecret } from '../../src/common/cluster-secret.js';
import { ErrorCode } from '../../src/common/errors.js';
import type { ApiCodec } from '../../src/protocol/api.js';
import { FrameDecoder, finishFrame, startRequestFrame } from '../../src/protocol/framing.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { Reader } from '../../src/protocol/reader.js';
import type { ClusterJoin } from './wire-fuzzer.js';

const HANDSHAKE_TIMEOUT_MS = 5000;

/** The next whole frame from `socket` (its size prefix stripped), or null if it closes or times out first. */
function nextFrame(socket: net.Socket): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const decoder = new FrameDecoder();
    const done = (frame: Buffer | null) => {
      clearTimeout(timer);
      socket.off('data', onData).off('close', onClose);
      resolve(frame);
    };
    const onData = (chunk: Buffer) => {
      decoder.push(chunk);
      try {
        const f = decoder.next();
        if (f) done(f);
      } catch {
        done(null);
      }
    };
    const onClose = () => done(null);
    const timer = setTimeout(() => done(null), HANDSHAKE_TIMEOUT_MS);
    socket.on('data', onData).on('close', onClose);
  });
}

async function call<Req, Res>(socket: net.Socket, api: ApiCodec<Req, Res>, req: Req): Promise<Res | null> {
  const w = startRequestFrame({ apiKey: api.apiKey, apiVersion: 0, correlationId: 1, clientId: 'yak-fuzz' });
  api.encodeRequest(w, req, 0);
  const answer = nextFrame(socket);
  socket.write(finishFrame(w));
  const frame = await answer;
  if (!frame) return null;
  const r = new Reader(frame, 4); // past the correlation id
  return api.decodeResponse(r, 0);
}

/**
 * The cluster handshake (src/net/cluster-auth.ts) on a raw socket, as a broker or `yak kill` does it
 * through a Connection: nonces, then the client's proof of the secret. The fuzzer then sends its
 * frames as a member would. (The broker's Kafka port has no handshake: the harness joins nothing there.)
 */
export function clusterJoin(secret: ClusterSecret): ClusterJoin {
  return async (_target, socket) => {
    const clientNonce = randomBytes(32);
    const hello = await call(socket, InternalApi.ClusterHandshake, { clientNonce });
    if (!hello) return 'closed';
    if (hello.errorCode !== ErrorCode.NONE || !Buffer.isBuffer(hello.serverNonce)) return 'refused';
    const res = await call(socket, InternalApi.ClusterAuthenticate, { proof: secret.proof('client', hello.serverNonce, clientNonce) });
    if (!res) return 'closed';
    return res.errorCode === ErrorCode.NONE ? 'joined' : 'refused';
  };
}
