import { DeadlineTimer } from '../common/deadline-timer.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { Connection, type ConnectionSecurity } from '../net/connection.js';
import type { ApiCodec } from '../protocol/api.js';
import { MetadataApi, type MetadataResponse, type MetadataTopic } from '../protocol/apis/metadata.js';

/**
 * The highest version of each API YaK's own client speaks. Metadata is negotiated per connection
 * (`Connection.versionFor`: the highest both sides know); the others are sent as written here.
 */
export const ClientVersions = { Metadata: 12, Produce: 7, Fetch: 11, ListOffsets: 2, CreateTopics: 3, DeleteTopics: 3, CreatePartitions: 1, DescribeConfigs: 1, IncrementalAlterConfigs: 0, DeleteRecords: 1, ElectLeaders: 2, AlterPartitionReassignments: 0, ListPartitionReassignments: 0, DescribeLogDirs: 1 } as const;

const METADATA_TIMEOUT_MS = 2000;
/** Ask the next broker for metadata too when one has not answered in this long. */
const METADATA_HEDGE_MS = 300;
/** A broker that failed or was slow to answer metadata is asked last for this long. */
const SLOW_BROKER_MS = 10_000;
const LEADER_CHECK_MS = 500;

export interface KafkaClientOptions {
  bootstrap: { host: string; port: number }[];
  clientId?: string;
  requestTimeoutMs?: number;
  /** TLS and SASL for every connection (Kafka's security.protocol); absent: PLAINTEXT. */
  security?: ConnectionSecurity;
}

/** Metadata as this client sees it: it asks by name only, so every topic in the answer has one. */
export interface ClientMetadata extends Omit<MetadataResponse, 'topics'> {
  topics: (MetadataTopic & { name: string })[];
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

/**
 * Cluster access shared by the producer, consumer and admin: bootstrap, metadata cache, one pooled
 * connection per broker. Knows nothing about records; callers refresh metadata when a broker
 * answers NOT_LEADER_OR_FOLLOWER or a connection fails.
 */
export class KafkaClient {
  /** Pooled connections by `poolKey`: a connect in progress is shared by every caller that wants it. */
  private readonly connections = new Map<string, Promise<Connection>>();
  private brokers = new Map<number, { host: string; port: number }>();
  private topics = new Map<string, PartitionInfo[]>();
  /** Metadata requests in flight by `refreshKey`: concurrent refreshes of the same topics share one. */
  private readonly refreshes = new Map<string, Promise<ClientMetadata>>();
  private closed = false;
  private metadataRound = 0;
  private readonly slowUntil = new Map<number, number>();
  /** The leader checks of every sendToLeader in flight, on one timer (a timer per request was a measurable part of its cost). */
  private readonly leaderChecks = new DeadlineTimer();
  clusterId: string | null = null;

  constructor(readonly opts: KafkaClientOptions) {
    if (opts.bootstrap.length === 0) throw new Error('no bootstrap address');
  }

  private connOpts() {
    return { clientId: this.opts.clientId ?? 'yak', requestTimeoutMs: this.opts.requestTimeoutMs ?? 30_000, connectTimeoutMs: 3000, security: this.opts.security };
  }

  /** Any live broker: a known one first, else the bootstrap list in order. */
  private async anyConnection(): Promise<Connection> {
    if (this.closed) throw new Error('client is closed');
    for (const id of this.brokers.keys()) {
      try {
        return await this.connection(id);
      } catch {
        // try the next one
      }
    }
    return this.anyBootstrapConnection();
  }

  private anyBootstrapConnection(): Promise<Connection> {
    return this.pooled('bootstrap', async () => {
      let last: Error | null = null;
      for (const b of this.opts.bootstrap) {
        try {
          return await Connection.connect(b.host, b.port, this.connOpts());
        } catch (err) {
          last = err as Error;
        }
      }
      throw last ?? new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'no broker reachable');
    });
  }

