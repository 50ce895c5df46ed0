import type { ClusterMetadata } from '../common/cluster-types.js';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { connectToCluster } from '../net/cluster-auth.js';
import type { Connection, ConnectionSecurity } from '../net/connection.js';
import type { ApiCodec } from '../protocol/api.js';
import { InternalApi, type RegisterBrokerRequest } from '../protocol/internal-api.js';

export interface CoordinatorLinkOptions {
  coordinatorHost: string;
  coordinatorPort: number;
  clusterSecret: ClusterSecret;
  /** TLS to the coordinator (a cluster with TLS has it on the coordinator's port too). */
  security?: ConnectionSecurity;
  registration: RegisterBrokerRequest;
  logger: Logger;
  onMetadata: (m: ClusterMetadata) => void;
  /** Called when the session is lost (coordinator says so, or it has been unreachable too long). */
  onSessionLost?: () => void;
  /** How long one metadata watch waits for a change (default WATCH_MAX_WAIT_MS). */
  watchMaxWaitMs?: number;
}

const RETRY_MS = 200;
/** Idle connections kept for group requests (more are opened while more are in flight). */
const MAX_IDLE_GROUP_CONNECTIONS = 8;
const WATCH_MAX_WAIT_MS = 10_000;

/**
 * The broker's side of the coordinator protocol: register (getting `leader_info`), heartbeat on the
 * interval the coordinator asks for, and long-poll for metadata changes so they arrive at once.
 * If the coordinator goes away the broker keeps serving what it has and re-registers when it returns.
 */
export class CoordinatorLink {
  private control: Connection | null = null;
  private watcher: Connection | null = null;
  private brokerEpoch = -1;
  private sessionTimeoutMs = 0;
  /** When the last heartbeat the coordinator accepted was sent (monotonic ms). */
  private lastAcceptedBeatSentMs = -Infinity;
  /** The last heartbeat got no answer at all: refused, cut, or timed out (a stopped or hung coordinator). */
  private coordinatorUnreachable = false;
  /** This broker itself stood still (paused, or its event loop blocked) since the last accepted heartbeat. */
  private stalledSinceAccepted = false;
  private version = -1;
  private stopped = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly groupConnections = new Set<Connection>();
  private idleGroupConnections: Connection[] = [];

  constructor(private readonly opts: CoordinatorLinkOptions) {}

  /** Registers (retrying until the coordinator answers), then keeps the session alive in the background. */
  async start(): Promise<void> {
    await this.register();
    void this.watchLoop();
  }

  stop(): void {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.control?.close();
    this.watcher?.close();
    for (const c of this.groupConnections) c.close();
  }

  /**
   * True while no coordinator can have given this broker's leaderships to another. Either the
   * coordinator cannot yet have expired the session (measured from when the last accepted heartbeat
   * was sent, no later than when it arrived), or the coordinator answers nobody (killed, stopped,
   * hung) while this broker has kept running: a coordinator that cannot answer cannot elect either,
   * so, as Kafka brokers keep leading while ZooKeeper is down, the broker carries on (and the
   * coordinator, back, does not count its own standstill against anyone). A broker that itself stood
   * still (yak pause) stops acting as leader until the coordinator accepts it again: others may have
   * been elected meanwhile.
   */
  sessionValid(): boolean {
    if (this.brokerEpoch < 0) return false;
    if (performance.now() - this.lastAcceptedBeatSentMs < this.sessionTimeoutMs) return true;
    return this.coordinatorUnreachable && !this.stalledSinceAccepted;
  }

  get epoch(): number {
    return this.brokerEpoch;
  }

  /** Sends a control request to the coordinator (used for CreateTopics and DeleteTopics). */
  async call<Req, Res>(api: ApiCodec<Req, Res>, req: Req, timeoutMs = 10_000): Promise<Res> {
    const conn = await this.controlConnection();
    return conn.request(api, 0, req, { timeoutMs });
  }

  /**
   * Sends a group request on a connection of its own. The coordinator answers each connection's
   * requests in order, and JoinGroup/SyncGroup wait for a whole rebalance: sharing a connection
   * would hold every other group's heartbeats behind them.
   */
  async callGroup<Req, Res>(api: ApiCodec<Req, Res>, req: Req, timeoutMs: number): Promise<Res> {
    this.idleGroupConnections = this.idleGroupConnections.filter((c) => !c.closed);
    let conn = this.idleGroupConnections.pop();
    if (!conn) {
      conn = await this.connect('groups');
      const opened = conn;
      this.groupConnections.add(opened);
      opened.onClose(() => this.groupConnections.delete(opened));
    }
    try {
      return await conn.request(api, 0, req, { timeoutMs });
    } finally {
      if (this.stopped || conn.closed || this.idleGroupConnections.length >= MAX_IDLE_GROUP_CONNECTIONS) conn.close();
      else this.idleGroupConnections.push(conn);
    }
  }

