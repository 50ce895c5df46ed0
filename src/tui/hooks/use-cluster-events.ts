import { useEffect } from 'react';
import type { ClusterSecret } from '../../common/cluster-secret.js';
import { sleep } from '../../client/kafka-client.js';
import { connectToCluster } from '../../net/cluster-auth.js';
import type { Connection } from '../../net/connection.js';
import { InternalApi } from '../../protocol/internal-api.js';
import type { EventBus } from '../events.js';

/**
 * Feeds the event log with the controller's events: WatchClusterEvents long polls, each answered as
 * soon as there are new ones. Reconnects on its own; after a coordinator restart (a new ring) it reads
 * the new ring from its start. Events the ring dropped before they were read are counted in the log.
 */
export function useClusterEvents(coordinator: { host: string; port: number } | null, secret: ClusterSecret, bus: EventBus, maxWaitMs = 5000): void {
  const address = coordinator ? `${coordinator.host}:${coordinator.port}` : null;
  useEffect(() => {
    if (!coordinator) return;
    let stopped = false;
    let conn: Connection | null = null;
    void (async () => {
      let ringId: string | undefined;
      let sinceSeq = 0;
      while (!stopped) {
        try {
          if (!conn || conn.closed) conn = await connectToCluster(coordinator.host, coordinator.port, secret, { clientId: 'yak-tui-events', connectTimeoutMs: 1000 });
          const res = await conn.request(InternalApi.WatchClusterEvents, 0, { ringId, sinceSeq, maxWaitMs }, { timeoutMs: maxWaitMs + 3000 });
          if (stopped) break;
          if (res.missed > 0) bus.note('warn', `${res.missed} cluster event(s) dropped by the coordinator before the TUI read them`, 'tui');
          for (const s of res.events) bus.cluster(s.event, s.atMs);
          ringId = res.ringId;
          sinceSeq = res.events.at(-1)?.seq ?? Math.max(sinceSeq, res.nextSeq - 1);
        } catch {
          if (stopped) break;
          conn?.close();
          conn = null;
          await sleep(300);
        }
      }
    })();
    return () => {
      stopped = true;
      conn?.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [address, bus, maxWaitMs]);
}
