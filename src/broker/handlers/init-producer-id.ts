import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/apis/init-producer-id.js';
import { InternalApi } from '../../protocol/internal-api.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';
import { forwardToCoordinator } from './groups.js';

/** Kafka's RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH: the request names no current producer. */
const NO_PRODUCER = -1;

/**
 * InitProducerId. With a transactional id it is the transaction coordinator's (forwarded, as the
 * group requests are: coordinator/txn-coordinator.ts bumps the id's epoch and fences older
 * instances). For idempotent producers it is answered here: every
 * request gets a new cluster-unique id from this broker's reserved block at epoch 0, whatever id and
 * epoch it names (v3+), as Kafka answers a request without a transactional id: a named id is only a
 * claim, and @platformatic/kafka 1.x names id 0 epoch 0 for every new producer, so keeping a named id
 * would give unrelated producers one identity, whose batches then collide (OUT_OF_ORDER_SEQUENCE_NUMBER)
 * or are dropped as duplicates. A producer bumping its own epoch (KIP-360) does so without asking;
 * storage/producer-state.ts takes the next epoch from sequence 0. Naming only one of id and epoch is
 * INVALID_REQUEST, as in Kafka. Authorization as Kafka's: WRITE on the transactional id, or for an
 * idempotent producer IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
 */
export async function handleInitProducerId(ctx: BrokerContext, req: InitProducerIdRequest, version: number, client: RequestClient): Promise<InitProducerIdResponse> {
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (req.transactionalId !== null) {
    if (!ctx.security.authorize(client, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    return forwardToCoordinator(ctx, InternalApi.InitTransactionalProducerId, { ...req, transactionalId: req.transactionalId }, version, client, () => fail(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  }
  if (!ctx.security.authorizeCluster(client, AclOperation.IDEMPOTENT_WRITE) && !ctx.security.authorizeAny(client, AclOperation.WRITE, ResourceType.TOPIC)) {
    return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  }
  const producerId = req.producerId ?? NO_PRODUCER;
  const producerEpoch = req.producerEpoch ?? NO_PRODUCER;
  if ((producerId === NO_PRODUCER) !== (producerEpoch === NO_PRODUCER) || producerId < NO_PRODUCER || producerEpoch < NO_PRODUCER) {
    return fail(ErrorCode.INVALID_REQUEST);
  }
  try {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await ctx.producerIds.nextId(), producerEpoch: 0 };
  } catch (err) {
    return fail(err instanceof KafkaError && err.retriable ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}
