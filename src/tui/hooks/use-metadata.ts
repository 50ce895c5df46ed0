import type { ConnectionSecurity } from '../../net/connection.js';
import { useEffect } from 'react';
import type { ClusterMetadata } from '../../common/cluster-types.js';
import type { ClusterSecret } from '../../common/cluster-secret.js';
import { connectToCluster } from '../../net/cluster-auth.js';
import type { Connection } from '../../net/connection.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { sleep } from '../../client/kafka-client.js';
import { IDLE_FRAME_MS, nextFrameAt, useFrameState } from './use-frame-state.js';

export interface MetadataFeed {
  metadata: ClusterMetadata | null;
  /** When `metadata` arrived (Date.now()). */
  receivedAtMs: number;
  reachable: boolean;
}

/** How long before the clock's tick an idle answer is asked to arrive: its heartbeat ages are then fresh when drawn. */
const BEFORE_TICK_MS = 100;

/**
 * The coordinator's metadata by WatchMetadata long-poll: answered at once on a change (an
 * election, an ISR change, a registration), else shortly before the next whole second with fresh
 * heartbeat ages, which are drawn at that tick (an answer that came earlier would show ages up to a
 * second too old). Reconnects on its own; `reachable` says whether the last attempt got an answer.
 */
export function useMetadata(coordinator: { host: string; port: number } | null, secret: ClusterSecret, security?: ConnectionSecurity): MetadataFeed {
  const [feed, setFeed] = useFrameState<MetadataFeed>({ metadata: null, receivedAtMs: 0, reachable: false });
  const address = coordinator ? `${coordinator.host}:${coordinator.port}` : null;

  useEffect(() => {
    if (!coordinator) return;
    let stopped = false;
    let conn: Connection | null = null;
    void (async () => {
      let version = -1;
      let last: ClusterMetadata | null = null;
      while (!stopped) {
        try {
          if (!conn || conn.closed) conn = await connectToCluster(coordinator.host, coordinator.port, secret, { clientId: 'yak-tui', connectTimeoutMs: 1000, security });
          const untilTick = nextFrameAt(Date.now(), IDLE_FRAME_MS) - Date.now();
          const maxWaitMs = untilTick > 2 * BEFORE_TICK_MS ? untilTick - BEFORE_TICK_MS : untilTick + IDLE_FRAME_MS - BEFORE_TICK_MS;
          const res = await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: version, maxWaitMs, brokersOnlyWhenUnchanged: last !== null }, { timeoutMs: maxWaitMs + 3000 });
          if (stopped) break;
          // Nothing changed: the answer has fresh heartbeat ages only.
          const md: ClusterMetadata = res.unchanged && last ? { ...last, brokers: res.brokers } : res;
          last = md;
          // A change (an election, a death) is shown at the next frame; an answer that only ages
          // the heartbeats waits for the next whole second, with the clock's tick.
          const changed = md.version !== version;
          version = md.version;
          setFeed({ metadata: md, receivedAtMs: Date.now(), reachable: true }, changed ? undefined : IDLE_FRAME_MS);
        } catch {
          if (stopped) break;
          conn?.close();
          conn = null;
          version = -1;
          last = null;
          setFeed((f) => (f.reachable ? { ...f, reachable: false } : f));
          await sleep(300);
        }
      }
    })();
    return () => {
      stopped = true;
      conn?.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [address]);
  return feed;
}
