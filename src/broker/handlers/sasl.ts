import { ErrorCode, KafkaError, errorName } from '../../common/errors.js';
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../../protocol/apis/sasl-authenticate.js';
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../../protocol/apis/sasl-handshake.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/**
 * SaslHandshake: on a SASL listener, starts (or, for KIP-368, restarts) the connection's exchange
 * with the mechanism named; one it does not enable is UNSUPPORTED_SASL_MECHANISM with the list, then
 * the connection is closed (Kafka's SaslServerAuthenticator). On a listener without SASL, or after
 * authenticating when sessions never expire, ILLEGAL_SASL_STATE, as Kafka answers.
 */
export function handleSaslHandshake(ctx: BrokerContext, req: SaslHandshakeRequest, _version: number, client: RequestClient): SaslHandshakeResponse {
  const security = ctx.security;
  if (!security.saslEnabled || (client.connection.principal !== null && security.config.reauthMs === 0)) {
    return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
  }
  const session = security.session(client.connection);
  const errorCode = session.handshake(req.mechanism);
  if (errorCode !== ErrorCode.NONE) closeAfterAnswer(client, `asked for SASL mechanism ${JSON.stringify(req.mechanism)}, not enabled (${session.enabled.join(', ')})`);
  return { errorCode, mechanisms: [...session.enabled] };
}

/**
 * SaslAuthenticate: one token of the exchange. Success marks the connection authenticated (the gate
 * in net/server-connection.ts then serves the rest); a failure is answered SASL_AUTHENTICATION_FAILED
 * with Kafka's message and the connection is closed, with one WARN line naming the user and address
 * (never the password). Re-authentication (KIP-368) must keep the principal.
 */
export async function handleSaslAuthenticate(ctx: BrokerContext, req: SaslAuthenticateRequest, _version: number, client: RequestClient): Promise<SaslAuthenticateResponse> {
  const security = ctx.security;
  const connection = client.connection;
  const refuse = (errorCode: number, message: string, logged: string): SaslAuthenticateResponse => {
    closeAfterAnswer(client, logged);
    return { errorCode, errorMessage: message, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
  };
  if (!security.saslEnabled) throw new KafkaError(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate on a listener without SASL');
  const session = security.session(connection);
  let step;
  try {
    step = await session.authenticate(req.authBytes);
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    const who = session.claimedUser === null ? '' : ` as ${JSON.stringify(session.claimedUser)}`;
    return refuse(err.code, err.detail ?? errorName(err.code), `SASL authentication${who} failed: ${err.detail ?? errorName(err.code)}`);
  }
  if (step.username === null) return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response, sessionLifetimeMs: 0 };
  const principal = `User:${step.username}`;
  if (connection.principal !== null && connection.principal !== principal) {
    return refuse(ErrorCode.SASL_AUTHENTICATION_FAILED, 'Cannot change principals during re-authentication', `re-authenticated as ${principal}, not ${connection.principal}`);
  }
  connection.authenticated(principal, security.config.reauthMs);
  return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.response, sessionLifetimeMs: security.config.reauthMs };
}

function closeAfterAnswer(client: RequestClient, reason: string): void {
  client.onResponseSent(() => client.connection.close('warn', reason));
}
