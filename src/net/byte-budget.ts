/**
 * Bytes a server may hold for requests across all its connections (Kafka's `queued.max.request.bytes`,
 * a memory pool there too). A connection reserves a frame's declared size before buffering its bytes
 * and releases it once the request has been handled; one that cannot reserve waits, paused, and is
 * called back when bytes are released.
 */
export class ByteBudget {
  private usedBytes = 0;
  /** Connections waiting for bytes, in the order they started waiting. */
  private readonly waiters = new Set<() => void>();

  constructor(readonly limitBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  tryReserve(bytes: number): boolean {
    if (this.usedBytes + bytes > this.limitBytes) return false;
    this.usedBytes += bytes;
    return true;
  }

  release(bytes: number): void {
    if (bytes === 0) return;
    this.usedBytes -= bytes;
    // Each waiter retries; one that still does not fit stays in the set, one that fits leaves it.
    for (const wake of [...this.waiters]) {
      if (this.usedBytes >= this.limitBytes) break;
      wake();
    }
  }

  wait(wake: () => void): void {
    this.waiters.add(wake);
  }

  stopWaiting(wake: () => void): void {
    this.waiters.delete(wake);
  }
}
