import { useEffect } from 'react';
import { GroupAdmin, type GroupDescription } from '../../client/group-admin.js';
import { KafkaClient, parseBootstrap } from '../../client/kafka-client.js';
import type { ConnectionSecurity } from '../../net/connection.js';
import { IDLE_FRAME_MS, useFrameState } from './use-frame-state.js';

export interface GroupsFeed {
  groups: GroupDescription[];
  status: string | null;
}

/**
 * The consumer groups, as `yak group list` and `describe` read them (ListGroups, DescribeGroups,
 * OffsetFetch, ListOffsets for the log ends), every `intervalMs` while `active`: only while the
 * GROUPS pane is on screen, so a TUI that does not show them costs the cluster nothing.
 */
export function useGroups(bootstrap: string, active: boolean, security?: ConnectionSecurity, intervalMs = 2000): GroupsFeed {
  const [feed, setFeed] = useFrameState<GroupsFeed>({ groups: [], status: null });
  useEffect(() => {
    if (!bootstrap || !active) return;
    const client = new KafkaClient({ bootstrap: parseBootstrap(bootstrap), clientId: 'yak-tui-groups', requestTimeoutMs: 3000, security });
    const admin = new GroupAdmin(client);
    let stopped = false;
    let timer: NodeJS.Timeout | null = null;
    let first = true;
    const round = async () => {
      // The first answer shows at the next frame (the pane just opened), later ones with the clock's tick.
      const frame = first ? undefined : IDLE_FRAME_MS;
      first = false;
      try {
        const listed = await admin.listGroups();
        const groups: GroupDescription[] = [];
        for (const g of listed) {
          const d = await admin.describeGroup(g.groupId).catch(() => null);
          if (d) groups.push(d);
        }
        if (!stopped) setFeed({ groups, status: null }, frame);
      } catch (err) {
        if (!stopped) setFeed((f) => ({ ...f, status: `cannot list the groups: ${(err as Error).message}` }), frame);
      }
      if (!stopped) timer = setTimeout(() => void round(), intervalMs);
    };
    void round();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      client.close();
    };
  }, [bootstrap, active, security, intervalMs, setFeed]);
  return feed;
}
