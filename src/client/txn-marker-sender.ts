import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode } from '../common/errors.js';
import { txnMarkerRequestTimeoutMs } from '../common/limits.js';
import { connectToCluster } from '../net/cluster-auth.js';
import type { Connection, ConnectionSecurity } from '../net/connection.js';
import { WriteTxnMarkersApi } from '../protocol/apis/write-txn-markers.js';

interface MarkerBroker {
  id: number;
  host: string;
  port: number;
}

interface TopicPartition {
  topic: string;
  partition: number;
}

interface Marker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  partitions: TopicPartition[];
}

/** The flexible version Kafka 3.9's coordinator sends. */
const WRITE_TXN_MARKERS_VERSION = 1;

/**
 * The transaction coordinator's link to partition leaders (coordinator/txn-markers.ts says what it
 * asks): WriteTxnMarkers on a connection per broker to its Kafka listener, which serves that API only
 * to cluster members, so the connection first proves the cluster secret (on a SASL listener that
 * proof is its login). `security`: the listeners' TLS, when the cluster has it. A connection that
 * fails is dropped and the next write opens another; retrying is the coordinator's business.
 */
export class TxnMarkerSender {
  private readonly connections = new Map<string, Promise<Connection>>();
  private closed = false;

  constructor(
    private readonly secret: ClusterSecret,
    private readonly security: ConnectionSecurity = {},
  ) {}

  async write(broker: MarkerBroker, marker: Marker): Promise<(TopicPartition & { errorCode: number })[]> {
    const topics = new Map<string, number[]>();
    for (const p of marker.partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    const conn = await this.connection(broker);
    const res = await conn.request(
      WriteTxnMarkersApi,
      WRITE_TXN_MARKERS_VERSION,
      {
        markers: [
          {
            producerId: marker.producerId,
            producerEpoch: marker.producerEpoch,
            transactionResult: marker.commit,
            coordinatorEpoch: marker.coordinatorEpoch,
            topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          },
        ],
      },
      { timeoutMs: txnMarkerRequestTimeoutMs },
    );
    const answered = res.markers.filter((m) => m.producerId === marker.producerId).flatMap((m) => m.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode }))));
    // A partition the answer leaves out did not get its marker.
    const got = new Set(answered.map((a) => `${a.topic}\u0000${a.partition}`));
    return [...answered, ...marker.partitions.filter((p) => !got.has(`${p.topic}\u0000${p.partition}`)).map((p) => ({ ...p, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }))];
  }

  /** One connection per broker address; a broker that moved (same id, new port) gets a new one. */
  private connection(broker: MarkerBroker): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('transaction marker sender is closed'));
    const key = `${broker.id}/${broker.host}:${broker.port}`;
    const existing = this.connections.get(key);
    if (existing) return existing;
    const forget = () => this.connections.delete(key);
    const pending = connectToCluster(broker.host, broker.port, this.secret, { clientId: 'yak-txn-coordinator', connectTimeoutMs: 3000, security: this.security }).then((conn) => {
      conn.onClose(() => this.connections.get(key) === pending && forget());
      if (this.closed) conn.close();
      return conn;
    });
    pending.catch(() => this.connections.get(key) === pending && forget());
    this.connections.set(key, pending);
    return pending;
  }

  close(): void {
    this.closed = true;
    for (const p of this.connections.values()) void p.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }
}
