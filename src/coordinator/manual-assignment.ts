import type { PartitionState } from '../common/cluster-types.js';
import { ErrorCode, KafkaError } from '../common/errors.js';

/**
 * Partitions numbered from `first` with replicas the request chose (CreateTopics' assignments,
 * CreatePartitions' new partitions, kafka-topics --replica-assignment), checked as Kafka's controller
 * checks them, since a bad assignment would leave partitions nobody can serve: every replica a
 * registered broker, none twice in a partition, `replicationFactor` replicas in each, and at least
 * one of them alive. The live replicas form the ISR and the first of them leads; a dead one joins
 * the ISR once it has caught up, as any follower does. Throws INVALID_REPLICA_ASSIGNMENT saying why.
 */
export function assignedPartitions(
  assignment: number[][],
  first: number,
  replicationFactor: number,
  isRegistered: (brokerId: number) => boolean,
  isAlive: (brokerId: number) => boolean,
): PartitionState[] {
  const refuse = (message: string) => new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, message);
  return assignment.map((replicas, i) => {
    const partition = first + i;
    if (replicas.length === 0) throw refuse(`partition ${partition} has an empty replica list`);
    const twice = replicas.find((r, j) => replicas.indexOf(r) !== j);
    if (twice !== undefined) throw refuse(`partition ${partition} names broker ${twice} more than once`);
    const unknown = replicas.find((r) => !isRegistered(r));
    if (unknown !== undefined) throw refuse(`partition ${partition} names broker ${unknown}, but no such broker is registered`);
    if (replicas.length !== replicationFactor) {
      throw refuse(`partition ${partition} has ${replicas.length} replica(s), but every partition of the topic must have the same number, ${replicationFactor}`);
    }
    const isr = replicas.filter(isAlive);
    if (isr.length === 0) throw refuse(`every replica of partition ${partition} (${replicas.join(', ')}) is on a dead broker`);
    return { partition, replicas: [...replicas], isr, leader: isr[0]!, leaderEpoch: 0 };
  });
}
