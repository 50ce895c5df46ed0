import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode, KafkaError, UserError } from '../common/errors.js';
import { PRIVATE_FILE_MODE } from '../common/private-files.js';
import { connectToCluster } from '../net/cluster-auth.js';
import type { ConnectionSecurity } from '../net/connection.js';
import { InternalApi } from '../protocol/internal-api.js';
import type { SaslCredentials, SaslMechanismName } from '../security/sasl-server.js';
import { newScramCredential, SCRAM_MECHANISMS } from '../security/scram.js';
import { usesSasl, usesTls, type SecurityProtocol } from '../security/security-protocol.js';
import { ensureClientCertificate, ensureLocalCertificates, type TlsFiles } from '../security/tls-files.js';

/** What `yak up --security` asks for. */
export interface SecuritySetup {
  protocol: SecurityProtocol;
  /** The user's own PEM files (--tls-cert, --tls-key, --tls-ca); absent: a local CA in the data dir. */
  tls?: TlsFiles;
  /** Mutual TLS (ssl.client.auth=required): clients need a certificate the CA signed. */
  requireClientCert?: boolean;
  /** More super users than the admin (super.users), `User:name`. */
  superUsers?: string[];
  /** allow.everyone.if.no.acl.found on every broker. */
  allowEveryoneIfNoAclFound?: boolean;
}

/** The cluster's security as cluster.json records it for the yak commands in the data dir: paths, never secrets. */
export interface ClusterSecurityInfo {
  protocol: SecurityProtocol;
  /** The CA clients must trust (SSL, SASL_SSL). */
  caFile?: string;
  /** The super user `yak up` created, and the 0600 file with its password (SASL). */
  user?: string;
  passwordFile?: string;
  /** With mutual TLS: the client certificate and key the yak commands present (`tls/admin.pem`, principal `User:CN=admin`). */
  certFile?: string;
  keyFile?: string;
}

export const ADMIN_USER = 'admin';

/** The files (paths, never contents) a client logs in with: cluster.json's `security`, or the flags that stand in for it. */
export interface ClientSecurityFiles extends ClusterSecurityInfo {
  mechanism?: SaslMechanismName;
  /** A login to use instead of `user` and `passwordFile` (the cluster's own principal). */
  login?: SaslCredentials;
}

/**
 * What a client connects with (TLS trusting the CA, a client certificate, a SASL login), read from
 * its files; a file that is missing or unreadable, or a SASL cluster without a user, is a user error.
 * The one place every yak client (CLI commands, the TUI, chaos's workload) turns them into one.
 */
export function connectionSecurityFrom(files: ClientSecurityFiles): ConnectionSecurity | undefined {
  const { protocol } = files;
  if (protocol === 'PLAINTEXT') return undefined;
  const security: ConnectionSecurity = {};
  if (usesTls(protocol)) {
    if ((files.certFile === undefined) !== (files.keyFile === undefined)) throw new UserError('--tls-client-cert and --tls-client-key go together', 2);
    security.tls = {
      ...(files.caFile ? { ca: readSecretFile(files.caFile, '--tls-ca') } : {}),
      ...(files.certFile && files.keyFile ? { cert: readSecretFile(files.certFile, '--tls-client-cert'), key: readSecretFile(files.keyFile, '--tls-client-key') } : {}),
    };
  }
  if (usesSasl(protocol) && files.login) security.sasl = files.login;
  else if (usesSasl(protocol)) {
    if (!files.user || !files.passwordFile) throw new UserError(`a ${protocol} cluster needs --user and --password-file`, 2);
    security.sasl = { mechanism: files.mechanism ?? 'SCRAM-SHA-512', username: files.user, password: readSecretFile(files.passwordFile, '--password-file') };
  }
  return security;
}

