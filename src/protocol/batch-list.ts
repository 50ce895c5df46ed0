/**
 * Record batches kept in the buffers they were read into (a fetch answer's stored batches, one
 * buffer each as SQLite returned it), as a records field's value: a frame writes them one after
 * another, each as `Writer.raw` writes a buffer (by reference from `frameViewMinBytes`), so they
 * reach the socket in the frame's writev without being joined into one buffer first. `length` is
 * their bytes, as a Buffer's is, so code that only sizes a records field takes either.
 */
export class BatchList {
  readonly length: number;

  constructor(readonly batches: readonly Buffer[]) {
    let bytes = 0;
    for (const b of batches) bytes += b.length;
    this.length = bytes;
  }
}

/** A records field as it is written: one buffer, or batches back to back. Decoding always gives one buffer (a view of the frame). */
export type Records = Buffer | BatchList;
