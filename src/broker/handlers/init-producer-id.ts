import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/apis/init-producer-id.js';
import type { BrokerContext } from '../context.js';

/** Kafka's RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH: the request names no current producer. */
const NO_PRODUCER = -1;
/** Producer epochs are int16; past the largest, the producer gets a new id at epoch 0 (as Kafka does). */
const MAX_PRODUCER_EPOCH = 0x7fff;

/**
 * InitProducerId for idempotent producers (no transactions: a transactional id is refused). A new
 * producer gets a cluster-unique id from this broker's reserved block at epoch 0. A producer that
 * names its current id and epoch (v3+, KIP-360: its sequences broke, say after a batch timed out)
 * keeps its id at the next epoch, from which every partition accepts it again at sequence 0 (see
 * storage/producer-state.ts); at the last epoch it gets a new id. Kafka's own broker gives an
 * idempotent producer a new id either way; bumping keeps the id a client logs and a tool shows.
 * Naming only one of id and epoch is INVALID_REQUEST, as in Kafka.
 */
export async function handleInitProducerId(ctx: BrokerContext, req: InitProducerIdRequest): Promise<InitProducerIdResponse> {
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (req.transactionalId !== null) return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const producerId = req.producerId ?? NO_PRODUCER;
  const producerEpoch = req.producerEpoch ?? NO_PRODUCER;
  if ((producerId === NO_PRODUCER) !== (producerEpoch === NO_PRODUCER) || producerId < NO_PRODUCER || producerEpoch < NO_PRODUCER) {
    return fail(ErrorCode.INVALID_REQUEST);
  }
  if (producerId !== NO_PRODUCER && producerEpoch < MAX_PRODUCER_EPOCH) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: producerEpoch + 1 };
  }
  try {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await ctx.producerIds.nextId(), producerEpoch: 0 };
  } catch (err) {
    return fail(err instanceof KafkaError && err.retriable ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}
