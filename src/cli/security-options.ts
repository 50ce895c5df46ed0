import { UserError } from '../common/errors.js';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { readClusterFile, type ClusterFile } from '../client/cluster-file.js';
import type { BrokerSecurityConfig } from '../broker/broker-security.js';
import type { ConnectionSecurity } from '../net/connection.js';
import { clusterSaslCredentials } from '../security/cluster-principal.js';
import { SASL_MECHANISMS, type SaslCredentials, type SaslMechanismName } from '../security/sasl-server.js';
import { SECURITY_PROTOCOLS, usesSasl, usesTls, type SecurityProtocol } from '../security/security-protocol.js';
import { readTlsFiles, type TlsMaterial } from '../security/tls-files.js';
import { connectionSecurityFrom } from '../supervisor/cluster-security.js';

/** `yak up --security` and `yak chaos --security`: short names for Kafka's listener security protocols. */
export const SECURITY_CHOICES = { plaintext: 'PLAINTEXT', sasl: 'SASL_PLAINTEXT', tls: 'SSL', 'sasl-tls': 'SASL_SSL' } as const;

export const clusterSecurityOption = {
  security: { type: 'string', choices: Object.keys(SECURITY_CHOICES), default: 'plaintext', describe: 'Listener protection: plaintext, sasl (SASL_PLAINTEXT), tls (SSL) or sasl-tls (SASL_SSL); makes a local CA and an admin user in the data dir' },
} as const;

/** `yak broker`'s listener security (Kafka's names), which `yak up --security` sets for every broker. */
export const listenerSecurityOptions = {
  'security-protocol': { type: 'string', choices: SECURITY_PROTOCOLS, default: 'PLAINTEXT', describe: 'Listener protection (security.protocol): PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL' },
  'sasl-mechanisms': { type: 'string', default: SASL_MECHANISMS.join(','), describe: 'SASL mechanisms enabled (sasl.enabled.mechanisms), comma-separated' },
  'super-users': { type: 'string', default: '', describe: 'Principals allowed everything, User:name;User:other (super.users)' },
  'allow-everyone-if-no-acl-found': { type: 'boolean', default: false, describe: 'A resource no ACL names is open to every principal (allow.everyone.if.no.acl.found)' },
  'connections-max-reauth-ms': { type: 'number', default: 0, describe: 'A SASL session ends after this long unless the client re-authenticates (KIP-368; 0: never)' },
  'ssl-client-auth': { type: 'string', choices: ['none', 'required'], default: 'none', describe: "Mutual TLS (ssl.client.auth): required refuses clients without a certificate the CA signed; without SASL its subject is the principal" },
  'tls-cert': { type: 'string', describe: "PEM file of the listener's certificate (SSL, SASL_SSL)" },
  'tls-key': { type: 'string', describe: 'PEM file of its private key' },
  'tls-ca': { type: 'string', describe: "PEM file of the CA that signed the brokers' certificates (followers check leaders with it)" },
} as const;

export interface ListenerSecurityArgs {
  'security-protocol': string;
  'sasl-mechanisms': string;
  'super-users': string;
  'allow-everyone-if-no-acl-found': boolean;
  'connections-max-reauth-ms': number;
  'ssl-client-auth': string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
}

/** `--super-users 'User:a;User:b'` (Kafka's super.users), each a principal; a usage error (exit 2) otherwise. */
export function parseSuperUsers(text: string): string[] {
  const superUsers = text.split(';').map((u) => u.trim()).filter((u) => u !== '');
  const badUser = superUsers.find((u) => !/^User:.+/.test(u));
  if (badUser) throw new UserError(`--super-users: ${JSON.stringify(badUser)} is not a principal (User:name)`, 2);
  return superUsers;
}

/** The broker's security config and TLS material from its flags; a usage error (exit 2) when they do not fit together. */
export function listenerSecurityFrom(args: ListenerSecurityArgs): { security: BrokerSecurityConfig; tls?: TlsMaterial } {
  const protocol = args['security-protocol'] as SecurityProtocol;
  const mechanisms = args['sasl-mechanisms'].split(',').map((m) => m.trim()).filter((m) => m !== '');
  const unknown = mechanisms.find((m) => !(SASL_MECHANISMS as readonly string[]).includes(m));
  if (unknown) throw new UserError(`--sasl-mechanisms: ${unknown} is not one of ${SASL_MECHANISMS.join(', ')}`, 2);
  if (usesSasl(protocol) && mechanisms.length === 0) throw new UserError('--sasl-mechanisms: a SASL listener needs at least one mechanism', 2);
  const reauthMs = args['connections-max-reauth-ms'];
  if (!Number.isInteger(reauthMs) || reauthMs < 0) throw new UserError(`--connections-max-reauth-ms must be a whole number of milliseconds, got ${reauthMs}`, 2);
  const superUsers = parseSuperUsers(args['super-users']);
  const sslClientAuth = args['ssl-client-auth'] === 'required' ? 'required' : 'none';
  if (sslClientAuth === 'required' && !usesTls(protocol)) throw new UserError('--ssl-client-auth required needs a TLS listener (--security-protocol SSL or SASL_SSL)', 2);
  const security: BrokerSecurityConfig = { protocol, saslMechanisms: mechanisms as SaslMechanismName[], superUsers, reauthMs, sslClientAuth, allowEveryoneIfNoAclFound: args['allow-everyone-if-no-acl-found'] };
  if (!usesTls(protocol)) return { security };
  const [certFile, keyFile, caFile] = [args['tls-cert'], args['tls-key'], args['tls-ca']];
  if (!certFile || !keyFile || !caFile) throw new UserError(`a ${protocol} listener needs --tls-cert, --tls-key and --tls-ca`, 2);
  return { security, tls: readTlsFiles({ certFile, keyFile, caFile }) };
}

