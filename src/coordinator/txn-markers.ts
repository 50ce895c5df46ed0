import { ErrorCode, errorName } from '../common/errors.js';
import { txnMarkerRetryBackoffMs } from '../common/limits.js';
import type { TopicPartition } from './txn-store.js';

export interface TxnMarkerBroker {
  id: number;
  host: string;
  port: number;
}

/** The COMMIT or ABORT control batch one transaction needs on each of its partitions. */
export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  /** Rises with every coordinator start, so a broker can refuse the markers of a coordinator superseded since. */
  coordinatorEpoch: number;
  partitions: TopicPartition[];
}

/**
 * Delivers markers to a partition leader (WriteTxnMarkers, API 27). The coordinator does not speak
 * to brokers' Kafka listeners itself (this folder imports no client): `yak zookeeper` wires one in
 * (client/txn-marker-sender.ts), the unit tests a fake.
 */
export interface TxnMarkerSender {
  /** Each named partition's error code; rejects when the broker cannot be reached or does not answer. */
  write(broker: TxnMarkerBroker, marker: TxnMarker): Promise<(TopicPartition & { errorCode: number })[]>;
  close(): void;
}

/** Where markers go: the controller's view of the cluster. */
export interface MarkerCluster {
  /** The partition's leader now, or null when it has none (offline, or being elected). */
  leaderOf(topic: string, partition: number): TxnMarkerBroker | null;
  partitionExists(topic: string, partition: number): boolean;
}

/**
 * Answers after which a partition gets no more tries, as Kafka's TransactionMarkerRequestCompletionHandler
 * gives up on them: the leader already has a newer epoch of the producer (a later transaction, or a
 * fence, wrote its own marker), this coordinator was superseded, or the partition's format cannot
 * hold a marker. Every other error (no leader, leader moved, not enough replicas, timeout) is retried.
 */
const GIVE_UP: ReadonlySet<number> = new Set([ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.PRODUCER_FENCED, ErrorCode.TRANSACTION_COORDINATOR_FENCED, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.UNSUPPORTED_VERSION]);

const key = (p: TopicPartition) => `${p.topic}\u0000${p.partition}`;

/**
 * Writes `marker` on every one of its partitions: to each partition's current leader, the partitions
 * of one leader in one request. Every `txnMarkerRetryBackoffMs` it looks again: a partition that did
 * not take its marker (no leader, leader moved, broker down) is sent it again, and a partition whose
 * leader changed while a request to the old one is out (a hung broker answers only at its timeout)
 * goes to the new one at once, so one stuck broker holds up only its own partitions. A partition of
 * a deleted topic is dropped: there is nothing left to mark. `progress` hears the partitions still
 * without their marker whenever that changes; `stopped` ends the loop early (coordinator shutdown).
 */
export async function writeMarkers(
  marker: TxnMarker,
  cluster: MarkerCluster,
  sender: TxnMarkerSender,
  progress: (remaining: TopicPartition[]) => void,
  stopped: () => boolean,
  warn: (message: string) => void,
): Promise<void> {
  const remaining = new Map(marker.partitions.map((p) => [key(p), p]));
  /** The broker each partition's outstanding request went to. */
  const inFlight = new Map<string, number>();
  let wake: () => void = () => {};
  const settle = (k: string) => {
    if (!remaining.delete(k)) return;
    progress([...remaining.values()]);
    if (remaining.size === 0) wake();
  };
  const send = (broker: TxnMarkerBroker, partitions: TopicPartition[]) => {
    for (const p of partitions) inFlight.set(key(p), broker.id);
    void sender
      .write(broker, { ...marker, partitions })
      .catch(() => [])
      .then((results) => {
        for (const p of partitions) if (inFlight.get(key(p)) === broker.id) inFlight.delete(key(p));
        for (const r of results) {
          if (GIVE_UP.has(r.errorCode)) warn(`transaction marker for producer ${marker.producerId} on ${r.topic}-${r.partition} refused for good (${errorName(r.errorCode)}): left unwritten`);
          if (r.errorCode === ErrorCode.NONE || GIVE_UP.has(r.errorCode)) settle(key(r));
        }
      });
  };
  while (remaining.size > 0 && !stopped()) {
    for (const [k, p] of remaining) if (!cluster.partitionExists(p.topic, p.partition)) settle(k);
    const byLeader = new Map<number, { broker: TxnMarkerBroker; partitions: TopicPartition[] }>();
    for (const [k, p] of remaining) {
      const leader = cluster.leaderOf(p.topic, p.partition);
      if (!leader || inFlight.get(k) === leader.id) continue;
      const entry = byLeader.get(leader.id) ?? { broker: leader, partitions: [] };
      byLeader.set(leader.id, entry);
      entry.partitions.push(p);
    }
    for (const { broker, partitions } of byLeader.values()) send(broker, partitions);
    if (remaining.size === 0) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, txnMarkerRetryBackoffMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
