import type { ConnectionSecurity } from '../../net/connection.js';
import { useEffect, useRef } from 'react';
import { KafkaClient, parseBootstrap } from '../../client/kafka-client.js';
import { partitionKey, type OffsetSample } from '../model.js';
import { TopicTail, type TailLine } from '../tail.js';
import type { TailStart } from '../ui-state.js';
import { useFrameState } from './use-frame-state.js';

export interface TailFeed {
  lines: TailLine[];
  status: string | null;
}

const KEEP_LINES = 1000;

/**
 * The consume pane's live tail of `topic`: restarts when the topic (or its id: deleted and created
 * again), the start position or `epoch` changes. Lines reach React once a frame at most (use-frame-state).
 */
export function useTail(
  bootstrap: string,
  topic: string | null,
  topicId: string | undefined,
  start: TailStart,
  epoch: number,
  offsets: ReadonlyMap<string, OffsetSample>,
  /** TLS and SASL of a secured cluster (cluster.json's, as every yak command uses). */
  security?: ConnectionSecurity,
): TailFeed {
  const [feed, setFeed] = useFrameState<TailFeed>({ lines: [], status: null });
  const offsetsRef = useRef(offsets);
  offsetsRef.current = offsets;

  useEffect(() => {
    setFeed({ lines: [], status: null });
    if (!bootstrap || !topic) return;
    const client = new KafkaClient({ bootstrap: parseBootstrap(bootstrap), clientId: 'yak-tui-tail', requestTimeoutMs: 5000, security });
    const tail = new TopicTail(
      client,
      { topic, start, highWatermark: (p) => offsetsRef.current.get(partitionKey(topic, p))?.highWatermark },
      (lines) => setFeed((f) => ({ ...f, lines: [...f.lines, ...lines].slice(-KEEP_LINES) })),
      (status) => setFeed((f) => ({ ...f, status })),
    );
    tail.start();
    return () => {
      void tail.stop().then(() => client.close());
    };
  }, [bootstrap, security, topic, topicId, start, epoch, setFeed]);

  return feed;
}