/** A file's text without its last line break; an unreadable one is a user error naming the flag it came from. */
function readSecretFile(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${flag} ${file}: ${code === 'EACCES' ? 'permission denied (run as the user who started the cluster)' : (err as Error).message}`, 2);
  }
}

export function adminPasswordPath(dataDir: string): string {
  return path.join(dataDir, 'admin.password');
}

/**
 * Prepares a secured cluster before its processes start: the TLS files (made once in the data dir
 * unless the user gave their own) and, with SASL, the admin's password (made once, 0600, kept across
 * restarts). Returns what cluster.json records and the flags the brokers and coordinator get.
 */
export async function prepareClusterSecurity(dataDir: string, host: string, setup: SecuritySetup): Promise<{ info: ClusterSecurityInfo; brokerArgs: string[]; coordinatorArgs: string[]; coordinatorClient?: ConnectionSecurity }> {
  const { protocol } = setup;
  // Brokers listening on every interface advertise this machine's name (yak broker): the certificate must name it too.
  const names = host === '0.0.0.0' || host === '::' ? [host, os.hostname()] : [host];
  const tls = usesTls(protocol) ? (setup.tls ?? (await ensureLocalCertificates(dataDir, names))) : null;
  const sasl = usesSasl(protocol);
  if (sasl) createAdminPassword(adminPasswordPath(dataDir));
  const tlsArgs = tls ? ['--tls-cert', tls.certFile, '--tls-key', tls.keyFile, '--tls-ca', tls.caFile] : [];
  // With your own certificates the yak commands present the brokers' (it must allow client auth); else an admin certificate.
  const clientCert = tls && setup.requireClientCert ? (setup.tls ? { certFile: tls.certFile, keyFile: tls.keyFile } : await ensureClientCertificate(dataDir, ADMIN_USER)) : null;
  const superUsers = [...(sasl ? [`User:${ADMIN_USER}`] : []), ...(clientCert && !setup.tls ? [`User:CN=${ADMIN_USER}`] : []), ...(setup.superUsers ?? [])];
  return {
    info: {
      protocol,
      ...(tls ? { caFile: path.resolve(tls.caFile) } : {}),
      ...(sasl ? { user: ADMIN_USER, passwordFile: path.resolve(adminPasswordPath(dataDir)) } : {}),
      ...(clientCert ? { certFile: path.resolve(clientCert.certFile), keyFile: path.resolve(clientCert.keyFile) } : {}),
    },
    brokerArgs: [
      '--security-protocol', protocol,
      ...tlsArgs,
      ...(superUsers.length > 0 ? ['--super-users', superUsers.join(';')] : []),
      ...(clientCert ? ['--ssl-client-auth', 'required'] : []),
      ...(setup.allowEveryoneIfNoAclFound ? ['--allow-everyone-if-no-acl-found'] : []),
    ],
    coordinatorArgs: ['--security-protocol', protocol, ...tlsArgs],
    // The coordinator's port has TLS when the brokers' listeners do: the supervisor trusts the same CA.
    ...(tls ? { coordinatorClient: { tls: { ca: fs.readFileSync(tls.caFile, 'utf8') } } } : {}),
  };
}

/** Stores the admin's SCRAM-SHA-256 and -512 credentials (from its password file) in the coordinator. */
export async function registerAdminUser(coordinator: { host: string; port: number }, secret: ClusterSecret, security: ConnectionSecurity | undefined, passwordFile: string): Promise<void> {
  const password = readSecretFile(passwordFile, 'the admin password file');
  const upsertions = await Promise.all(SCRAM_MECHANISMS.map(async (m) => ({ user: ADMIN_USER, ...(await newScramCredential(m, password)) })));
  const conn = await connectToCluster(coordinator.host, coordinator.port, secret, { clientId: 'supervisor', security });
  try {
    const res = await conn.request(InternalApi.AlterScramCredentials, 0, { deletions: [], upsertions }, { timeoutMs: 5000 });
    const failed = res.results.find((r) => r.errorCode !== ErrorCode.NONE);
    if (failed) throw new KafkaError(failed.errorCode, `cannot create the ${ADMIN_USER} user: ${failed.errorMessage ?? ''}`);
  } finally {
    conn.close();
  }
}

function createAdminPassword(file: string): void {
  try {
    // 'wx': never overwrite one that exists (clients configured with it keep working across restarts).
    fs.writeFileSync(file, randomBytes(24).toString('base64url') + '\n', { flag: 'wx', mode: PRIVATE_FILE_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create the admin password file ${file}: ${(err as Error).message}`);
    fs.chmodSync(file, PRIVATE_FILE_MODE);
  }
}
