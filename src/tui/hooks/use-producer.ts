import type { ConnectionSecurity } from '../../net/connection.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { topicNameProblem } from '../../common/topic-name.js';
import { KafkaClient, parseBootstrap } from '../../client/kafka-client.js';
import { Producer } from '../../client/producer.js';

export interface ProduceResult {
  id: number;
  topic: string;
  key: string | null;
  value: string;
  /** Set once acknowledged. */
  partition?: number;
  offset?: number;
  error?: string;
  pending: boolean;
  tookMs?: number;
}

/**
 * The produce pane's producer: acks=all and idempotent, like `yak produce`, with short timeouts so
 * a record sent into a failing cluster shows its error within seconds rather than minutes.
 * Returns the last few sends, newest last.
 */
export function useProducer(bootstrap: string, security?: ConnectionSecurity): { results: ProduceResult[]; send: (topic: string, key: string | null, value: string) => void } {
  const [results, setResults] = useState<ProduceResult[]>([]);
  const producerRef = useRef<{ client: KafkaClient; producer: Producer } | null>(null);
  const nextId = useRef(1);

  useEffect(() => {
    return () => {
      producerRef.current?.client.close();
      producerRef.current = null;
    };
  }, [bootstrap, security]);

  const send = useCallback(
    (topic: string, key: string | null, value: string) => {
      const id = nextId.current++;
      const update = (patch: Partial<ProduceResult>) => setResults((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));
      setResults((rs) => [...rs, { id, topic, key, value, pending: true }].slice(-20));
      const problem = topicNameProblem(topic);
      if (problem) {
        update({ pending: false, error: problem });
        return;
      }
      if (!producerRef.current) {
        const client = new KafkaClient({ bootstrap: parseBootstrap(bootstrap), clientId: 'yak-tui-producer', requestTimeoutMs: 5000, security });
        producerRef.current = { client, producer: new Producer(client, { acks: -1, lingerMs: 0, deliveryTimeoutMs: 15_000, requestTimeoutMs: 5000 }) };
      }
      const { producer } = producerRef.current;
      const started = Date.now();
      void (async () => {
        try {
          await producer.partitionsOf(topic);
          const meta = await producer.sendAsync(topic, { key: key === null ? null : Buffer.from(key), value: Buffer.from(value) });
          update({ pending: false, partition: meta.partition, offset: meta.offset, tookMs: Date.now() - started });
        } catch (err) {
          update({ pending: false, error: (err as Error).message, tookMs: Date.now() - started });
        }
      })();
    },
    [bootstrap, security],
  );

  return { results, send };
}
