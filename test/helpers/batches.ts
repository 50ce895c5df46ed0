import { crc32c } from '../../src/protocol/crc32c.js';

/**
 * Overwrites a v2 batch's header maxTimestamp (offset 35) and fixes its CRC, as a client that gets the
 * field wrong would send it: Sarama 1.22 writes -1 there whatever its records say.
 */
export function withHeaderMaxTimestamp(batch: Buffer, maxTimestamp: number): Buffer {
  batch.writeBigInt64BE(BigInt(maxTimestamp), 35);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}
