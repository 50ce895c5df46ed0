import type { ConnectionSecurity } from '../../net/connection.js';
import { useEffect, useRef } from 'react';
import type { ClusterMetadata } from '../../common/cluster-types.js';
import { KafkaClient, parseBootstrap } from '../../client/kafka-client.js';
import { RateTracker, partitionKey, type OffsetSample } from '../model.js';
import { leaderHighWatermarks, partitionsByLeader } from '../offsets.js';
import { IDLE_FRAME_MS, useFrameState } from './use-frame-state.js';

/**
 * High watermark and records/s of every partition: each `intervalMs`, one ListOffsets to each
 * leader (from the coordinator's metadata) for the partitions it leads. A leader that is slow to
 * answer (paused) is skipped until it does, so one hung broker never delays the others.
 * A quiet cluster (no watermark moved, no metadata change) is asked every `quietEvery` intervals
 * only: a thousand idle partitions are not decoded every second, and the first record after the
 * quiet shows within that many seconds, then every second again.
 */
export function useHighWatermarks(bootstrap: string, metadata: ClusterMetadata | null, security?: ConnectionSecurity, intervalMs = 1000, quietEvery = 3): ReadonlyMap<string, OffsetSample> {
  const [samples, setSamples] = useFrameState<ReadonlyMap<string, OffsetSample>>(new Map());
  const metadataRef = useRef(metadata);
  metadataRef.current = metadata;

  useEffect(() => {
    if (!bootstrap) return;
    const client = new KafkaClient({ bootstrap: parseBootstrap(bootstrap), clientId: 'yak-tui-offsets', requestTimeoutMs: 3000, security });
    const tracker = new RateTracker();
    const inFlight = new Set<number>();
    let known = false;
    let stopped = false;
    let quiet = false;
    let quietVersion = -1;
    let skipped = 0;
    let sent: ReadonlyMap<string, OffsetSample> | null = null;

    const round = async () => {
      const md = metadataRef.current;
      if (!md || stopped) return;
      if (quiet && md.version === quietVersion && ++skipped < quietEvery) return;
      skipped = 0;
      let moved = false;
      const byLeader = partitionsByLeader(md);
      const live = new Set(md.topics.flatMap((t) => t.partitions.map((p) => partitionKey(t.name, p.partition))));
      tracker.retain(live);
      for (const t of md.topics) for (const p of t.partitions) if (p.leader < 0) tracker.idle(partitionKey(t.name, p.partition));
      if (!known || [...byLeader.keys()].some((id) => !client.brokerAddress(id))) {
        try {
          await client.refreshMetadata([]);
          known = true;
        } catch {
          return;
        }
      }
      await Promise.all(
        [...byLeader].map(async ([leader, partitions]) => {
          if (inFlight.has(leader)) {
            for (const p of partitions) tracker.idle(partitionKey(p.topic, p.partition));
            return;
          }
          inFlight.add(leader);
          try {
            const hws = await leaderHighWatermarks(client, leader, partitions, Math.max(1000, intervalMs * 2));
            const at = Date.now();
            for (const h of hws) if (tracker.record(partitionKey(h.topic, h.partition), h.highWatermark, at)) moved = true;
          } catch {
            for (const p of partitions) tracker.idle(partitionKey(p.topic, p.partition));
          } finally {
            inFlight.delete(leader);
          }
        }),
      );
      quiet = !moved;
      quietVersion = md.version;
      // The same map when nothing changed (an idle cluster, once its histories are all zeros): no render.
      const snapshot = tracker.snapshot();
      if (!stopped && snapshot !== sent) setSamples((sent = snapshot), IDLE_FRAME_MS);
    };

    void round();
    const timer = setInterval(() => void round(), intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
      client.close();
    };
  }, [bootstrap, security, intervalMs, setSamples]);

  return samples;
}
