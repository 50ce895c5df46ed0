import type { KafkaClient } from '../client/kafka-client.js';
import { UserError } from '../common/errors.js';

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
