import { useEffect } from 'react';
import type { ClusterSecret } from '../../common/cluster-secret.js';
import { connectToCluster } from '../../net/cluster-auth.js';
import type { ConnectionSecurity } from '../../net/connection.js';
import { followClusterEvents } from '../cluster-events-feed.js';
import type { EventBus } from '../events.js';

/** Feeds the event log with the controller's events (cluster-events-feed.ts) while the coordinator's address stays the same. */
export function useClusterEvents(coordinator: { host: string; port: number } | null, secret: ClusterSecret, bus: EventBus, security?: ConnectionSecurity): void {
  const address = coordinator ? `${coordinator.host}:${coordinator.port}` : null;
  useEffect(() => {
    if (!coordinator) return;
    return followClusterEvents(() => connectToCluster(coordinator.host, coordinator.port, secret, { clientId: 'yak-tui-events', connectTimeoutMs: 1000, security }), bus);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [address, bus, security]);
}