/**
 * `yak zookeeper`: the cluster's protection. With TLS (SSL, SASL_SSL) the coordinator's own port is
 * TLS too (--tls-cert, --tls-key), and its `__consumer_offsets` writer reaches the brokers over TLS
 * (trusting --tls-ca) and, with SASL, as the cluster's own principal (`brokerClient`). Its
 * transaction markers go over TLS as well, but log in by proving the cluster secret in-band
 * (broker/cluster-members.ts), so they get the TLS part only (`memberClient`).
 */
export const coordinatorSecurityOptions = {
  'security-protocol': { type: 'string', choices: SECURITY_PROTOCOLS, default: 'PLAINTEXT', describe: "The cluster's listener protection (the brokers'; with TLS, this port's too)" },
  'tls-cert': { type: 'string', describe: "With TLS: PEM file of this port's certificate" },
  'tls-key': { type: 'string', describe: 'PEM file of its private key' },
  'tls-ca': { type: 'string', describe: "PEM file of the CA that signed the brokers' certificates" },
} as const;

export function coordinatorSecurityFrom(
  args: { 'security-protocol': string; 'tls-cert'?: string; 'tls-key'?: string; 'tls-ca'?: string },
  secret: ClusterSecret,
): { tls?: TlsMaterial; brokerClient: ConnectionSecurity; memberClient: ConnectionSecurity } {
  const protocol = args['security-protocol'] as SecurityProtocol;
  const sasl = usesSasl(protocol) ? { sasl: clusterSaslCredentials(secret) } : {};
  if (!usesTls(protocol)) return { brokerClient: sasl, memberClient: {} };
  const [certFile, keyFile, caFile] = [args['tls-cert'], args['tls-key'], args['tls-ca']];
  if (!certFile || !keyFile || !caFile) throw new UserError(`a ${protocol} cluster's coordinator needs --tls-cert, --tls-key and --tls-ca`, 2);
  const tls = readTlsFiles({ certFile, keyFile, caFile });
  // Its certificate doubles as the __consumer_offsets writer's client certificate (brokers may require one).
  const clientTls = { tls: { ca: tls.ca, cert: tls.cert, key: tls.key } };
  return { tls, brokerClient: { ...clientTls, ...sasl }, memberClient: clientTls };
}

/** How an operator's command reaches the coordinator of the cluster in a data dir: over TLS, trusting its CA, when the cluster has TLS. */
export function coordinatorSecurityOf(file: ClusterFile): ConnectionSecurity | undefined {
  const caFile = file.security?.caFile;
  return caFile ? connectionSecurityFrom({ protocol: 'SSL', caFile }) : undefined;
}

/** Every client command's way in to a secured cluster; with --data-dir, cluster.json says it all. */
export const clientSecurityOptions = {
  user: { type: 'string', describe: "SASL user (default: the admin yak up created, for a cluster in --data-dir)" },
  'password-file': { type: 'string', describe: "File holding that user's password (never the password itself on the command line)" },
  'sasl-mechanism': { type: 'string', choices: SASL_MECHANISMS, default: 'SCRAM-SHA-512', describe: 'SASL mechanism (sasl.mechanism)' },
  'security-protocol': { type: 'string', choices: SECURITY_PROTOCOLS, describe: "With --bootstrap: the listener's protection (default PLAINTEXT; with --data-dir, cluster.json's)" },
  'tls-ca': { type: 'string', describe: 'PEM file of the CA to trust (default: the one yak up made, for a cluster in --data-dir)' },
  'tls-client-cert': { type: 'string', describe: 'PEM client certificate for mutual TLS (default: the admin certificate yak up made, for a cluster in --data-dir)' },
  'tls-client-key': { type: 'string', describe: 'Its PEM private key' },
} as const;

export interface ClientSecurityArgs {
  'data-dir': string;
  bootstrap?: string;
  user?: string;
  'password-file'?: string;
  'sasl-mechanism'?: string;
  'security-protocol'?: string;
  'tls-ca'?: string;
  'tls-client-cert'?: string;
  'tls-client-key'?: string;
}

/**
 * The security a client command connects with: the flags, else (without --bootstrap) what `yak up`
 * recorded in cluster.json: its protocol, CA and admin user with its password file. A password is
 * read from a file only, never taken from argv.
 */
export function clientSecurity(args: ClientSecurityArgs, login?: SaslCredentials): ConnectionSecurity | undefined {
  const recorded = args.bootstrap ? undefined : readClusterFile(args['data-dir'])?.security;
  // Another user than the recorded admin brings their own password file.
  const passwordFile = args['password-file'] ?? (args.user === undefined || args.user === recorded?.user ? recorded?.passwordFile : undefined);
  return connectionSecurityFrom({
    protocol: (args['security-protocol'] ?? recorded?.protocol ?? 'PLAINTEXT') as SecurityProtocol,
    caFile: args['tls-ca'] ?? recorded?.caFile,
    certFile: args['tls-client-cert'] ?? recorded?.certFile,
    keyFile: args['tls-client-key'] ?? recorded?.keyFile,
    user: args.user ?? recorded?.user,
    passwordFile,
    mechanism: args['sasl-mechanism'] as SaslMechanismName | undefined,
    login,
  });
}
