import { createRequire } from 'node:module';

const requireBuiltin = createRequire(import.meta.url);

/**
 * A Node built-in module loaded on first use instead of at start-up. The bundle is one ES module, so
 * every static `import` of a built-in, in whichever role's code, is loaded by every process the
 * bundle starts: node:tls, node:zlib and node:worker_threads cost an idle process about 2.4 MB of RSS
 * (their JavaScript and its compiled code, OpenSSL's TLS set-up) though most processes of a
 * PLAINTEXT cluster without compressed batches never use them. Types come from `import type`.
 */
export function lazyBuiltin<T>(name: `node:${string}`): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireBuiltin(name) as T);
}

/** node:tls: a broker's TLS listeners and clients' TLS connections only. */
export const nodeTls = lazyBuiltin<typeof import('node:tls')>('node:tls');
/** node:zlib: gzip batches (and zstd where node:zlib has it) only. */
export const nodeZlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');
/** node:worker_threads: the WAL checkpointer's worker, started once a broker writes. */
export const nodeWorkerThreads = lazyBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
