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

// ---- Cluster control plane (coordinator, supervisor) ----

/**
 * Largest frame the coordinator and the supervisor's control endpoint read from a connection that has
 * not yet proven the cluster secret (the handshake's frames are about 150 bytes): a stranger cannot
 * make them buffer more than this.
 */
export const maxUnauthenticatedFrameBytes = 512;
/** A connection that has not proven the cluster secret within this long is closed (it holds a socket). */
export const clusterHandshakeTimeoutMs = 10_000;

// ---- Client ----

/** Throws if two limits contradict each other. Cheap; call it once when a process starts. */
export function assertLimits(): void {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`limits contradict each other: ${what}`);
  };
  check(maxDecompressedBytes >= maxFrameBytes, 'a batch that fits in a frame must be allowed to decompress');
  check(maxInFlightRequestsPerConnection >= 1, 'a connection must be able to carry one request');
  check(maxUnauthenticatedFrameBytes <= maxFrameBytes, 'a connection that has proven nothing may not send more than one that has');
}
