import { consumerFetchResponseBytesPerBroker, fetchResponseBytesPerConnection, minFetchResponseGrantBytes, replicaFetchResponseBytesPerBroker } from '../common/limits.js';

/** Bytes a fetch may read, held until its answer has been written to the socket. */
export interface FetchResponseGrant {
  /** The most this fetch may read (its first batch excepted: see `charge`). */
  readonly bytes: number;
  /**
   * Sets what is held to the bytes the answer really carries: what was not read is freed at once; a
   * first batch larger than the grant (always returned whole, KIP-74, so a consumer progresses) is
   * charged in full, so the shares are exceeded by at most that one batch per fetch admitted.
   */
  charge(actualBytes: number): void;
  /** Frees what is held, for good (a later `charge` holds nothing); safe to call more than once. */
  release(): void;
}

export interface FetchResponseLimits {
  perConnectionBytes: number;
  consumersBytes: number;
  replicasBytes: number;
  minGrantBytes: number;
}

interface Share {
  usedBytes: number;
  readonly limitBytes: number;
}

/**
 * The record bytes of Fetch answers a broker is assembling or has queued for sending (no Kafka twin:
 * Kafka sends from the page cache; YaK copies records out of SQLite into Buffers). Without it one
 * connection pipelining 64 full Fetches had a broker build 3.5 GB of answers at once.
 *
 * Every fetch reserves before it reads from storage: what it may read (its maxBytes, at most
 * fetch.max.bytes), trimmed to what is free in its connection's share (`fetchResponseBytesPerConnection`,
 * so one client cannot take the broker's) and in the broker's share for its kind: consumers and
 * followers have one each, so consumers can never starve replication. With less than
 * `minGrantBytes` free it waits (FIFO, up to the fetch's maxWaitMs) and then takes what there is,
 * maybe nothing: a valid answer with fewer records, which the client simply fetches again. The
 * handler releases the grant once the response frame has left the process (RequestScope.onSent).
 */
export class FetchResponseBudget {
  private readonly consumers: Share;
  private readonly replicas: Share;
  private readonly perConnection = new Map<number, number>();
  /** Fetches waiting for bytes, in the order they started waiting; each retries on every release. */
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly limits: FetchResponseLimits = {
      perConnectionBytes: fetchResponseBytesPerConnection,
      consumersBytes: consumerFetchResponseBytesPerBroker,
      replicasBytes: replicaFetchResponseBytesPerBroker,
      minGrantBytes: minFetchResponseGrantBytes,
    },
  ) {
    this.consumers = { usedBytes: 0, limitBytes: limits.consumersBytes };
    this.replicas = { usedBytes: 0, limitBytes: limits.replicasBytes };
  }

  /** Bytes held for consumers' and followers' answers, and for one connection's (for tests and diagnostics). */
  used(): { consumers: number; replicas: number };
  used(connectionId: number): number;
  used(connectionId?: number): number | { consumers: number; replicas: number } {
    if (connectionId !== undefined) return this.perConnection.get(connectionId) ?? 0;
    return { consumers: this.consumers.usedBytes, replicas: this.replicas.usedBytes };
  }

  /** Grants up to `wantedBytes` for a fetch on `connectionId`; see the class comment for how much and when. */
  reserve(connectionId: number, forReplica: boolean, wantedBytes: number, maxWaitMs: number): Promise<FetchResponseGrant> {
    const share = forReplica ? this.replicas : this.consumers;
    const floor = Math.min(wantedBytes, this.limits.minGrantBytes);
    const tryGrant = () => (this.free(connectionId, share) >= floor ? this.grant(connectionId, share, wantedBytes) : null);
    const now = tryGrant();
    if (now) return Promise.resolve(now);
    if (maxWaitMs <= 0) return Promise.resolve(this.grant(connectionId, share, wantedBytes));
    return new Promise((resolve) => {
      const finish = (grant: FetchResponseGrant) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(grant);
      };
      const wake = () => {
        const grant = tryGrant();
        if (grant) finish(grant);
      };
      const timer = setTimeout(() => finish(this.grant(connectionId, share, wantedBytes)), maxWaitMs);
      this.waiters.add(wake);
    });
  }

  private free(connectionId: number, share: Share): number {
    const connectionFree = this.limits.perConnectionBytes - (this.perConnection.get(connectionId) ?? 0);
    return Math.max(0, Math.min(connectionFree, share.limitBytes - share.usedBytes));
  }

  /** Takes what is free, up to `wantedBytes` (maybe 0). */
  private grant(connectionId: number, share: Share, wantedBytes: number): FetchResponseGrant {
    let held = 0;
    const hold = (bytes: number) => {
      const delta = bytes - held;
      held = bytes;
      share.usedBytes += delta;
      const connectionBytes = (this.perConnection.get(connectionId) ?? 0) + delta;
      if (connectionBytes === 0) this.perConnection.delete(connectionId);
      else this.perConnection.set(connectionId, connectionBytes);
      if (delta < 0) this.wakeWaiters();
    };
    const bytes = Math.min(Math.max(wantedBytes, 0), this.free(connectionId, share));
    hold(bytes);
    // Once released it holds nothing more: a connection that ended mid-fetch releases before the read.
    let released = false;
    return {
      bytes,
      charge: (actualBytes) => {
        if (!released) hold(actualBytes);
      },
      release: () => {
        released = true;
        hold(0);
      },
    };
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
