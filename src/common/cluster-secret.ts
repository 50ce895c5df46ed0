import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { UserError } from './errors.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

/** The environment variable a cluster process takes its secret from (never argv: `ps` shows argv to everyone). */
export const CLUSTER_SECRET_ENV = 'YAK_CLUSTER_SECRET';
/** Shortest secret accepted: 32 characters (`yak up` writes 64 hex digits, 256 random bits). */
const MIN_SECRET_CHARS = 32;
const SECRET_BYTES = 32;
/** Labels the two directions apart, so one side's proof can never be played back as the other's. */
const PROOF_LABEL = { client: 'yak cluster auth v1: client\0', server: 'yak cluster auth v1: server\0' } as const;

export function clusterSecretPath(dataDir: string): string {
  return path.join(dataDir, 'cluster.secret');
}

/**
 * The secret every member of one cluster shares (coordinator, brokers, supervisor, the operator's
 * `yak` commands): each proves it with an HMAC over nonces (net/cluster-auth.ts), so the secret itself
 * never travels. It cannot be printed: toString, JSON and inspect show `[cluster secret]`.
 */
export class ClusterSecret {
  readonly #key: Buffer;

  private constructor(
    key: string,
    /** Where it was read from, for error messages: a file path or the environment variable's name. */
    readonly source: string,
  ) {
    this.#key = Buffer.from(key, 'utf8');
  }

  /**
   * A key for one purpose derived from the secret (HMAC-SHA256 over a label), so a member can prove
   * membership in another protocol (SASL: security/cluster-principal.ts) without the secret leaving it.
   */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.#key).update(`yak derived key v1: ${purpose}`).digest();
  }

  /** Reads a secret from its text (a file's content or the environment variable), trimmed. */
  static parse(text: string, source: string): ClusterSecret {
    const key = text.trim();
    if (key.length < MIN_SECRET_CHARS) {
      throw new UserError(`${source} does not hold a cluster secret (${key.length} characters, at least ${MIN_SECRET_CHARS} expected): use the cluster.secret that yak up or yak zookeeper wrote`);
    }
    return new ClusterSecret(key, source);
  }

  /** Reads `file`; a file the user may not read, or that is missing, is one clear line saying what to do. */
  static fromFile(file: string, whenMissing = 'yak up and yak zookeeper write it in their data dir'): ClusterSecret {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new UserError(`cannot read the cluster secret at ${file}: run as the user who started the cluster`);
      if (code === 'ENOENT') throw new UserError(`cannot read the cluster secret at ${file}: no such file (${whenMissing})`);
      throw new UserError(`cannot read the cluster secret at ${file}: ${(err as Error).message}`);
    }
    return ClusterSecret.parse(text, file);
  }

  /** The secret in YAK_CLUSTER_SECRET, or null when it is not set. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ClusterSecret | null {
    const text = env[CLUSTER_SECRET_ENV];
    return text === undefined || text === '' ? null : ClusterSecret.parse(text, CLUSTER_SECRET_ENV);
  }

  /**
   * `<dir>/cluster.secret`, created (256 random bits, mode 0600) when absent, so a data dir keeps its
   * secret across restarts. `created` says whether it was new.
   */
  static createOrLoad(dir: string): { secret: ClusterSecret; created: boolean } {
    const file = clusterSecretPath(dir);
    try {
      // 'wx': never overwrite one that exists (another process may have written it a moment ago).
      fs.writeFileSync(file, randomBytes(SECRET_BYTES).toString('hex') + '\n', { flag: 'wx', mode: PRIVATE_FILE_MODE });
      return { secret: ClusterSecret.fromFile(file), created: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create the cluster secret at ${file}: ${(err as Error).message}`);
    }
    fs.chmodSync(file, PRIVATE_FILE_MODE);
    return { secret: ClusterSecret.fromFile(file), created: false };
  }

  /** HMAC-SHA256 over the role's label and two nonces: what one side sends to prove it holds the secret. */
  proof(role: 'client' | 'server', first: Buffer, second: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(PROOF_LABEL[role]).update(first).update(second).digest();
  }

  /** True when `proof` is the role's proof over the nonces (compared in constant time). */
  verify(role: 'client' | 'server', first: Buffer, second: Buffer, proof: unknown): boolean {
    const expected = this.proof(role, first, second);
    return Buffer.isBuffer(proof) && proof.length === expected.length && timingSafeEqual(proof, expected);
  }

  /** The environment that hands the secret to a child process (the only way it leaves this object). */
  childEnv(): Record<string, string> {
    return { [CLUSTER_SECRET_ENV]: this.#key.toString('utf8') };
  }

  toString(): string {
    return '[cluster secret]';
  }

  toJSON(): string {
    return '[cluster secret]';
  }

  [inspect.custom](): string {
    return `[cluster secret from ${this.source}]`;
  }
}
