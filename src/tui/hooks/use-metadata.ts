import type { ConnectionSecurity } from '../../net/connection.js';
import { useEffect } from 'react';
import type { ClusterMetadata } from '../../common/cluster-types.js';
import type { ClusterSecret } from '../../common/cluster-secret.js';
import { connectToCluster } from '../../net/cluster-auth.js';
import type { Connection } from '../../net/connection.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { sleep } from '../../client/kafka-client.js';
import { useFrameState } from './use-frame-state.js';

export interface MetadataFeed {
  metadata: ClusterMetadata | null;
  /** When `metadata` arrived (Date.now()). */
  receivedAtMs: number;
  reachable: boolean;
}

/**
 * The coordinator's metadata by WatchMetadata long-poll: answered at once on a change (an
 * election, an ISR change, a registration), else after `maxWaitMs` with fresh heartbeat ages.
 * Reconnects on its own; `reachable` says whether the last attempt got an answer.
 */
export function useMetadata(coordinator: { host: string; port: number } | null, secret: ClusterSecret, security?: ConnectionSecurity, maxWaitMs = 1000): MetadataFeed {
  const [feed, setFeed] = useFrameState<MetadataFeed>({ metadata: null, receivedAtMs: 0, reachable: false });
  const address = coordinator ? `${coordinator.host}:${coordinator.port}` : null;

  useEffect(() => {
    if (!coordinator) return;
    let stopped = false;
    let conn: Connection | null = null;
    void (async () => {
      let version = -1;
      while (!stopped) {
        try {
          if (!conn || conn.closed) conn = await connectToCluster(coordinator.host, coordinator.port, secret, { clientId: 'yak-tui', connectTimeoutMs: 1000, security });
          const md = await conn.request(InternalApi.WatchMetadata, 0, { sinceVersion: version, maxWaitMs }, { timeoutMs: maxWaitMs + 3000 });
          if (stopped) break;
          version = md.version;
          setFeed({ metadata: md, receivedAtMs: Date.now(), reachable: true });
        } catch {
          if (stopped) break;
          conn?.close();
          conn = null;
          version = -1;
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
  }, [address, maxWaitMs]);
  return feed;
}
