import crypto from 'node:crypto';
import { brokerConfigProblem, CLUSTER_DEFAULT_SCOPE, isDynamicBrokerConfig, type BrokerConfigOverrides } from '../common/broker-configs.js';
import type { BrokerInfo, ClusterMetadata, PartitionState, TopicState, UserScramCredential } from '../common/cluster-types.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { isTopicConfigName, topicConfigProblem } from '../common/topic-configs.js';
import { rackNameProblem } from '../common/rack-name.js';
import { topicNameProblem } from '../common/topic-name.js';
import type { AlterScramCredentialsRequest, AlterScramCredentialsResponse, AlterBrokerConfigsRequest, AlterIsrRequest, ElectLeadersRequest, ReassignPartitionsRequest, ElectionResult, AlterIsrResponse, AlterTopicConfigsRequest, ConfigChange, CreatePartitionsSpec, CreateTopicSpec, HeartbeatResponse, LeaderInfo, RegisterBrokerRequest, TopicResult } from '../protocol/internal-api.js';
import { assignReplicas, electionRefusal, electLeader, electPreferredLeader } from './leader-election.js';
import { assignedPartitions } from './manual-assignment.js';
import { applyScramChanges, planScramChanges } from './scram-credentials.js';
import type { MetadataChange, MetadataStore, StoredBroker } from './metadata-store.js';
import type { StallClock } from './stall-clock.js';

export interface ControllerOptions {
  heartbeatIntervalMs: number;
  sessionTimeoutMs: number;
  maxPartitions?: number;
  /** Replication factor when a request says -1; default min(3, live brokers). */
  defaultReplicationFactor?: number;
  /** min.insync.replicas when a topic does not set it; default 2 when RF >= 3, else 1. */
  defaultMinInsyncReplicas?: number;
  /** Elect out-of-sync replicas when no ISR member lives (may lose acknowledged records). */
  uncleanLeaderElection?: boolean;
  /** How often leadership moves back to preferred replicas that are in sync (0: never). */
  leaderRebalanceIntervalMs?: number;
  /** Time the coordinator itself stood still does not count against broker sessions. */
  stallClock?: StallClock;
}

export type ClusterEvent =
  | { type: 'broker-registered'; brokerId: number; host: string; port: number }
  | { type: 'broker-dead'; brokerId: number; reason: string }
  | { type: 'leader-changed'; topic: string; partition: number; from: number; to: number; epoch: number; reason: string }
  | { type: 'isr-changed'; topic: string; partition: number; from: number[]; to: number[] }
  | { type: 'topic-created'; topic: string; partitions: number; replicationFactor: number }
  | { type: 'topic-deleted'; topic: string }
  | { type: 'partitions-added'; topic: string; from: number; to: number }
  | { type: 'topic-configs-changed'; topic: string; configs: Record<string, string> }
  /** `broker` is a broker id, or "" for the cluster default. */
  | { type: 'broker-configs-changed'; broker: string; configs: Record<string, string> }
  /** Names and mechanisms only: a credential's salt and keys are never logged. */
  | { type: 'user-credentials-changed'; user: string; upserted: string[]; deleted: string[] };

interface Session {
  broker: StoredBroker;
  alive: boolean;
  lastHeartbeatMs: number;
  /** Heard from since this coordinator started (false for sessions restored from the store). */
  confirmed: boolean;
}

const MAX_PARTITIONS_PER_TOPIC = 1000;

/** Partitions numbered from `first`, each led by its first (preferred) replica, all replicas in sync. */
function newPartitions(assignment: number[][], first: number): PartitionState[] {
  return assignment.map((replicas, i) => ({ partition: first + i, replicas, isr: [...replicas], leader: replicas[0]!, leaderEpoch: 0 }));
}

/**
 * The cluster's single source of truth (ZooKeeper + Kafka controller in one): broker sessions,
 * topics, and partition leadership. Every change is persisted, bumps the metadata version, and wakes
 * the watchers (brokers long-poll for new versions, so a change reaches them at once).
 * Broker lifecycle: registered (alive) -> session expired or process exited (dead) -> registered again.
 */
