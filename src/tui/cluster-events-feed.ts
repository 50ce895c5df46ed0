import { sleep } from '../client/kafka-client.js';
import type { Connection } from '../net/connection.js';
import { InternalApi } from '../protocol/internal-api.js';
import type { EventBus } from './events.js';

/**
 * Feeds `bus` with the controller's events until the returned stop is called: WatchClusterEvents
 * long polls, each answered as soon as there are new ones (else after `maxWaitMs`, empty). Reconnects
 * on its own (`connect`); after a coordinator restart (a new ring) it reads the new ring from its
 * start. Events the ring dropped before they were read are counted in the log.
 */
export function followClusterEvents(connect: () => Promise<Connection>, bus: EventBus, maxWaitMs = 5000): () => void {
  let stopped = false;
  let conn: Connection | null = null;
  void (async () => {
    let ringId: string | undefined;
    let sinceSeq = 0;
    while (!stopped) {
      try {
        if (!conn || conn.closed) conn = await connect();
        const res = await conn.request(InternalApi.WatchClusterEvents, 0, { ringId, sinceSeq, maxWaitMs }, { timeoutMs: maxWaitMs + 3000 });
        if (stopped) break;
        if (res.missed > 0) bus.note('warn', `${res.missed} cluster event(s) dropped by the coordinator before the TUI read them`, 'tui');
        for (const s of res.events) bus.cluster(s.event, s.atMs);
        ringId = res.ringId;
        // The last event read, else the ring's newest (of a new ring, after a coordinator restart, too).
        sinceSeq = res.events.at(-1)?.seq ?? res.nextSeq - 1;
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
}
