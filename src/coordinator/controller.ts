import type { BrokerConfigOverrides } from '../common/broker-configs.js';
import type { ClusterEvent } from '../common/cluster-events.js';
import type { AclBinding, BrokerInfo, ClusterMetadata, TopicState, UserScramCredential } from '../common/cluster-types.js';
import { ErrorCode } from '../common/errors.js';
import { rackNameProblem } from '../common/rack-name.js';
import type {
  AlterScramCredentialsRequest,
  AlterScramCredentialsResponse,
  CreateAclsRequest,
  CreateAclsResponse,
  DeleteAclsRequest,
  DeleteAclsResponse,
  AlterBrokerConfigsRequest,
  AlterIsrRequest,
  AlterIsrResponse,
  AlterTopicConfigsRequest,
  CreatePartitionsSpec,
  CreateTopicSpec,
  ElectionResult,
  ElectLeadersRequest,
  HeartbeatResponse,
  LeaderInfo,
  ReassignPartitionsRequest,
  RegisterBrokerRequest,
  TopicResult,
} from '../protocol/internal-api.js';
import type { ControllerCore, ControllerOptions } from './controller-core.js';
import { Leadership } from './leadership.js';
import { applyScramChanges, planScramChanges } from './scram-credentials.js';
import { filterMatches, invalidBinding, sameBinding } from '../security/acl.js';
import type { MetadataChange, MetadataStore, StoredBroker } from './metadata-store.js';
import { Reassignments } from './reassignments.js';
import { TopicAdmin } from './topic-admin.js';

export type { ControllerOptions } from './controller-core.js';

interface Session {
  broker: StoredBroker;
  alive: boolean;
  lastHeartbeatMs: number;
  /** Heard from since this coordinator started (false for sessions restored from the store). */
  confirmed: boolean;
}

/**
 * The cluster's single source of truth (ZooKeeper + Kafka controller in one): broker sessions,
 * topics, and partition leadership. Every change is persisted, bumps the metadata version, and wakes
 * the watchers (brokers long-poll for new versions, so a change reaches them at once).
 * Broker lifecycle: registered (alive) -> session expired or process exited (dead) -> registered again.
 * This file keeps the state, the broker sessions and the metadata versions; it hands the rest to
 * `Leadership` (elections, ISRs, ElectLeaders), `Reassignments` (KIP-455 moves) and `TopicAdmin`
 * (topics, partitions, configs), which change the state through `ControllerCore`.
 */
export class Controller {
  private readonly clusterId: string;
  private version: number;
  private readonly sessions = new Map<number, Session>();
  private readonly topics = new Map<string, TopicState>();
  private readonly brokerConfigs: BrokerConfigOverrides;
  private scramCredentials: UserScramCredential[];
  private acls: AclBinding[];
  private watchers: { since: number; resolve: (m: ClusterMetadata) => void; timer: NodeJS.Timeout }[] = [];
  private readonly listeners: ((e: ClusterEvent) => void)[] = [];
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly rebalanceTimer: NodeJS.Timeout | null = null;
  private readonly leadership: Leadership;
  private readonly reassignments: Reassignments;
  private readonly topicAdmin: TopicAdmin;

  constructor(
    private readonly store: MetadataStore,
    private readonly opts: ControllerOptions,
    now = Date.now(),
  ) {
    this.clusterId = store.clusterId();
    this.version = store.version();
    for (const t of store.topics()) this.topics.set(t.name, t);
    this.brokerConfigs = store.brokerConfigs();
    this.scramCredentials = store.scramCredentials();
    this.acls = store.acls();
    // Known brokers get a fresh session: a coordinator restart must not look like every broker dying.
    // Those it had declared dead stay dead (fenced, as KRaft keeps them) until they register again.
    for (const b of store.brokers()) this.sessions.set(b.id, { broker: b, alive: !b.fenced, lastHeartbeatMs: now, confirmed: false });
    const core: ControllerCore = {
      opts,
      topics: this.topics,
      brokerConfigs: this.brokerConfigs,
      isAlive: (id) => this.isAlive(id),
      isRegistered: (id) => this.sessions.has(id),
      aliveBrokers: () => [...this.sessions.values()].filter((s) => s.alive).map((s) => s.broker),
      commit: (change) => this.commit(change),
      emit: (e) => this.emit(e),
    };
    this.reassignments = new Reassignments(core);
    this.leadership = new Leadership(core, this.reassignments);
    this.topicAdmin = new TopicAdmin(core);
    this.expiryTimer = setInterval(() => this.expireSessions(Date.now()), Math.max(50, Math.min(250, opts.heartbeatIntervalMs / 2)));
    this.expiryTimer.unref();
    const rebalanceMs = opts.leaderRebalanceIntervalMs ?? 1000;
    if (rebalanceMs > 0) {
      this.rebalanceTimer = setInterval(() => this.rebalanceLeaders(), rebalanceMs);
      this.rebalanceTimer.unref();
    }
  }

