import fs from 'node:fs';
import path from 'node:path';
import { clusterSecretPath } from '../common/cluster-secret.js';
import { clusterFilePath } from '../client/cluster-file.js';
import { localTlsDir } from '../security/tls-files.js';
import { adminPasswordPath } from './cluster-security.js';

/**
 * The layout of a `yak up` data dir: `coordinator/` (coordinator.db), `broker-N/` (log.db) per
 * broker, `cluster.json` while it runs, `cluster.secret`, and with security on `tls/` (the local CA
 * and its certificates) and `admin.password`. The supervisor names these; `yak up`
 * (how many brokers the dir knew) and `yak purge` read them from here.
 */
export const coordinatorDir = (dataDir: string) => path.join(dataDir, 'coordinator');
export const brokerDir = (dataDir: string, id: number) => path.join(dataDir, `broker-${id}`);

/** The ids of the brokers that have a log in the data dir (that a cluster started there had). */
export function brokerIdsIn(dataDir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  return entries
    .map((e) => /^broker-(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null && fs.statSync(path.join(dataDir, m[0])).isDirectory())
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * What `yak purge` would remove: only the entries a cluster writes, so a mistyped --data-dir loses
 * nothing else. The secrets go too (the CA's key, the admin password): a purged dir holds none.
 */
export function clusterEntriesIn(dataDir: string): string[] {
  const candidates = [
    coordinatorDir(dataDir),
    ...brokerIdsIn(dataDir).map((id) => brokerDir(dataDir, id)),
    clusterFilePath(dataDir),
    clusterSecretPath(dataDir),
    localTlsDir(dataDir),
    adminPasswordPath(dataDir),
  ];
  return candidates.filter((p) => fs.existsSync(p));
}

/**
 * Removes a stopped cluster's state (its logs, the coordinator's metadata, the secrets), then the
 * dir itself if nothing else is in it. The caller checks no cluster runs there.
 */
export function purgeDataDir(dataDir: string): string[] {
  const removed = clusterEntriesIn(dataDir);
  for (const p of removed) fs.rmSync(p, { recursive: true, force: true });
  try {
    fs.rmdirSync(dataDir); // only when empty
  } catch {
    // other files are the user's: left alone
  }
  return removed;
}
