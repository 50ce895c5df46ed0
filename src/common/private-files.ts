import fs from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

/**
 * A cluster's files are its owner's only: the records in log.db, the offsets and state in
 * coordinator.db, cluster.json (which names the control endpoint) and cluster.secret. Other local
 * users get no access at all, so directories are 0700 and files 0600.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** The umask that gives everything a process creates those modes (SQLite's -wal and -shm files included). */
const PRIVATE_UMASK = 0o077;

/** In a process that keeps cluster files (`yak up`, `yak zookeeper`, `yak broker`): create everything owner-only. */
export function createFilesPrivately(): void {
  process.umask(PRIVATE_UMASK);
}

/**
 * Creates `dir` (and missing parents) as 0700, or, when it exists, makes it and the files directly in
 * it owner-only: a data dir written by an older yak, or under a laxer umask, is fixed when it is used.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    fs.chmodSync(dir, PRIVATE_DIR_MODE);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isFile()) fs.chmodSync(path.join(dir, entry.name), PRIVATE_FILE_MODE);
    }
  } catch (err) {
    throw new UserError(`cannot make the data dir ${dir} private to its owner (${(err as Error).message}): run as the user who owns it`);
  }
}
