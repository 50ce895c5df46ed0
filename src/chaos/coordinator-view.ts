import type { ClusterMetadata, PartitionState } from '../common/cluster-types.js';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { connectToCluster } from '../net/cluster-auth.js';
import type { ConnectionSecurity } from '../net/connection.js';
import type { Connection } from '../net/connection.js';
import { InternalApi } from '../protocol/internal-api.js';

/** The chaos topic's partitions as the coordinator saw them at one moment (run clock, ms). */
export interface TopicSnapshot {
  atMs: number;
  version: number;
  partitions: PartitionState[];
}

/**
 * The coordinator's view of the chaos topic: a long-poll watcher records every change (with the time it
 * arrived), so failover times can be read off afterwards, and `query()` asks for the current state
 * (who leads what just before a fault, whether every ISR is full again). Talks to the coordinator, the
 * source of truth, not to a broker's copy. Tolerates the coordinator being down (it is a fault target).
 */
export class CoordinatorView {
  readonly changes: TopicSnapshot[] = [];
  private watcher: Connection | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly address: { host: string; port: number },
    private readonly secret: ClusterSecret,
    private readonly topic: string,
    private readonly clock: () => number,
    /** TLS to the coordinator of a cluster with TLS. */
    private readonly security?: ConnectionSecurity,
  ) {}

  start(): void {
    this.loop = this.watchLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    await this.loop;
  }

  /** The coordinator's current state of the topic; null if it does not answer within `timeoutMs`. */
  async query(timeoutMs = 2000): Promise<TopicSnapshot | null> {
    let conn: Connection | null = null;
    try {
      conn = await connectToCluster(this.address.host, this.address.port, this.secret, { clientId: 'yak-chaos', connectTimeoutMs: timeoutMs, security: this.security });
      const m = await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: -1, maxWaitMs: 0 }, { timeoutMs });
      return this.snapshot(m);
    } catch {
      return null;
    } finally {
      conn?.close();
    }
  }

  /**
   * Milliseconds from `tMs` until the coordinator had moved every one of `partitions` to a leader
   * other than `brokerId`; null if that did not happen (e.g. the broker came back first).
   */
  failoverMs(partitions: number[], brokerId: number, tMs: number): number | null {
    if (partitions.length === 0) return null;
    for (const s of this.changes) {
      if (s.atMs < tMs) continue;
      const moved = partitions.every((p) => {
        const leader = s.partitions[p]?.leader ?? -1;
        return leader >= 0 && leader !== brokerId;
      });
      if (moved) return s.atMs - tMs;
    }
    return null;
  }

  private snapshot(m: ClusterMetadata): TopicSnapshot | null {
    const t = m.topics.find((x) => x.name === this.topic);
    return t ? { atMs: this.clock(), version: m.version, partitions: t.partitions.map((p) => ({ ...p, isr: [...p.isr], replicas: [...p.replicas] })) } : null;
  }

  private async watchLoop(): Promise<void> {
    let version = -1;
    while (!this.stopped) {
      try {
        if (!this.watcher || this.watcher.closed) {
          this.watcher = await connectToCluster(this.address.host, this.address.port, this.secret, { clientId: 'yak-chaos-watch', connectTimeoutMs: 1000, security: this.security });
        }
        const m = await this.watcher.request(InternalApi.WatchMetadata, 0, { sinceVersion: version, maxWaitMs: 5000 }, { timeoutMs: 10_000 });
        version = m.version;
        const s = this.snapshot(m);
        const last = this.changes[this.changes.length - 1];
        if (s && (!last || JSON.stringify(last.partitions) !== JSON.stringify(s.partitions))) this.changes.push(s);
      } catch {
        if (!this.stopped) await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/** True when every partition has a leader and its whole replica set in sync. */
export function fullyInSync(s: TopicSnapshot): boolean {
  return s.partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length);
}
