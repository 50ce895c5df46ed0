import { ErrorCode, KafkaError } from '../common/errors.js';
import { SaslAuthenticateApi } from '../protocol/apis/sasl-authenticate.js';
import { SaslHandshakeApi } from '../protocol/apis/sasl-handshake.js';
import { encodePlainMessage } from '../security/plain.js';
import { ScramClientExchange } from '../security/scram.js';
import type { SaslCredentials } from '../security/sasl-server.js';
import type { Connection } from './connection.js';

/**
 * The client side of Kafka's SASL (KIP-152): SaslHandshake v1 naming the mechanism, then the
 * mechanism's tokens in SaslAuthenticate v1 requests. PLAIN is one token; SCRAM is two, and the
 * server's last message must prove it holds the credential too (else the connection is refused).
 * A refusal is SASL_AUTHENTICATION_FAILED with the broker's message (never the password).
 */
/** Authenticates `conn`; resolves with the session lifetime the broker set (KIP-368; 0: none). */
export async function saslAuthenticate(conn: Connection, sasl: SaslCredentials, timeoutMs: number): Promise<number> {
  const hello = await conn.request(SaslHandshakeApi, 1, { mechanism: sasl.mechanism }, { timeoutMs });
  if (hello.errorCode !== ErrorCode.NONE) {
    throw new KafkaError(hello.errorCode, `${conn.address} does not accept SASL ${sasl.mechanism} (it offers ${hello.mechanisms.join(', ') || 'none'})`);
  }
  let sessionLifetimeMs = 0;
  const send = async (authBytes: Buffer) => {
    const res = await conn.request(SaslAuthenticateApi, 1, { authBytes }, { timeoutMs });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, `${conn.address} refused user ${JSON.stringify(sasl.username)}: ${res.errorMessage ?? 'no reason given'}`);
    sessionLifetimeMs = Number(res.sessionLifetimeMs);
    return res.authBytes;
  };
  if (sasl.mechanism === 'PLAIN') {
    await send(encodePlainMessage(sasl));
    return sessionLifetimeMs;
  }
  const scram = new ScramClientExchange(sasl.mechanism, sasl.username, sasl.password);
  const serverFirst = await send(scram.first());
  const serverFinal = await send(await scram.final(serverFirst));
  if (!scram.verify(serverFinal)) throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, `${conn.address} did not prove it knows ${JSON.stringify(sasl.username)}'s credential: not the cluster it claims to be`);
  return sessionLifetimeMs;
}
