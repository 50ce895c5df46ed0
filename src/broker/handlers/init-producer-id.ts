import { ErrorCode, KafkaError } from '../../common/errors.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/apis/init-producer-id.js';
import type { BrokerContext } from '../context.js';

/** InitProducerId: a cluster-unique producer id from this broker's reserved block, epoch 0 (idempotence; no transactions). */
export async function handleInitProducerId(ctx: BrokerContext, req: InitProducerIdRequest): Promise<InitProducerIdResponse> {
  const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
  if (req.transactionalId !== null) return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  try {
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await ctx.producerIds.nextId(), producerEpoch: 0 };
  } catch (err) {
    return fail(err instanceof KafkaError && err.retriable ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}
