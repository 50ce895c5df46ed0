import { ErrorCode, KafkaError } from '../common/errors.js';
import { parsePlainMessage } from './plain.js';
import { newScramCredential, passwordMatches, ScramError, ScramServerExchange, type ScramCredential, type ScramMechanism } from './scram.js';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

/** A client's login (yak's own clients; the password is kept in memory only, never logged). */
export interface SaslCredentials {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

/** Where the server finds a user's stored SCRAM credential for a mechanism (the broker: its metadata). */
export type CredentialLookup = (user: string, mechanism: ScramMechanism) => ScramCredential | null;

/** A finished SaslAuthenticate step: the token to send back, and the username once the exchange is done. */
export interface SaslStep {
  response: Buffer;
  username: string | null;
}

/**
 * The server side of SASL on one connection: SaslHandshake picks the mechanism, then each
 * SaslAuthenticate token goes to it. PLAIN is checked against the user's stored SCRAM credential
 * (as Redpanda does: one store, and `yak user create` serves both mechanisms), SHA-512's if the user
 * has both. A handshake may start over (KIP-368 re-authentication). Failures are KafkaErrors:
 * SASL_AUTHENTICATION_FAILED (wrong or unknown credentials, one message for both), ILLEGAL_SASL_STATE.
 */
export class SaslServerSession {
  private mechanism: SaslMechanismName | null = null;
  private scram: ScramServerExchange | null = null;
  /** Who the last exchange said it was (for the log line of a refusal; never a password). */
  claimedUser: string | null = null;

  constructor(
    readonly enabled: readonly SaslMechanismName[],
    private readonly lookup: CredentialLookup,
  ) {}

  /** SaslHandshake: the error code to answer (NONE, or UNSUPPORTED_SASL_MECHANISM). */
  handshake(mechanism: string): number {
    this.scram = null;
    this.mechanism = (this.enabled as readonly string[]).includes(mechanism) ? (mechanism as SaslMechanismName) : null;
    return this.mechanism ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM;
  }

  async authenticate(token: Buffer): Promise<SaslStep> {
    const mechanism = this.mechanism;
    if (!mechanism) throw new KafkaError(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate without a successful SaslHandshake first');
    try {
      if (mechanism === 'PLAIN') {
        this.mechanism = null;
        return { response: Buffer.alloc(0), username: await this.plain(token) };
      }
      if (!this.scram) {
        this.scram = new ScramServerExchange(mechanism, (user) => this.lookup(user, mechanism));
        const response = this.scram.first(token);
        this.claimedUser = this.scram.username;
        return { response, username: null };
      }
      const response = this.scram.final(token);
      const username = this.scram.username;
      this.scram = null;
      this.mechanism = null;
      return { response, username };
    } catch (err) {
      this.mechanism = null;
      this.scram = null;
      if (err instanceof ScramError) throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, err.message);
      throw err;
    }
  }

  private async plain(token: Buffer): Promise<string> {
    const parsed = parsePlainMessage(token);
    if (typeof parsed === 'string') throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, parsed);
    this.claimedUser = parsed.username;
    const credential = this.lookup(parsed.username, 'SCRAM-SHA-512') ?? this.lookup(parsed.username, 'SCRAM-SHA-256');
    // An unknown user costs the same PBKDF2 as a known one: the answer's timing tells nothing either.
    const ok = await passwordMatches(credential ?? (await decoyCredential()), parsed.password);
    if (!credential || !ok) throw new KafkaError(ErrorCode.SASL_AUTHENTICATION_FAILED, 'Authentication failed: Invalid username or password');
    return parsed.username;
  }
}

let decoy: Promise<ScramCredential> | null = null;
function decoyCredential(): Promise<ScramCredential> {
  decoy ??= newScramCredential('SCRAM-SHA-512', 'decoy');
  return decoy;
}
