import type { PartitionState } from '../common/cluster-types.js';
import { ErrorCode, KafkaError } from '../common/errors.js';
import type { ElectionResult, ReassignPartitionsRequest } from '../protocol/internal-api.js';
import type { ControllerCore } from './controller-core.js';
import { assignedPartitions } from './manual-assignment.js';

/**
 * AlterPartitionReassignments (KIP-455; kafka-reassign-partitions, yak topic move): moves partitions
 * to new replicas as Kafka's controller does. The new replicas join at once, listed first (the first
 * is the preferred leader), and catch up from the leader as followers; once every one of them is in
 * the ISR (`complete`, from the Controller's alterIsr) the old ones leave and, if the leader was one
 * of them, the first in-sync new replica leads. A move given again replaces the ongoing one; null
 * replicas cancel it. Each change of replicas bumps the leader epoch, so the leader tracks exactly
 * the new set of followers.
 */
export class Reassignments {
  constructor(private readonly core: ControllerCore) {}

  reassign(req: ReassignPartitionsRequest): ElectionResult[] {
    const results: ElectionResult[] = [];
    const changed: { topic: string; state: PartitionState }[] = [];
    for (const t of req.topics) {
      for (const { partitionIndex: partition, replicas: target } of t.partitions) {
        const topic = this.core.topics.get(t.name);
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
            assignedPartitions([target], partition, target.length, (id) => this.core.isRegistered(id), () => true);
          } catch (err) {
            if (!(err instanceof KafkaError)) throw err;
            answer(err.code, err.detail ?? err.message);
            continue;
          }
          const adding = target.filter((r) => !original.includes(r));
          const removing = original.filter((r) => !target.includes(r));
          next = adding.length === 0 && removing.length === 0 ? this.withReplicas(p, target) : { ...p, replicas: [...target, ...removing], addingReplicas: adding, removingReplicas: removing, leaderEpoch: p.leaderEpoch + 1 };
          next = this.complete(next) ?? next;
        }
        topic.partitions[partition] = next;
        changed.push({ topic: t.name, state: next });
        this.emitLeaderMove(t.name, p, next, 'reassigned');
        answer(ErrorCode.NONE);
      }
    }
    this.core.commit({ partitions: changed });
    return results;
  }

  /** A reassignment whose new replicas are all in sync, finished; null while one is still catching up. */
  complete(p: PartitionState): PartitionState | null {
    if (!p.addingReplicas || !p.addingReplicas.every((r) => p.isr.includes(r))) return null;
    const removing = p.removingReplicas ?? [];
    return this.withReplicas(p, p.replicas.filter((r) => !removing.includes(r)));
  }

  emitLeaderMove(topic: string, from: PartitionState, to: PartitionState, reason: string): void {
    if (to.leader !== from.leader) this.core.emit({ type: 'leader-changed', topic, partition: from.partition, from: from.leader, to: to.leader, epoch: to.leaderEpoch, reason });
  }

  /** `p` on exactly `replicas` (no move ongoing), at the next epoch; the leader stays if it is one of them. */
  private withReplicas(p: PartitionState, replicas: number[]): PartitionState {
    const isr = p.isr.filter((r) => replicas.includes(r));
    const leader = replicas.includes(p.leader) && this.core.isAlive(p.leader) ? p.leader : (replicas.find((r) => isr.includes(r) && this.core.isAlive(r)) ?? -1);
    const { addingReplicas: _adding, removingReplicas: _removing, ...rest } = p;
    return { ...rest, replicas, isr: isr.length > 0 ? isr : p.isr.filter((r) => r === p.leader), leader, leaderEpoch: p.leaderEpoch + 1 };
  }
}
