import type { PartitionState } from '../common/cluster-types.js';
import { ErrorCode } from '../common/errors.js';
import type { AlterIsrRequest, AlterIsrResponse, ElectionResult, ElectLeadersRequest } from '../protocol/internal-api.js';
import type { ControllerCore } from './controller-core.js';
import { electionRefusal, electLeader, electPreferredLeader } from './leader-election.js';
import type { Reassignments } from './reassignments.js';

export type PartitionChange = { topic: string; state: PartitionState };

/**
 * Partition leadership and ISRs, the controller's side (the rules are leader-election.ts's):
 * elections when brokers come and go, dead followers out of the ISR, the periodic preferred-leader
 * rebalance, ElectLeaders, and the leaders' ISR proposals (AlterPartition), which may finish a
 * reassignment.
 */
export class Leadership {
  constructor(
    private readonly core: ControllerCore,
    private readonly reassignments: Reassignments,
  ) {}

  /** Runs an election rule over every partition; returns (and applies) the ones that changed. */
  electAll(
    reason: string,
    rule: (p: PartitionState) => PartitionState | null = (p) => electLeader(p, (id) => this.core.isAlive(id), this.core.opts.uncleanLeaderElection),
  ): PartitionChange[] {
    const changed: PartitionChange[] = [];
    for (const t of this.core.topics.values()) {
      t.partitions = t.partitions.map((p) => {
        const next = rule(p);
        if (!next) return p;
        changed.push({ topic: t.name, state: next });
        this.core.emit({ type: 'leader-changed', topic: t.name, partition: p.partition, from: p.leader, to: next.leader, epoch: next.leaderEpoch, reason });
        return next;
      });
    }
    return changed;
  }

  /**
   * Dead brokers leave every ISR at once (Kafka's controller does the same), so acks=all writes need
   * not wait replica.lag.time.max.ms for them. The last ISR member always stays. Adds the partitions
   * changed to `changed` (replacing a change already there).
   */
  removeFromIsrs(dead: Set<number>, changed: PartitionChange[]): void {
    for (const t of this.core.topics.values()) {
      t.partitions = t.partitions.map((p) => {
        const isr = p.isr.filter((r) => !dead.has(r) || r === p.leader);
        if (isr.length === p.isr.length || isr.length === 0) return p;
        const next = { ...p, isr };
        this.core.emit({ type: 'isr-changed', topic: t.name, partition: p.partition, from: p.isr, to: isr });
        const i = changed.findIndex((c) => c.topic === t.name && c.state.partition === p.partition);
        if (i >= 0) changed[i] = { topic: t.name, state: next };
        else changed.push({ topic: t.name, state: next });
        return next;
      });
    }
  }

  /** Preferred leader election: leadership returns to each partition's first replica once it is in sync. */
  rebalanceLeaders(): void {
    this.core.commit({ partitions: this.electAll('preferred replica back in sync', (p) => electPreferredLeader(p, (id) => this.core.isAlive(id))) });
  }

  /**
   * ElectLeaders (kafka-leader-election): preferred elections move leadership to each partition's
   * first replica when it is alive and in sync (what rebalanceLeaders does on its own, now); unclean
   * ones give a partition with no live leader one from its live replicas even out of the ISR, which
   * may lose acknowledged records, as Kafka's unclean election does. Named partitions get an answer
   * each (ELECTION_NOT_NEEDED when nothing changes); with `topicPartitions` null, only those elected.
   */
  electLeaders(req: ElectLeadersRequest): ElectionResult[] {
    const isAlive = (id: number) => this.core.isAlive(id);
    const unclean = req.electionType === 1;
    // A partition named several times is answered once, as Kafka answers (its request is a set).
    const named = new Map(req.topicPartitions?.flatMap((t) => t.partitions.map((partition) => [`${t.topic}\0${partition}`, { topic: t.topic, partition }] as const)));
    const wanted = req.topicPartitions ? [...named.values()] : [...this.core.topics.values()].flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    const results: ElectionResult[] = [];
    const changed: PartitionChange[] = [];
    for (const { topic, partition } of wanted) {
      const t = this.core.topics.get(topic);
      const p = t?.partitions[partition];
      if (!t || !p) {
        results.push({ topic, partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `${topic}-${partition} does not exist` });
        continue;
      }
      const next = unclean ? electLeader(p, isAlive, true) : electPreferredLeader(p, isAlive);
      if (next && next.leader >= 0) {
        t.partitions[partition] = next;
        changed.push({ topic, state: next });
        this.core.emit({ type: 'leader-changed', topic, partition, from: p.leader, to: next.leader, epoch: next.leaderEpoch, reason: `${unclean ? 'unclean' : 'preferred'} election asked for` });
        results.push({ topic, partition, errorCode: ErrorCode.NONE });
      } else if (req.topicPartitions !== null) {
        results.push({ topic, partition, ...electionRefusal(p, unclean, isAlive) });
      }
    }
    this.core.commit({ partitions: changed });
    return results;
  }

  /**
   * AlterPartition (KIP-497), from a broker whose session the Controller checked: the leader asks to
   * shrink or expand its ISR. Accepted only from the current leader at the current epoch, so a
   * deposed leader cannot rewrite the ISR, and only against the ISR it was computed from.
   */
  alterIsr(req: AlterIsrRequest, metadataVersion: () => number): AlterIsrResponse {
    const t = this.core.topics.get(req.topic);
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
    const valid = isr.includes(p.leader) && isr.every((r) => p.replicas.includes(r) && (p.isr.includes(r) || this.core.isAlive(r)));
    if (!valid) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `invalid ISR ${JSON.stringify(req.isr)}` };
    const ordered = p.replicas.filter((r) => isr.includes(r));
    if (ordered.join() !== p.isr.join()) {
      const expanded = { ...p, isr: ordered };
      this.core.emit({ type: 'isr-changed', topic: t.name, partition: p.partition, from: p.isr, to: ordered });
      // A moving partition whose new replicas are now all in sync finishes its move here.
      const next = this.reassignments.complete(expanded) ?? expanded;
      this.reassignments.emitLeaderMove(t.name, p, next, 'reassignment done');
      t.partitions[req.partition] = next;
      this.core.commit({ partitions: [{ topic: t.name, state: next }] });
    }
    return { errorCode: ErrorCode.NONE, metadataVersion: metadataVersion() };
  }
}