  /**
   * Fetches metadata (null = all topics) and refreshes the cache. Asks brokers in turn, hedged: if
   * one has not answered in METADATA_HEDGE_MS the next is asked too, and the first answer wins, so a
   * hung (paused) broker costs a fraction of a second, not a timeout. A broker that failed or was
   * slow is asked last for a while.
   */
  refreshMetadata(topics: string[] | null = null, allowAutoTopicCreation = false): Promise<ClientMetadata> {
    // Every in-flight produce or fetch re-checks its leader every LEADER_CHECK_MS: uncoalesced, a
    // 1000-partition bench sent ~2,400 Metadata requests a second, which queued behind the produces.
    const key = `${allowAutoTopicCreation}\u0000${topics === null ? '*' : [...topics].sort().join('\u0000')}`;
    const inFlight = this.refreshes.get(key);
    if (inFlight) return inFlight;
    const refresh = this.fetchMetadata(topics, allowAutoTopicCreation).finally(() => this.refreshes.delete(key));
    this.refreshes.set(key, refresh);
    return refresh;
  }

  private async fetchMetadata(topics: string[] | null, allowAutoTopicCreation: boolean): Promise<ClientMetadata> {
    const req = { topics: topics?.map((name) => ({ name })) ?? null, allowAutoTopicCreation };
    const timeoutMs = allowAutoTopicCreation ? 5000 : METADATA_TIMEOUT_MS;
    const known = [...this.brokers.keys()];
    // Rotate the starting broker so one bad broker is not asked first every time.
    const start = known.length > 0 ? this.metadataRound++ % known.length : 0;
    const now = Date.now();
    const suspect = (id: number) => (this.slowUntil.get(id) ?? 0) > now;
    const rotated = [...known.slice(start), ...known.slice(0, start)];
    const order = [...rotated.filter((id) => !suspect(id)), ...rotated.filter(suspect)];
    const ask = (id: number) => {
      const hedge = setTimeout(() => this.slowUntil.set(id, Date.now() + SLOW_BROKER_MS), METADATA_HEDGE_MS);
      return this.connection(id, 'metadata')
        .then((conn) => conn.request(MetadataApi, conn.versionFor(MetadataApi, ClientVersions.Metadata), req, { timeoutMs }))
        .then(
          (res) => {
            clearTimeout(hedge);
            this.slowUntil.delete(id);
            return res;
          },
          (err: unknown) => {
            clearTimeout(hedge);
            this.slowUntil.set(id, Date.now() + SLOW_BROKER_MS);
            throw err;
          },
        );
    };
    try {
      return this.applyMetadata(await firstSuccess(order.map((id) => () => ask(id)), METADATA_HEDGE_MS));
    } catch (err) {
      try {
        const conn = await this.anyBootstrapConnection();
        return this.applyMetadata(await conn.request(MetadataApi, conn.versionFor(MetadataApi, ClientVersions.Metadata), req, { timeoutMs }));
      } catch (bootstrapErr) {
        throw order.length > 0 ? err : bootstrapErr;
      }
    }
  }

