import { randomBytes } from 'node:crypto';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { isNonce, NONCE_BYTES } from '../net/cluster-auth.js';
import type { ClientInfo } from '../net/server.js';
import type { ClusterAuthenticateRequest, ClusterAuthenticateResponse, ClusterHandshakeRequest, ClusterHandshakeResponse } from '../protocol/internal-api.js';

interface Proof {
  serverNonce: Buffer;
  clientNonce: Buffer;
  proven: boolean;
}

/**
 * Which connections to this broker's Kafka listener proved the cluster secret. The listener serves
 * any Kafka client, so it has no gate at the door as the coordinator's port has (net/cluster-auth.ts);
 * instead a cluster member may run the same exchange in-band, as the first requests on its
 * connection: ClusterHandshake (nonces) then ClusterAuthenticate (HMAC proofs both ways), which is
 * what `connectToCluster` sends, so the coordinator reaches a broker with the very call it uses for
 * the coordinator's own port. Cluster-internal APIs (WriteTxnMarkers) are answered
 * CLUSTER_AUTHORIZATION_FAILED on any other connection: otherwise any client could commit or abort
 * another producer's transaction. A failed proof only leaves the connection unproven (it may still
 * serve as a plain Kafka connection; the client side closes it).
 */
export class ClusterMembers {
  private readonly proofs = new Map<number, Proof>();

  constructor(
    private readonly secret: ClusterSecret,
    private readonly logger: Logger,
  ) {}

  isMember(connectionId: number): boolean {
    return this.proofs.get(connectionId)?.proven === true;
  }

  handshake(from: ClientInfo, req: ClusterHandshakeRequest): ClusterHandshakeResponse {
    if (this.proofs.has(from.id)) return refused('ClusterHandshake sent twice on one connection');
    if (!isNonce(req.clientNonce)) return refused(`ClusterHandshake without a ${NONCE_BYTES}-byte nonce`);
    const proof: Proof = { serverNonce: randomBytes(NONCE_BYTES), clientNonce: req.clientNonce, proven: false };
    this.proofs.set(from.id, proof);
    from.onClose(() => this.proofs.delete(from.id));
    return { errorCode: ErrorCode.NONE, serverNonce: proof.serverNonce };
  }

  authenticate(from: ClientInfo, req: ClusterAuthenticateRequest): ClusterAuthenticateResponse {
    const p = this.proofs.get(from.id);
    if (!p || p.proven) return refused(p ? 'ClusterAuthenticate sent twice on one connection' : 'ClusterAuthenticate before ClusterHandshake');
    if (!this.secret.verify('client', p.serverNonce, p.clientNonce, req.proof)) {
      this.logger.warn(`connection from ${from.remoteAddress}: its proof does not match the cluster secret`);
      return refused('the proof does not match the cluster secret');
    }
    p.proven = true;
    return { errorCode: ErrorCode.NONE, proof: this.secret.proof('server', p.clientNonce, p.serverNonce) };
  }
}

function refused(reason: string): { errorCode: number; errorMessage: string } {
  return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: reason };
}
