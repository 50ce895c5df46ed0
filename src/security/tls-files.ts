import type * as X509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { UserError } from '../common/errors.js';

type CryptoKey = webcrypto.CryptoKey;

/**
 * @peculiar/x509, loaded on first use: only `yak up --security tls|sasl-tls` makes certificates, and
 * every other command starts without parsing it. Its dependency injection (tsyringe) needs the
 * reflect-metadata polyfill loaded first.
 */
async function loadX509(): Promise<typeof X509> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  return x509;
}
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../common/private-files.js';

/** The PEM files of a TLS listener: its certificate and key, and the CA clients (and other brokers) trust. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

export interface TlsMaterial {
  cert: string;
  key: string;
  ca: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_DAYS = 3650;
const LEAF_DAYS = 825; // the longest validity Apple's and browsers' TLS clients accept

/** Where a data dir's local CA and the certificates it signed live (`yak purge` removes it with the rest). */
export const localTlsDir = (dataDir: string) => path.join(dataDir, 'tls');

/**
 * `<dataDir>/tls/`: a local CA (ca.pem, its key ca-key.pem) and one broker certificate it signed
 * (broker.pem, broker-key.pem) for `hosts` (IP addresses and names: clients check the address they
 * connect to) and localhost, made on the first `yak up --security tls|sasl-tls` and kept after, so
 * clients configured with ca.pem keep working across restarts. A new host gets a new broker
 * certificate from the same CA. Keys are 0600 in a 0700 directory. ECDSA P-256 keys from Node's own
 * WebCrypto, certificates by @peculiar/x509: no openssl binary, no pure-JS big-number crypto.
 */
export async function ensureLocalCertificates(dataDir: string, hosts: readonly string[]): Promise<TlsFiles> {
  const dir = localTlsDir(dataDir);
  ensurePrivateDir(dir);
  const x509 = await loadX509();
  const files = { certFile: path.join(dir, 'broker.pem'), keyFile: path.join(dir, 'broker-key.pem'), caFile: path.join(dir, 'ca.pem') };
  const caKeyFile = path.join(dir, 'ca-key.pem');
  const names = [...new Set([...hosts, 'localhost', '127.0.0.1'])];
  if (!fs.existsSync(files.caFile) || !fs.existsSync(caKeyFile)) {
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: `CN=YaK local CA ${new Date().toISOString().slice(0, 10)}`,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + CA_DAYS * 86_400_000),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writePrivate(caKeyFile, await pemKey(keys.privateKey));
    writePrivate(files.caFile, ca.toString('pem'));
    fs.rmSync(files.certFile, { force: true });
  }
  if (!fs.existsSync(files.certFile) || !fs.existsSync(files.keyFile) || !coversHosts(x509, fs.readFileSync(files.certFile, 'utf8'), names)) {
    // serverAuth for the listener, clientAuth for the fetches it makes as a follower (mutual TLS).
    await issue(x509, dir, { certFile: files.certFile, keyFile: files.keyFile }, 'CN=yak-broker', [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], names);
  }
  return files;
}

/**
 * `<dataDir>/tls/<name>.pem` and `<name>-key.pem`: a client certificate for mutual TLS
 * (`--ssl-client-auth required`), subject `CN=<name>`, so its principal is `User:CN=<name>`; made once
 * by the local CA of `ensureLocalCertificates`.
 */
export async function ensureClientCertificate(dataDir: string, name: string): Promise<{ certFile: string; keyFile: string }> {
  const dir = localTlsDir(dataDir);
  const files = { certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}-key.pem`) };
  if (!fs.existsSync(files.certFile) || !fs.existsSync(files.keyFile)) {
    const x509 = await loadX509();
    await issue(x509, dir, files, `CN=${name}`, [x509.ExtendedKeyUsage.clientAuth], []);
  }
  return files;
}

/** A certificate signed by the CA in `dir`, with a new key, written to `files`. */
async function issue(x509: typeof X509, dir: string, files: { certFile: string; keyFile: string }, subject: string, usages: string[], names: readonly string[]): Promise<void> {
  const ca = new x509.X509Certificate(fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
  const caKey = await importKey(fs.readFileSync(path.join(dir, 'ca-key.pem'), 'utf8'));
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + LEAF_DAYS * 86_400_000),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(usages),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: net.isIP(n) ? 'ip' : 'dns', value: n })))] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  writePrivate(files.keyFile, await pemKey(keys.privateKey));
  writePrivate(files.certFile, cert.toString('pem'));
}

/** Reads a listener's PEM files; a missing or unreadable one is a clear user error naming the flag. */
export function readTlsFiles(files: TlsFiles): TlsMaterial {
  const read = (file: string, flag: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read ${flag} ${file}: ${(err as Error).message}`, 2);
    }
  };
  return { cert: read(files.certFile, '--tls-cert'), key: read(files.keyFile, '--tls-key'), ca: read(files.caFile, '--tls-ca') };
}

function coversHosts(x509: typeof X509, pem: string, names: readonly string[]): boolean {
  try {
    const san = new x509.X509Certificate(pem).getExtension(x509.SubjectAlternativeNameExtension);
    const listed = new Set(san?.names.items.map((n) => n.value) ?? []);
    return names.every((n) => listed.has(n));
  } catch {
    return false;
  }
}

async function pemKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
}

function writePrivate(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: PRIVATE_FILE_MODE });
  fs.renameSync(tmp, file);
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}
