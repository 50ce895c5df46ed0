import type { KafkaClient } from '../client/kafka-client.js';
import { DATA_CORRUPTED_EXIT_CODE, UserError } from '../common/errors.js';
import { canCompress, COMPRESSION_NAMES, CompressionCodec, type CompressionName } from '../protocol/compression.js';

/**
 * Exit codes: 0 ok, 1 the command failed, 2 the command line was wrong, 3 a data file is corrupted
 * (a broker's log.db), 4 the cluster answered but is not healthy (`yak status`, `yak health`: a
 * broker or the coordinator down, a partition offline or under-replicated), 130 stopped by Ctrl-C
 * (128 + SIGINT; every command), 143 by SIGTERM. (README: "Exit codes".)
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, corrupted: DATA_CORRUPTED_EXIT_CODE, unhealthy: 4, interrupted: 130, terminated: 143 } as const;

/** Runs a command body with a client and always closes it. */
export async function withClient<T>(client: KafkaClient, body: (client: KafkaClient) => Promise<T>): Promise<T> {
  try {
    return await body(client);
  } finally {
    client.close();
  }
}

/** Left-aligned columns separated by two spaces, like kafka-topics and rpk print. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** `--acks 0|1|all|-1` as the protocol number. */
export function parseAcks(value: string): 0 | 1 | -1 {
  if (value === '0') return 0;
  if (value === '1') return 1;
  if (value === 'all' || value === '-1') return -1;
  throw new UserError(`--acks must be 0, 1 or all, got "${value}"`, 2);
}

/** `--compression` (or kcat's `-z`): the codec of every batch a command produces. */
export const compressionOption = {
  alias: 'z',
  type: 'string',
  default: 'none',
  choices: COMPRESSION_NAMES,
  describe: 'Compress batches (compression.type)',
} as const;

/** `--compression` as a CompressionCodec, refused where this Node.js cannot write it. */
export function parseCompression(name: string): number {
  const codec = CompressionCodec[name as CompressionName];
  if (codec === undefined) throw new UserError(`--compression must be one of ${COMPRESSION_NAMES.join(', ')}, got "${name}"`, 2);
  if (!canCompress(codec)) throw new UserError(`--compression ${name} needs Node.js 22.15 or later (this is ${process.version}); use gzip, snappy or lz4`, 2);
  return codec;
}