  get metadataVersion(): number {
    return this.version;
  }

  onEvent(listener: (e: ClusterEvent) => void): void {
    this.listeners.push(listener);
  }

  registerBroker(req: RegisterBrokerRequest, now = Date.now()): LeaderInfo {
    const invalid = invalidRegistration(req);
    if (invalid) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: invalid, brokerEpoch: -1, heartbeatIntervalMs: this.opts.heartbeatIntervalMs, sessionTimeoutMs: this.opts.sessionTimeoutMs, metadata: this.snapshot(now) };
    // A live broker registering again has restarted and lost its in-memory replica state: treat it
    // as a death then a start (as Kafka does), so its leaderships move and epochs are bumped.
    // (A session restored from the store is not proof the broker ran since: the whole cluster may be starting.)
    const previous = this.sessions.get(req.brokerId);
    if (previous?.alive && previous.confirmed) this.markDead([previous], 'registered again (restarted)');
    const broker: StoredBroker = { id: req.brokerId, host: req.host, port: req.port, pid: req.pid, brokerEpoch: this.version + 1, fenced: false, rack: req.rack ?? null };
    this.sessions.set(req.brokerId, { broker, alive: true, lastHeartbeatMs: now, confirmed: true });
    this.emit({ type: 'broker-registered', brokerId: broker.id, host: broker.host, port: broker.port });
    this.commit({ brokers: [broker], partitions: this.leadership.electAll(`broker-${broker.id} registered`) });
    return {
      errorCode: ErrorCode.NONE,
      brokerEpoch: broker.brokerEpoch,
      heartbeatIntervalMs: this.opts.heartbeatIntervalMs,
      sessionTimeoutMs: this.opts.sessionTimeoutMs,
      metadata: this.snapshot(now),
    };
  }

  heartbeat(brokerId: number, brokerEpoch: number, now = Date.now()): HeartbeatResponse {
    const s = this.sessions.get(brokerId);
    if (!s || !s.alive || s.broker.brokerEpoch !== brokerEpoch) {
      return { errorCode: ErrorCode.STALE_BROKER_EPOCH, errorMessage: 'session unknown or expired: register again', metadataVersion: this.version };
    }
    s.lastHeartbeatMs = now;
    s.confirmed = true;
    return { errorCode: ErrorCode.NONE, metadataVersion: this.version };
  }

  /** The supervisor saw the process exit: no need to wait for the session to time out. */
  brokerExited(brokerId: number, pid: number): void {
    const s = this.sessions.get(brokerId);
    if (s && s.alive && s.broker.pid === pid) this.markDead([s], 'process exited');
  }

  expireSessions(now: number): void {
    const silentMs = (s: Session) => now - s.lastHeartbeatMs - (this.opts.stallClock?.stalledSince(s.lastHeartbeatMs) ?? 0);
    const expired = [...this.sessions.values()].filter((s) => s.alive && silentMs(s) > this.opts.sessionTimeoutMs);
    if (expired.length > 0) this.markDead(expired, `no heartbeat for ${this.opts.sessionTimeoutMs} ms`);
  }

  private markDead(sessions: Session[], reason: string): void {
    for (const s of sessions) {
      s.alive = false;
      s.broker = { ...s.broker, fenced: true };
    }
    const changed = this.leadership.electAll(`broker-${sessions.map((s) => s.broker.id).join(', broker-')} ${reason}`);
    this.leadership.removeFromIsrs(new Set(sessions.map((s) => s.broker.id)), changed);
    this.commit({ brokers: sessions.map((s) => s.broker), partitions: changed });
    for (const s of sessions) this.emit({ type: 'broker-dead', brokerId: s.broker.id, reason });
  }

  private isAlive(id: number): boolean {
    return this.sessions.get(id)?.alive === true;
  }

  /** Preferred leader election: leadership returns to each partition's first replica once it is in sync. */
  rebalanceLeaders(): void {
    this.leadership.rebalanceLeaders();
  }

  /** ElectLeaders (kafka-leader-election): see Leadership.electLeaders. */
  electLeaders(req: ElectLeadersRequest): ElectionResult[] {
    return this.leadership.electLeaders(req);
  }

  /** AlterPartitionReassignments (KIP-455): see Reassignments.reassign. */
  reassignPartitions(req: ReassignPartitionsRequest): ElectionResult[] {
    return this.reassignments.reassign(req);
  }

  /** AlterPartition (KIP-497), from a live broker at its current broker epoch only: see Leadership.alterIsr. */
  alterIsr(req: AlterIsrRequest): AlterIsrResponse {
    const s = this.sessions.get(req.brokerId);
    if (!s || !s.alive || s.broker.brokerEpoch !== req.brokerEpoch) return { errorCode: ErrorCode.STALE_BROKER_EPOCH, errorMessage: 'session expired' };
    return this.leadership.alterIsr(req, () => this.version);
  }

  createTopics(specs: CreateTopicSpec[], validateOnly = false): TopicResult[] {
    return this.topicAdmin.createTopics(specs, validateOnly);
  }

  createPartitions(specs: CreatePartitionsSpec[], validateOnly = false): TopicResult[] {
    return this.topicAdmin.createPartitions(specs, validateOnly);
  }

  alterTopicConfigs(req: AlterTopicConfigsRequest): TopicResult[] {
    return this.topicAdmin.alterTopicConfigs(req);
  }

  alterBrokerConfigs(req: AlterBrokerConfigsRequest): TopicResult[] {
    return this.topicAdmin.alterBrokerConfigs(req);
  }

  /** AlterUserScramCredentials, forwarded by a broker: persisted, then in the metadata every broker authenticates from. */
  alterScramCredentials(req: AlterScramCredentialsRequest): AlterScramCredentialsResponse {
    const plan = planScramChanges(this.scramCredentials, req);
    if (plan.upserted.length > 0 || plan.deleted.length > 0) {
      this.scramCredentials = applyScramChanges(this.scramCredentials, plan);
      this.commit({ scramUpserted: plan.upserted, scramDeleted: plan.deleted });
      for (const r of plan.results.filter((r) => r.errorCode === ErrorCode.NONE)) {
        const upserted = plan.upserted.filter((u) => u.user === r.user).map((u) => u.mechanism);
        const deleted = plan.deleted.filter((d) => d.user === r.user).map((d) => d.mechanism);
        this.emit({ type: 'user-credentials-changed', user: r.user, upserted, deleted });
      }
    }
    return { results: plan.results, metadataVersion: this.version };
  }

  /** CreateAcls, forwarded by a broker: each valid binding persisted (an existing one is no change), then in every broker's metadata. */
  createAcls(req: CreateAclsRequest): CreateAclsResponse {
    const added: AclBinding[] = [];
    const results = req.creations.map((b) => {
      const problem = invalidBinding(b);
      if (problem) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem };
      if (!this.acls.some((a) => sameBinding(a, b)) && !added.some((a) => sameBinding(a, b))) added.push(b);
      return { errorCode: ErrorCode.NONE };
    });
    if (added.length > 0) {
      this.acls = [...this.acls, ...added];
      this.commit({ aclsAdded: added });
    }
    return { results, metadataVersion: this.version };
  }

  /** DeleteAcls, forwarded by a broker: every ACL a filter matches is deleted (one matched by two filters is in both answers). */
  deleteAcls(req: DeleteAclsRequest): DeleteAclsResponse {
    const results = req.filters.map((f) => ({ matching: this.acls.filter((a) => filterMatches(f, a)) }));
    const deleted = this.acls.filter((a) => results.some((r) => r.matching.includes(a)));
    if (deleted.length > 0) {
      this.acls = this.acls.filter((a) => !deleted.includes(a));
      this.commit({ aclsDeleted: deleted });
    }
    return { results, metadataVersion: this.version };
  }

  deleteTopics(names: string[]): TopicResult[] {
    return this.topicAdmin.deleteTopics(names);
  }

  /** The partition's leader and its address, or null when it has none alive (or does not exist). */
  leaderOf(topic: string, partition: number): { id: number; host: string; port: number } | null {
    const leader = this.topics.get(topic)?.partitions[partition]?.leader ?? -1;
    const s = this.sessions.get(leader);
    return s?.alive ? { id: leader, host: s.broker.host, port: s.broker.port } : null;
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.topics.get(topic)?.partitions[partition] !== undefined;
  }

  snapshot(now = Date.now()): ClusterMetadata {
    const brokers: BrokerInfo[] = [...this.sessions.values()]
      .sort((a, b) => a.broker.id - b.broker.id)
      .map((s) => ({
        id: s.broker.id,
        host: s.broker.host,
        port: s.broker.port,
        pid: s.broker.pid,
        state: s.alive ? 'alive' : 'dead',
        lastHeartbeatAgeMs: now - s.lastHeartbeatMs,
        rack: s.broker.rack,
      }));
    // Copies down to the partition list (partition states are replaced on change, never edited), so a
    // snapshot handed to a watcher stays the version it names.
    const topics = [...this.topics.values()].sort((a, b) => a.name.localeCompare(b.name)).map((t) => ({ ...t, partitions: [...t.partitions] }));
    const brokerConfigs = Object.fromEntries(Object.entries(this.brokerConfigs).map(([scope, configs]) => [scope, { ...configs }]));
    return { clusterId: this.clusterId, version: this.version, brokers, topics, brokerConfigs, scramCredentials: this.scramCredentials, acls: this.acls };
  }

  /** Long poll: resolves with the metadata once its version passes `since`, or after `maxWaitMs`. */
  watch(since: number, maxWaitMs: number): Promise<ClusterMetadata> {
    if (this.version > since) return Promise.resolve(this.snapshot());
    return new Promise((resolve) => {
      const entry = {
        since,
        resolve,
        timer: setTimeout(() => {
          this.watchers = this.watchers.filter((w) => w !== entry);
          resolve(this.snapshot());
        }, Math.min(Math.max(maxWaitMs, 0), 60_000)),
      };
      this.watchers.push(entry);
    });
  }

  private commit(change: MetadataChange): void {
    const empty = !change.brokers?.length && !change.topics?.length && !change.partitions?.length && !change.deletedTopics?.length && Object.keys(change.brokerConfigs ?? {}).length === 0 && !change.scramUpserted?.length && !change.scramDeleted?.length && !change.aclsAdded?.length && !change.aclsDeleted?.length;
    if (empty) return;
    this.version += 1;
    this.store.commit(this.version, change);
    const snapshot = this.snapshot();
    const ready = this.watchers;
    this.watchers = [];
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve(snapshot);
    }
  }

  private emit(e: ClusterEvent): void {
    for (const l of this.listeners) l(e);
  }

  close(): void {
    clearInterval(this.expiryTimer);
    if (this.rebalanceTimer) clearInterval(this.rebalanceTimer);
    for (const w of this.watchers) {
      clearTimeout(w.timer);
      w.resolve(this.snapshot());
    }
    this.watchers = [];
  }
}


/**
 * Why a registration cannot be served, or null. An address no client can connect to would go out in
 * every Metadata response (librdkafka connects to every broker listed) and make its partitions
 * unreachable; Kafka refuses such listeners at broker start-up, here the coordinator does.
 */
function invalidRegistration(req: RegisterBrokerRequest): string | null {
  if (!(Number.isInteger(req.brokerId) && req.brokerId >= 0)) return `broker id ${req.brokerId} must be a non-negative integer`;
  if (!(Number.isInteger(req.port) && req.port >= 1 && req.port <= 65535)) return `port ${req.port} must be between 1 and 65535`;
  if (!isHostOrAddress(req.host)) return `host ${JSON.stringify(req.host.slice(0, 64))} is not a host name or IP address`;
  if (req.rack !== undefined && req.rack !== null) return rackNameProblem(req.rack);
  return null;
}

/** A host name (RFC 1123 labels of letters, digits, '-' and '_', not starting or ending with '-'), an IPv4 or an IPv6 address. */
function isHostOrAddress(host: string): boolean {
  if (host.includes(':')) return /^[0-9A-Fa-f:.]{2,45}$/.test(host);
  const label = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
  return host.length <= 253 && host.split('.').every((l) => label.test(l));
}