  private applyMetadata(answer: MetadataResponse): ClientMetadata {
    // A null name answers a query by topic id (Metadata v12), which this client never sends.
    const md = { ...answer, topics: answer.topics.filter((t): t is MetadataTopic & { name: string } => t.name !== null) };
    this.clusterId = md.clusterId ?? null;
    this.brokers = new Map(md.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    for (const t of md.topics) {
      if (t.errorCode === ErrorCode.NONE) {
        this.topics.set(
          t.name,
          t.partitions
            .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, errorCode: p.errorCode }))
            .sort((a, b) => a.partition - b.partition),
        );
      } else {
        this.topics.delete(t.name);
      }
    }
    return md;
  }

  partitions(topic: string): PartitionInfo[] | undefined {
    return this.topics.get(topic);
  }

  /** The partition's leader as the cached metadata says, -1 when unknown or offline. */
  leaderOf(topic: string, partition: number): number {
    return this.topics.get(topic)?.[partition]?.leader ?? -1;
  }

  brokerAddress(id: number): { host: string; port: number } | undefined {
    return this.brokers.get(id);
  }

  /**
   * The pooled connection to a broker, one per lane. Metadata has a lane of its own: a broker answers
   * a connection's requests in order, so a Metadata request sent behind acks=all produces waited for
   * them, timed out (METADATA_TIMEOUT_MS) and, closing the connection, failed every produce on it.
   */
  connection(nodeId: number, lane: 'data' | 'metadata' = 'data'): Promise<Connection> {
    return this.pooled(`${lane}/${nodeId}`, () => {
      const addr = this.brokers.get(nodeId);
      if (!addr) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `broker ${nodeId} is not in the metadata`);
      return Connection.connect(addr.host, addr.port, this.connOpts());
    });
  }

  /**
   * The pool entry for `key`, connecting when there is none. The entry is the connect's promise, set
   * before anything is awaited, so concurrent callers share one connect instead of each opening a
   * socket of its own (those leaked: 1,399 open sockets kept a finished bench alive). Every caller
   * gets this same promise, so their requests go out in the order they asked (the idempotent
   * producer's sequence numbers depend on it). The entry goes when the connect fails or the
   * connection closes; a connection that arrives after close() is closed.
   */
  private pooled(key: string, connect: () => Promise<Connection>): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('client is closed'));
    const existing = this.connections.get(key);
    if (existing) return existing;
    const forget = () => {
      if (this.connections.get(key) === pending) this.connections.delete(key);
    };
    const pending = (async () => {
      const conn = await connect();
      if (!this.closed) await conn.negotiateVersions().catch((err: unknown) => (conn.close(), Promise.reject(err)));
      if (this.closed) {
        conn.close();
        throw new Error('client is closed');
      }
      conn.onClose(forget);
      return conn;
    })();
    this.connections.set(key, pending);
    pending.catch(forget);
    return pending;
  }

  /** Sends a request to one broker (to any if nodeId is undefined). */
  async send<Req, Res>(nodeId: number | undefined, api: ApiCodec<Req, Res>, version: number, req: Req, opts?: { timeoutMs?: number; expectResponse?: boolean }): Promise<Res> {
    const conn = nodeId === undefined ? await this.anyConnection() : await this.connection(nodeId);
    return conn.request(api, version, req, opts);
  }

  /**
   * Sends a request to a partition leader and, while it is unanswered past `firstCheckAfterMs`,
   * re-checks the metadata every LEADER_CHECK_MS: if leadership moved (the broker hangs, or was
   * replaced), the connection is dropped so the caller retries at the new leader instead of waiting
   * out the request timeout. An answer ends the checks, one whose metadata refresh is under way too.
   */
  async sendToLeader<Req, Res>(
    nodeId: number,
    topics: string[],
    stillLeads: () => boolean,
    api: ApiCodec<Req, Res>,
    version: number,
    req: Req,
    opts?: { timeoutMs?: number; firstCheckAfterMs?: number },
  ): Promise<Res> {
    const conn = await this.connection(nodeId);
    let answered = false;
    const check = async () => {
      await this.refreshMetadata(topics).catch(() => undefined);
      if (answered || conn.closed) return;
      if (!stillLeads()) conn.close();
      else cancel = this.leaderChecks.add(LEADER_CHECK_MS, check);
    };
    let cancel = this.leaderChecks.add(opts?.firstCheckAfterMs ?? LEADER_CHECK_MS, check);
    try {
      return await conn.request(api, version, req, opts);
    } finally {
      answered = true;
      cancel();
    }
  }

  /** Closes every pooled connection, those still connecting included (they close as they arrive). */
  close(): void {
    this.closed = true;
    this.leaderChecks.clear();
    for (const p of this.connections.values()) void p.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }
}

/**
 * Starts `attempts` one after another, the next when the previous failed or `hedgeMs` passed without
 * an answer; resolves with the first success, rejects with the last error when all failed.
 */
export function firstSuccess<T>(attempts: (() => Promise<T>)[], hedgeMs: number): Promise<T> {
  if (attempts.length === 0) return Promise.reject(new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'no broker known'));
  return new Promise((resolve, reject) => {
    let next = 0;
    let pending = 0;
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const launch = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (settled || next >= attempts.length) return;
      const attempt = attempts[next++]!;
      pending++;
      timer = setTimeout(launch, hedgeMs);
      attempt().then(
        (value) => {
          if (settled) return;
          settled = true;
          if (timer) clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          pending--;
          if (settled) return;
          if (next < attempts.length) launch();
          else if (pending === 0) {
            settled = true;
            reject(err);
          }
        },
      );
    };
    launch();
  });
}

export function parseBootstrap(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.lastIndexOf(':');
      const port = Number(s.slice(i + 1));
      if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad bootstrap address "${s}": expected host:port`);
      return { host: s.slice(0, i), port };
    });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
