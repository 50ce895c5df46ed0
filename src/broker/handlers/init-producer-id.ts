import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/apis/init-producer-id.js';
import type { BrokerContext } from '../context.js';

/** Kafka's RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH: the request names no current producer. */
const NO_PRODUCER = -1;

/**
 * InitProducerId for idempotent producers (no transactions: a transactional id is refused). Every
 * request gets a new cluster-unique id from this broker's reserved block at epoch 0, whatever id and
 * epoch it names (v3+), as Kafka answers a request without a transactional id: a named id is only a
 * claim, and @platformatic/kafka 1.x names id 0 epoch 0 for every new producer, so keeping a named id
 * would give unrelated producers one identity, whose batches then collide (OUT_OF_ORDER_SEQUENCE_NUMBER)
 * or are dropped as duplicates. A producer bumping its own epoch (KIP-360) does so without asking;
 * storage/producer-state.ts takes the next epoch from sequence 0. Naming only one of id and epoch is
 * INVALID_REQUEST, as in Kafka.
 */
export async function handleInitProducerId(ctx: BrokerContext, req: InitProducerIdRequest): Promise<InitProducerIdResponse> {
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (req.transactionalId !== null) return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
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
