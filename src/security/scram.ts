import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { UserScramCredential } from '../common/cluster-types.js';
import { scramMaxIterations, scramMinIterations } from '../common/limits.js';

/*
 * SCRAM (RFC 5802) with SHA-256 and SHA-512 (RFC 7677), as Kafka speaks it (KIP-84): no channel
 * binding ("n,,"), usernames in RFC 5802's saslname escaping (",": "=2C", "=": "=3D"), extensions in
 * the client-first message ignored except `tokenauth` (delegation tokens, which YaK does not have:
 * refused). Both sides live here: the server for the brokers, the client for yak's own Connection.
 *
 * What is stored is what Kafka stores (its UserScramCredentialRecord): salt, iterations, StoredKey =
 * H(HMAC(SaltedPassword, "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key"). Neither
 * the password nor SaltedPassword is kept: StoredKey verifies a client proof, ServerKey signs the
 * server's answer, and neither lets anyone log in as the user.
 */

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

/** Kafka's ScramMechanism ids on the wire (DescribeUserScramCredentials, AlterUserScramCredentials). */
export const SCRAM_MECHANISM_IDS: Readonly<Record<ScramMechanism, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

export function scramMechanismById(id: number): ScramMechanism | null {
  return SCRAM_MECHANISMS.find((m) => SCRAM_MECHANISM_IDS[m] === id) ?? null;
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(name);
}

/** A user's credential for one mechanism, as stored (coordinator.db) and carried to brokers. */
export type ScramCredential = Omit<UserScramCredential, 'user'>;

const HASH: Readonly<Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }>> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};
const SALT_BYTES = 32;
const NONCE_BYTES = 24;

const pbkdf2Async = promisify(pbkdf2);

/** Hi() of RFC 5802: PBKDF2 with the mechanism's HMAC. Asynchronous: thousands of iterations must not block a broker's event loop. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const h = HASH[mechanism];
  return pbkdf2Async(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, h.bytes, h.name);
}

/** StoredKey and ServerKey from a SaltedPassword (what AlterUserScramCredentials sends). */
export function credentialFromSaltedPassword(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const h = HASH[mechanism].name;
  const clientKey = hmac(h, salted, 'Client Key');
  return { mechanism, iterations, salt, storedKey: createHash(h).update(clientKey).digest(), serverKey: hmac(h, salted, 'Server Key') };
}

/** A new credential for `password`: a fresh random salt. */
export async function newScramCredential(mechanism: ScramMechanism, password: string, iterations = scramMinIterations): Promise<ScramCredential> {
  const salt = randomBytes(SALT_BYTES);
  return credentialFromSaltedPassword(mechanism, await saltedPassword(mechanism, password, salt, iterations), salt, iterations);
}

/** Kafka's bounds on the iteration count (ScramMechanism.minIterations/maxIterations): null if fine. */
export function iterationsProblem(iterations: number): string | null {
  if (!Number.isInteger(iterations) || iterations < scramMinIterations) return `iterations must be at least ${scramMinIterations}, got ${iterations}`;
  if (iterations > scramMaxIterations) return `iterations must be at most ${scramMaxIterations}, got ${iterations}`;
  return null;
}

/** PLAIN against a stored SCRAM credential (as Redpanda does): recompute StoredKey from the password. */
export async function passwordMatches(credential: ScramCredential, password: string): Promise<boolean> {
  const salted = await saltedPassword(credential.mechanism, password, credential.salt, credential.iterations);
  const candidate = credentialFromSaltedPassword(credential.mechanism, salted, credential.salt, credential.iterations);
  return timingSafeEqual(candidate.storedKey, credential.storedKey);
}

/** A malformed or refused SCRAM message; the server answers SASL_AUTHENTICATION_FAILED with `message`. */
export class ScramError extends Error {}

/**
 * The server side of one SCRAM exchange: `first(client-first)` then `final(client-final)`. An unknown
 * user gets a server-first message too, with a salt derived from the name and a secret of this
 * process, so it fails at the proof exactly as a wrong password does: no answer tells which users exist.
 */