  private async controlConnection(): Promise<Connection> {
    if (this.control && !this.control.closed) return this.control;
    this.control = await this.connect(null);
    return this.control;
  }

  /** A connection to the coordinator that has proven the cluster secret; `purpose` goes into its client id. */
  private connect(purpose: string | null): Promise<Connection> {
    const clientId = `broker-${this.opts.registration.brokerId}${purpose ? `-${purpose}` : ''}`;
    return connectToCluster(this.opts.coordinatorHost, this.opts.coordinatorPort, this.opts.clusterSecret, { clientId, security: this.opts.security });
  }

  private async register(): Promise<void> {
    let warned = false;
    while (!this.stopped) {
      try {
        const info = await this.call(InternalApi.RegisterBroker, this.opts.registration, 5000);
        if (info.errorCode !== ErrorCode.NONE) throw new KafkaError(info.errorCode, info.errorMessage);
        this.brokerEpoch = info.brokerEpoch;
        this.sessionTimeoutMs = info.sessionTimeoutMs;
        this.lastAcceptedBeatSentMs = performance.now();
        this.stalledSinceAccepted = false;
        this.coordinatorUnreachable = false;
        this.accept(info.metadata);
        this.scheduleHeartbeat(info.heartbeatIntervalMs);
        this.opts.logger.info(`registered with coordinator (broker epoch ${info.brokerEpoch})`);
        return;
      } catch (err) {
        // A coordinator that refuses this broker's secret (or proves none) will not change its mind.
        if (err instanceof KafkaError && err.code === ErrorCode.CLUSTER_AUTHORIZATION_FAILED) throw err;
        if (!warned) this.opts.logger.warn(`cannot register with coordinator yet: ${(err as Error).message}; retrying`);
        warned = true;
        await sleep(RETRY_MS);
      }
    }
  }

  private scheduleHeartbeat(intervalMs: number): void {
    if (this.stopped) return;
    const dueMs = performance.now() + intervalMs;
    this.heartbeatTimer = setTimeout(async () => {
      // Late by half a session: this process stood still, and may have been given up on meanwhile.
      if (performance.now() - dueMs > this.sessionTimeoutMs / 2) this.stalledSinceAccepted = true;
      try {
        const sentMs = performance.now();
        const res = await this.call(InternalApi.Heartbeat, { brokerId: this.opts.registration.brokerId, brokerEpoch: this.brokerEpoch }, intervalMs * 4);
        this.coordinatorUnreachable = false;
        if (res.errorCode === ErrorCode.NONE) {
          this.lastAcceptedBeatSentMs = sentMs;
          this.stalledSinceAccepted = false;
        }
        if (res.errorCode === ErrorCode.STALE_BROKER_EPOCH) {
          this.opts.logger.warn('coordinator does not know this session: registering again');
          this.opts.onSessionLost?.();
          await this.register();
          return;
        }
      } catch {
        // No answer (refused, cut or timed out): the next beat retries.
        this.coordinatorUnreachable = true;
      }
      this.scheduleHeartbeat(intervalMs);
    }, intervalMs);
  }

  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.watcher || this.watcher.closed) {
          this.watcher = await this.connect('watch');
        }
        const maxWaitMs = this.opts.watchMaxWaitMs ?? WATCH_MAX_WAIT_MS;
        // A watch that ends with nothing changed carries the brokers alone, and is not applied: applying
        // a 1000-partition cluster's metadata again every 10 s cost each broker a pass over every replica.
        const m = await this.watcher.request(InternalApi.WatchMetadata, 0, { sinceVersion: this.version, maxWaitMs, brokersOnlyWhenUnchanged: true }, { timeoutMs: maxWaitMs + 5000 });
        if (!m.unchanged) this.accept(m);
      } catch {
        await sleep(RETRY_MS);
      }
    }
  }

  private accept(m: ClusterMetadata): void {
    if (m.version < this.version) return;
    this.version = m.version;
    this.opts.onMetadata(m);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