export class Controller {
  private readonly clusterId: string;
  private version: number;
  private readonly sessions = new Map<number, Session>();
  private readonly topics = new Map<string, TopicState>();
  private readonly brokerConfigs: BrokerConfigOverrides;
  private scramCredentials: UserScramCredential[];
  private watchers: { since: number; resolve: (m: ClusterMetadata) => void; timer: NodeJS.Timeout }[] = [];
  private readonly listeners: ((e: ClusterEvent) => void)[] = [];
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly rebalanceTimer: NodeJS.Timeout | null = null;

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
    // Known brokers get a fresh session: a coordinator restart must not look like every broker dying.
    // Those it had declared dead stay dead (fenced, as KRaft keeps them) until they register again.
    for (const b of store.brokers()) this.sessions.set(b.id, { broker: b, alive: !b.fenced, lastHeartbeatMs: now, confirmed: false });
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
    this.commit({ brokers: [broker], partitions: this.electAll(`broker-${broker.id} registered`) });
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
    const changed = this.electAll(`broker-${sessions.map((s) => s.broker.id).join(', broker-')} ${reason}`);
    // A dead follower leaves the ISR at once (Kafka's controller does the same), so acks=all
    // writes need not wait replica.lag.time.max.ms for it. The last ISR member always stays.
    const dead = new Set(sessions.map((s) => s.broker.id));
    for (const t of this.topics.values()) {
      t.partitions = t.partitions.map((p) => {
        const isr = p.isr.filter((r) => !dead.has(r) || r === p.leader);
        if (isr.length === p.isr.length || isr.length === 0) return p;
        const next = { ...p, isr };
        this.emit({ type: 'isr-changed', topic: t.name, partition: p.partition, from: p.isr, to: isr });
        const i = changed.findIndex((c) => c.topic === t.name && c.state.partition === p.partition);
        if (i >= 0) changed[i] = { topic: t.name, state: next };
        else changed.push({ topic: t.name, state: next });
        return next;
      });
    }
    this.commit({ brokers: sessions.map((s) => s.broker), partitions: changed });
    for (const s of sessions) this.emit({ type: 'broker-dead', brokerId: s.broker.id, reason });
  }

  private isAlive = (id: number): boolean => this.sessions.get(id)?.alive === true;
  private isRegistered = (id: number): boolean => this.sessions.has(id);

  /** Runs an election rule over every partition; returns (and applies) the ones that changed. */
  private electAll(
    reason: string,
    rule: (p: PartitionState) => PartitionState | null = (p) => electLeader(p, this.isAlive, this.opts.uncleanLeaderElection),
  ): { topic: string; state: PartitionState }[] {
    const changed: { topic: string; state: PartitionState }[] = [];
    for (const t of this.topics.values()) {
      t.partitions = t.partitions.map((p) => {
        const next = rule(p);
        if (!next) return p;
        changed.push({ topic: t.name, state: next });
        this.emit({ type: 'leader-changed', topic: t.name, partition: p.partition, from: p.leader, to: next.leader, epoch: next.leaderEpoch, reason });
        return next;
      });
    }
    return changed;
  }

  /** Preferred leader election: leadership returns to each partition's first replica once it is in sync. */
  rebalanceLeaders(): void {
    this.commit({ partitions: this.electAll('preferred replica back in sync', (p) => electPreferredLeader(p, this.isAlive)) });
  }

  /**
   * ElectLeaders (kafka-leader-election): preferred elections move leadership to each partition's
   * first replica when it is alive and in sync (what rebalanceLeaders does on its own, now); unclean
   * ones give a partition with no live leader one from its live replicas even out of the ISR, which
   * may lose acknowledged records, as Kafka's unclean election does. Named partitions get an answer
   * each (ELECTION_NOT_NEEDED when nothing changes); with `topicPartitions` null, only those elected.
   */
  electLeaders(req: ElectLeadersRequest): ElectionResult[] {
    const unclean = req.electionType === 1;
    // A partition named several times is answered once, as Kafka answers (its request is a set).
    const named = new Map(req.topicPartitions?.flatMap((t) => t.partitions.map((partition) => [`${t.topic}\0${partition}`, { topic: t.topic, partition }] as const)));
    const wanted = req.topicPartitions ? [...named.values()] : [...this.topics.values()].flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    const results: ElectionResult[] = [];
    const changed: { topic: string; state: PartitionState }[] = [];
    for (const { topic, partition } of wanted) {
      const t = this.topics.get(topic);
      const p = t?.partitions[partition];
      if (!t || !p) {
        results.push({ topic, partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `${topic}-${partition} does not exist` });
        continue;
      }
      const next = unclean ? electLeader(p, this.isAlive, true) : electPreferredLeader(p, this.isAlive);
      if (next && next.leader >= 0) {
        t.partitions[partition] = next;
        changed.push({ topic, state: next });
        this.emit({ type: 'leader-changed', topic, partition, from: p.leader, to: next.leader, epoch: next.leaderEpoch, reason: `${unclean ? 'unclean' : 'preferred'} election asked for` });
        results.push({ topic, partition, errorCode: ErrorCode.NONE });
      } else if (req.topicPartitions !== null) {
        results.push({ topic, partition, ...electionRefusal(p, unclean, this.isAlive) });
      }
    }
    this.commit({ partitions: changed });
    return results;
  }

  /**
   * AlterPartitionReassignments (KIP-455; kafka-reassign-partitions, yak topic move): moves partitions
   * to new replicas as Kafka's controller does. The new replicas join at once, listed first (the first
   * is the preferred leader), and catch up from the leader as followers; once every one of them is in
   * the ISR (`completeReassignment`, from alterIsr) the old ones leave and, if the leader was one of
   * them, the first in-sync new replica leads. A move given again replaces the ongoing one; null
   * replicas cancel it. Each change of replicas bumps the leader epoch, so the leader tracks exactly
   * the new set of followers.
   */
  reassignPartitions(req: ReassignPartitionsRequest): ElectionResult[] {
    const results: ElectionResult[] = [];
    const changed: { topic: string; state: PartitionState }[] = [];
    for (const t of req.topics) {
      for (const { partitionIndex: partition, replicas: target } of t.partitions) {
        const topic = this.topics.get(t.name);
        const p = topic?.partitions[partition];
        const answer = (errorCode: number, errorMessage?: string) => results.push({ topic: t.name, partition, errorCode, ...(errorMessage ? { errorMessage } : {}) });
        if (!topic || !p) {
          answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${t.name}-${partition} does not exist`);
          continue;
        }
        const original = p.replicas.filter((r) => !(p.addingReplicas ?? []).includes(r));
        let next: PartitionState;
        if (target === null) {
          if (!p.addingReplicas) {
            answer(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, `${t.name}-${partition} is not being moved`);
            continue;
          }
          next = this.withReplicas(p, original);
        } else {
          try {
            assignedPartitions([target], partition, target.length, this.isRegistered, () => true);
          } catch (err) {
            if (!(err instanceof KafkaError)) throw err;
            answer(err.code, err.detail ?? err.message);
            continue;
          }
          const adding = target.filter((r) => !original.includes(r));
          const removing = original.filter((r) => !target.includes(r));
          next = adding.length === 0 && removing.length === 0 ? this.withReplicas(p, target) : { ...p, replicas: [...target, ...removing], addingReplicas: adding, removingReplicas: removing, leaderEpoch: p.leaderEpoch + 1 };
          next = this.completeReassignment(next) ?? next;
        }
        topic.partitions[partition] = next;
        changed.push({ topic: t.name, state: next });
        this.emitLeaderMove(t.name, p, next, 'reassigned');
        answer(ErrorCode.NONE);
      }
    }
    this.commit({ partitions: changed });
    return results;
  }

  /** A reassignment whose new replicas are all in sync, finished; null while one is still catching up. */
  private completeReassignment(p: PartitionState): PartitionState | null {
    if (!p.addingReplicas || !p.addingReplicas.every((r) => p.isr.includes(r))) return null;
    const removing = p.removingReplicas ?? [];
    return this.withReplicas(p, p.replicas.filter((r) => !removing.includes(r)));
  }

  private emitLeaderMove(topic: string, from: PartitionState, to: PartitionState, reason: string): void {
    if (to.leader !== from.leader) this.emit({ type: 'leader-changed', topic, partition: from.partition, from: from.leader, to: to.leader, epoch: to.leaderEpoch, reason });
  }

  /** `p` on exactly `replicas` (no move ongoing), at the next epoch; the leader stays if it is one of them. */
  private withReplicas(p: PartitionState, replicas: number[]): PartitionState {
    const isr = p.isr.filter((r) => replicas.includes(r));
    const leader = replicas.includes(p.leader) && this.isAlive(p.leader) ? p.leader : (replicas.find((r) => isr.includes(r) && this.isAlive(r)) ?? -1);
    const { addingReplicas: _adding, removingReplicas: _removing, ...rest } = p;
    return { ...rest, replicas, isr: isr.length > 0 ? isr : p.isr.filter((r) => r === p.leader), leader, leaderEpoch: p.leaderEpoch + 1 };
  }

  /**
   * AlterPartition (KIP-497): the leader asks to shrink or expand its ISR. Accepted only from the
   * current leader at the current epoch, so a deposed leader cannot rewrite the ISR, and only against
   * the ISR it was computed from.
   */
  alterIsr(req: AlterIsrRequest): AlterIsrResponse {
    const s = this.sessions.get(req.brokerId);
    if (!s || !s.alive || s.broker.brokerEpoch !== req.brokerEpoch) return { errorCode: ErrorCode.STALE_BROKER_EPOCH, errorMessage: 'session expired' };
    const t = this.topics.get(req.topic);
    const p = t?.partitions[req.partition];
    if (!t || !p) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (p.leader !== req.brokerId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    if (p.leaderEpoch !== req.leaderEpoch) return { errorCode: ErrorCode.FENCED_LEADER_EPOCH };
    // A proposal computed from an ISR that has changed since (a follower died and came back, say)
    // could re-admit a replica that lost records: refuse it; the leader proposes again from the new one.
    if (req.currentIsr.join() !== p.isr.join()) {
      return { errorCode: ErrorCode.INVALID_UPDATE_VERSION, errorMessage: `ISR is [${p.isr.join(',')}], not [${req.currentIsr.join(',')}]` };
    }
    const isr = [...new Set(req.isr)];
    const valid = isr.includes(p.leader) && isr.every((r) => p.replicas.includes(r) && (p.isr.includes(r) || this.isAlive(r)));
    if (!valid) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `invalid ISR ${JSON.stringify(req.isr)}` };
    const ordered = p.replicas.filter((r) => isr.includes(r));
    if (ordered.join() !== p.isr.join()) {
      const expanded = { ...p, isr: ordered };
      this.emit({ type: 'isr-changed', topic: t.name, partition: p.partition, from: p.isr, to: ordered });
      // A moving partition whose new replicas are now all in sync finishes its move here.
      const next = this.completeReassignment(expanded) ?? expanded;
      this.emitLeaderMove(t.name, p, next, 'reassignment done');
      t.partitions[req.partition] = next;
      this.commit({ partitions: [{ topic: t.name, state: next }] });
    }
    return { errorCode: ErrorCode.NONE, metadataVersion: this.version };
  }

  createTopics(specs: CreateTopicSpec[], validateOnly = false): TopicResult[] {
    const results: TopicResult[] = [];
    const created: TopicState[] = [];
    for (const spec of specs) {
      try {
        const topic = this.planTopic(spec);
        if (!validateOnly) {
          this.topics.set(topic.name, topic);
          created.push(topic);
        }
        results.push({ name: spec.name, errorCode: ErrorCode.NONE });
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        results.push({ name: spec.name, errorCode: err.code, errorMessage: err.detail ?? err.message });
      }
    }
    if (created.length > 0) {
      this.commit({ topics: created });
      for (const t of created) {
        this.emit({ type: 'topic-created', topic: t.name, partitions: t.partitions.length, replicationFactor: t.partitions[0]!.replicas.length });
      }
    }
    return results;
  }

  private planTopic(spec: CreateTopicSpec): TopicState {
    const problem = topicNameProblem(spec.name);
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.topics.has(spec.name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${spec.name}" already exists`);
    const max = this.opts.maxPartitions ?? MAX_PARTITIONS_PER_TOPIC;
    const partitions = spec.assignments?.length ? this.manualPartitions(spec, max) : this.placedPartitions(spec, max);
    const rf = partitions[0]!.replicas.length;
    const configs = { 'min.insync.replicas': this.defaultMinInsyncReplicas(rf), ...spec.configs };
    for (const [name, value] of Object.entries(configs)) {
      const problem = topicConfigProblem(name, value, rf);
      if (problem) throw new KafkaError(ErrorCode.INVALID_CONFIG, problem);
    }
    return { name: spec.name, id: crypto.randomUUID(), configs, partitions };
  }

  /** A new topic's partitions placed by the controller: `partitions` of them, each with `replicationFactor` live replicas. */
  private placedPartitions(spec: CreateTopicSpec, max: number): PartitionState[] {
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1 || spec.partitions > max) {
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `partitions must be between 1 and ${max}, got ${spec.partitions}`);
    }
    const alive = this.aliveBrokers();
    const rf = spec.replicationFactor === -1 ? (this.opts.defaultReplicationFactor ?? Math.min(3, alive.length)) : spec.replicationFactor;
    if (!Number.isInteger(rf) || rf < 1 || rf > alive.length) {
      throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor must be between 1 and the ${alive.length} live broker(s), got ${rf}`);
    }
    return newPartitions(assignReplicas(alive, spec.partitions, rf, this.topics.size), 0);
  }

  /**
   * A new topic's partitions as the request assigns them (kafka-topics --replica-assignment). As in
   * Kafka, the partition count and replication factor then come from the assignment alone (both must
   * be -1), and the partitions must be numbered 0, 1, 2, ...
   */
  private manualPartitions(spec: CreateTopicSpec, max: number): PartitionState[] {
    if (spec.partitions !== -1 || spec.replicationFactor !== -1) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `a manual replica assignment was given, so partitions and replication factor must be -1 (got ${spec.partitions} and ${spec.replicationFactor})`);
    }
    const sorted = [...spec.assignments!].sort((a, b) => a.partitionIndex - b.partitionIndex);
    if (sorted.some((a, i) => a.partitionIndex !== i)) {
      throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `the assigned partitions must be numbered 0 to ${sorted.length - 1}, got ${spec.assignments!.map((a) => a.partitionIndex).join(', ')}`);
    }
    if (sorted.length > max) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `partitions must be between 1 and ${max}, got ${sorted.length}`);
    return assignedPartitions(sorted.map((a) => a.brokerIds), 0, sorted[0]!.brokerIds.length, this.isRegistered, this.isAlive);
  }

  /** min.insync.replicas of a topic that does not set it: the cluster's, else 2 with RF >= 3, else 1. */
  private defaultMinInsyncReplicas(rf: number): string {
    return String(this.opts.defaultMinInsyncReplicas ?? (rf >= 3 ? 2 : 1));
  }

  private aliveBrokers(): StoredBroker[] {
    return [...this.sessions.values()].filter((s) => s.alive).map((s) => s.broker);
  }

  /**
   * CreatePartitions: grows topics to `count` partitions (never shrinks, as in Kafka), the new ones
   * with the topic's replication factor, spread over the live brokers or placed as `assignments`
   * says (one replica list per new partition).
   */
  createPartitions(specs: CreatePartitionsSpec[], validateOnly = false): TopicResult[] {
    const results: TopicResult[] = [];
    const grown: { topic: TopicState; from: number }[] = [];
    const alive = this.aliveBrokers();
    const max = this.opts.maxPartitions ?? MAX_PARTITIONS_PER_TOPIC;
    for (const { name, count, assignments } of specs) {
      const t = this.topics.get(name);
      if (!t) {
        results.push({ name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${name}" does not exist` });
        continue;
      }
      const from = t.partitions.length;
      if (!Number.isInteger(count) || count <= from || count > max) {
        results.push({ name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `topic "${name}" has ${from} partition(s): the new count must be larger, and at most ${max}; got ${count}` });
        continue;
      }
      const rf = t.partitions[0]!.replicas.length;
      let added: PartitionState[];
      if (assignments) {
        if (assignments.length !== count - from) {
          results.push({ name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `growing topic "${name}" from ${from} to ${count} partitions needs ${count - from} replica list(s), got ${assignments.length}` });
          continue;
        }
        try {
          added = assignedPartitions(assignments, from, rf, this.isRegistered, this.isAlive);
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          results.push({ name, errorCode: err.code, errorMessage: err.detail ?? err.message });
          continue;
        }
      } else if (rf > alive.length) {
        results.push({ name, errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: `replication factor ${rf} needs ${rf} live brokers, ${alive.length} are alive` });
        continue;
      } else {
        added = newPartitions(assignReplicas(alive, count - from, rf, from), from);
      }
      results.push({ name, errorCode: ErrorCode.NONE });
      if (validateOnly) continue;
      t.partitions = [...t.partitions, ...added];
      grown.push({ topic: t, from });
    }
    if (grown.length > 0) {
      this.commit({ topics: grown.map((g) => g.topic) });
      for (const g of grown) this.emit({ type: 'partitions-added', topic: g.topic.name, from: g.from, to: g.topic.partitions.length });
    }
    return results;
  }

  /**
   * AlterConfigs and IncrementalAlterConfigs on topics: `set` overrides, `delete` falls back to the
   * default. `replace` (AlterConfigs) first drops every override not in `set`, as Kafka's legacy
   * AlterConfigs does; min.insync.replicas then falls back to the cluster default, never to nothing.
   */
  alterTopicConfigs(req: AlterTopicConfigsRequest): TopicResult[] {
    const results: TopicResult[] = [];
    const changed: TopicState[] = [];
    for (const change of req.topics) {
      const t = this.topics.get(change.name);
      if (!t) {
        results.push({ name: change.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${change.name}" does not exist` });
        continue;
      }
      const both = (change.delete ?? []).find((name) => change.set?.[name] !== undefined);
      const unknown = (change.delete ?? []).find((name) => !isTopicConfigName(name));
      if (both || unknown) {
        const errorMessage = both ? `${both} is both set and deleted` : `unknown topic config "${unknown}"`;
        results.push({ name: change.name, errorCode: both ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_CONFIG, errorMessage });
        continue;
      }
      const rf = t.partitions[0]!.replicas.length;
      const configs = applyConfigChange(t.configs, change);
      configs['min.insync.replicas'] ??= this.defaultMinInsyncReplicas(rf);
      const problem = Object.entries(configs).map(([name, value]) => topicConfigProblem(name, value, rf)).find((p) => p !== null);
      if (problem) {
        results.push({ name: change.name, errorCode: ErrorCode.INVALID_CONFIG, errorMessage: problem });
        continue;
      }
      results.push({ name: change.name, errorCode: ErrorCode.NONE });
      if (req.validateOnly) continue;
      // Replaced, not edited: a snapshot already handed out keeps the configs it was taken with.
      const altered = { ...t, configs };
      this.topics.set(t.name, altered);
      changed.push(altered);
    }
    if (changed.length > 0) {
      this.commit({ topics: changed });
      for (const t of changed) this.emit({ type: 'topic-configs-changed', topic: t.name, configs: t.configs });
    }
    return results;
  }

  /**
   * AlterConfigs and IncrementalAlterConfigs on brokers: the dynamic broker configs of one broker (its
   * id) or of all ("", the cluster default), as `applyConfigChange` says. Only the configs
   * common/broker-configs.ts lists can change at runtime; anything else is refused, as Kafka refuses
   * a static config, and the whole resource's change with it.
   */
  alterBrokerConfigs(req: AlterBrokerConfigsRequest): TopicResult[] {
    const results: TopicResult[] = [];
    const changed: BrokerConfigOverrides = {};
    for (const change of req.brokers) {
      const scope = change.name;
      const fail = (errorCode: number, errorMessage: string) => results.push({ name: scope, errorCode, errorMessage });
      if (scope !== CLUSTER_DEFAULT_SCOPE && !(/^\d+$/.test(scope) && this.sessions.has(Number(scope)))) {
        fail(ErrorCode.INVALID_REQUEST, `broker "${scope}" is not registered: name a broker id, or "" for every broker`);
        continue;
      }
      const both = (change.delete ?? []).find((name) => change.set?.[name] !== undefined);
      if (both) {
        fail(ErrorCode.INVALID_REQUEST, `${both} is both set and deleted`);
        continue;
      }
      const problem = [
        ...Object.entries(change.set ?? {}).map(([name, value]) => brokerConfigProblem(name, value)),
        ...(change.delete ?? []).map((name) => (isDynamicBrokerConfig(name) ? null : brokerConfigProblem(name, ''))),
      ].find((p) => p !== null);
      if (problem) {
        fail(ErrorCode.INVALID_CONFIG, problem);
        continue;
      }
      results.push({ name: scope, errorCode: ErrorCode.NONE });
      if (!req.validateOnly) changed[scope] = applyConfigChange(changed[scope] ?? this.brokerConfigs[scope] ?? {}, change);
    }
    if (Object.keys(changed).length > 0) {
      for (const [scope, configs] of Object.entries(changed)) {
        if (Object.keys(configs).length > 0) this.brokerConfigs[scope] = configs;
        else delete this.brokerConfigs[scope];
        this.emit({ type: 'broker-configs-changed', broker: scope, configs });
      }
      this.commit({ brokerConfigs: changed });
    }
    return results;
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

  deleteTopics(names: string[]): TopicResult[] {
    const results: TopicResult[] = [];
    const deleted: string[] = [];
    for (const name of names) {
      if (!this.topics.delete(name)) {
        results.push({ name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `topic "${name}" does not exist` });
        continue;
      }
      deleted.push(name);
      results.push({ name, errorCode: ErrorCode.NONE });
    }
    if (deleted.length > 0) {
      this.commit({ deletedTopics: deleted });
      for (const topic of deleted) this.emit({ type: 'topic-deleted', topic });
    }
    return results;
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
    return { clusterId: this.clusterId, version: this.version, brokers, topics, brokerConfigs, scramCredentials: this.scramCredentials };
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
    const empty = !change.brokers?.length && !change.topics?.length && !change.partitions?.length && !change.deletedTopics?.length && Object.keys(change.brokerConfigs ?? {}).length === 0 && !change.scramUpserted?.length && !change.scramDeleted?.length;
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

/** `current` after a config change: `replace` starts from nothing, then `delete` removes and `set` overrides. */
function applyConfigChange(current: Record<string, string>, change: ConfigChange): Record<string, string> {
  const configs: Record<string, string> = change.replace ? {} : { ...current };
  for (const name of change.delete ?? []) delete configs[name];
  return Object.assign(configs, change.set ?? {});
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