export class ScramServerExchange {
  private state: { gs2Header: string; clientFirstBare: string; serverFirst: string; nonce: string; credential: ScramCredential | null } | null = null;
  private done = false;
  /** The authenticated username, once `final` succeeded. */
  username: string | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly lookup: (username: string) => ScramCredential | null,
    /** The server's part of the nonce; random unless a test replays RFC 7677's exchange. */
    private readonly serverNonce: string = randomBytes(NONCE_BYTES).toString('base64url'),
  ) {}

  first(message: Buffer): Buffer {
    if (this.state || this.done) throw new ScramError('unexpected SCRAM client-first message');
    const text = message.toString('utf8');
    const m = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(text);
    if (!m) throw new ScramError(text.startsWith('p=') ? 'SCRAM channel binding is not supported' : 'malformed SCRAM client-first message');
    const bare = m[3]!;
    const attrs = parseAttributes(bare);
    const username = decodeSaslName(attrs.get('n'));
    const clientNonce = attrs.get('r');
    if (!username || !clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) throw new ScramError('malformed SCRAM client-first message');
    if (m[2] && decodeSaslName(m[2].slice(2)) !== username) throw new ScramError('a SCRAM authorization id other than the username is not supported');
    if (attrs.get('tokenauth') === 'true') throw new ScramError('delegation tokens are not supported');
    const credential = this.lookup(username);
    this.username = username;
    const nonce = clientNonce + this.serverNonce;
    const salt = credential?.salt ?? decoySalt(username);
    const iterations = credential?.iterations ?? scramMinIterations;
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.state = { gs2Header: text.slice(0, text.length - bare.length), clientFirstBare: bare, serverFirst, nonce, credential: credential?.mechanism === this.mechanism ? credential : null };
    return Buffer.from(serverFirst, 'utf8');
  }

  /** Checks the client's proof; returns the server-final message. Throws ScramError on a wrong proof. */
  final(message: Buffer): Buffer {
    const state = this.state;
    if (!state || this.done) throw new ScramError('unexpected SCRAM client-final message');
    this.done = true;
    const text = message.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('malformed SCRAM client-final message');
    const withoutProof = text.slice(0, proofAt);
    const attrs = parseAttributes(text);
    // The channel binding attribute repeats the gs2 header ("n,," is "biws"): a mismatch is a tampered exchange.
    if (attrs.get('c') !== Buffer.from(state.gs2Header, 'utf8').toString('base64')) throw new ScramError('SCRAM channel binding mismatch');
    // Kafka checks only that the nonce ends with the one it sent (ScramSaslServer), and librdkafka
    // relies on that: it sends its client nonce, then the whole server nonce (which starts with the
    // client nonce again). The proof covers the message as sent, so the fresh server part still binds it.
    if (!attrs.get('r')?.endsWith(state.nonce)) throw new ScramError('SCRAM nonce mismatch');
    const proof = Buffer.from(attrs.get('p') ?? '', 'base64');
    const credential = state.credential;
    const h = HASH[this.mechanism].name;
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${withoutProof}`;
    const failed = new ScramError(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`);
    if (!credential || proof.length !== credential.storedKey.length) throw failed;
    const clientSignature = hmac(h, credential.storedKey, authMessage);
    const clientKey = xor(proof, clientSignature);
    if (!timingSafeEqual(createHash(h).update(clientKey).digest(), credential.storedKey)) throw failed;
    return Buffer.from(`v=${hmac(h, credential.serverKey, authMessage).toString('base64')}`, 'utf8');
  }
}

/** The client side of one SCRAM exchange (yak's own clients): `first()`, `final(server-first)`, `verify(server-final)`. */
export class ScramClientExchange {
  private authMessage: string | null = null;
  private serverKey: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    private readonly username: string,
    private readonly password: string,
    /** Random unless a test replays RFC 7677's exchange. */
    private readonly clientNonce: string = randomBytes(NONCE_BYTES).toString('base64url'),
  ) {}

  first(): Buffer {
    return Buffer.from(`n,,${this.clientFirstBare()}`, 'utf8');
  }

  async final(serverFirst: Buffer): Promise<Buffer> {
    const text = serverFirst.toString('utf8');
    const attrs = parseAttributes(text);
    const nonce = attrs.get('r');
    const salt = Buffer.from(attrs.get('s') ?? '', 'base64');
    const iterations = Number(attrs.get('i'));
    if (!nonce?.startsWith(this.clientNonce) || salt.length === 0 || iterationsProblem(iterations)) throw new ScramError(`the server's SCRAM message is not acceptable: ${text}`);
    const h = HASH[this.mechanism].name;
    const salted = await saltedPassword(this.mechanism, this.password, salt, iterations);
    const clientKey = hmac(h, salted, 'Client Key');
    const withoutProof = `c=biws,r=${nonce}`;
    this.authMessage = `${this.clientFirstBare()},${text},${withoutProof}`;
    this.serverKey = hmac(h, salted, 'Server Key');
    const proof = xor(clientKey, hmac(h, createHash(h).update(clientKey).digest(), this.authMessage));
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  /** True when the server proved it knows the credential too (its signature over the exchange). */
  verify(serverFinal: Buffer): boolean {
    if (!this.authMessage || !this.serverKey) return false;
    const v = parseAttributes(serverFinal.toString('utf8')).get('v');
    const expected = hmac(HASH[this.mechanism].name, this.serverKey, this.authMessage);
    const got = Buffer.from(v ?? '', 'base64');
    return got.length === expected.length && timingSafeEqual(got, expected);
  }

  private clientFirstBare(): string {
    return `n=${encodeSaslName(this.username)},r=${this.clientNonce}`;
  }
}

/** Per-process key for decoy salts: stable for a name within the process, unguessable outside it. */
const DECOY_KEY = randomBytes(32);
function decoySalt(username: string): Buffer {
  return createHmac('sha256', DECOY_KEY).update(username).digest();
}

function parseAttributes(text: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) attrs.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return attrs;
}

/** RFC 5802 saslname: "=2C" is ",", "=3D" is "="; any other "=" makes the name malformed (null). */
function decodeSaslName(name: string | undefined): string | null {
  if (name === undefined || /=(?!2C|3D)/.test(name)) return null;
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function hmac(hash: string, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data, 'utf8').digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
