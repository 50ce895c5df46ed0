/**
 * Every limit YaK enforces, in one place, each named with its unit (TigerBeetle's habit). Related
 * limits are asserted against each other by `assertLimits()`, which every process calls at start-up,
 * so a change that breaks a relation fails at once instead of under load.
 *
 * Where Kafka has the same limit, its config name is given; the value is Kafka's default unless a
 * comment says why not.
 */

// ---- Wire: frames and connections (src/net) ----

/** Largest request or response frame a peer may send (Kafka's `socket.request.max.bytes`, 100 MiB). */
export const maxFrameBytes = 100 * 1024 * 1024;
/** Requests read ahead of their responses on one connection before the socket is paused. */
export const maxInFlightRequestsPerConnection = 64;

// ---- Records ----

/** Largest size one compressed batch may decompress to; past it the batch is CORRUPT_MESSAGE. */
export const maxDecompressedBytes = 128 * 1024 * 1024;

// ---- Storage ----

/**
 * How often a broker writes its changed high watermarks to log.db (Kafka's
 * `replica.high.watermark.checkpoint.interval.ms`, 5000; shorter here, as one small transaction is
 * cheap): a checkpoint that failed (full disk) is retried on the next one.
 */
export const highWatermarkCheckpointIntervalMs = 1000;
/** How long a follower's fetcher waits after its log.db refused a write (full disk, I/O error) before fetching again. */
export const storageFaultRetryMs = 1000;

// ---- Cluster control plane (coordinator, supervisor) ----

// ---- Client ----

/** Throws if two limits contradict each other. Cheap; call it once when a process starts. */
export function assertLimits(): void {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`limits contradict each other: ${what}`);
  };
  check(maxDecompressedBytes >= maxFrameBytes, 'a batch that fits in a frame must be allowed to decompress');
  check(maxInFlightRequestsPerConnection >= 1, 'a connection must be able to carry one request');
}
