/**
 * InitProducerId (key 22), versions 0-5; flexible from v2 (Kafka's InitProducerIdRequest/Response.json).
 * v1 is v0 on the wire; v3 adds the producer's current id and epoch (KIP-360: a producer whose
 * sequence broke asks for its epoch to be bumped rather than for a new id); v4 lets it retry on
 * PRODUCER_FENCED and v5 on CONCURRENT_TRANSACTIONS, with no wire change.
 *
 * InitProducerId Request => transactional_id transaction_timeout_ms producer_id producer_epoch
 *   transactional_id => NULLABLE_STRING             (null for an idempotent, non-transactional producer)
 *   transaction_timeout_ms => INT32
 *   producer_id => INT64                            (v3+; -1 for a new producer)
 *   producer_epoch => INT16                         (v3+; -1 for a new producer)
 *
 * InitProducerId Response => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   producer_id => INT64
 *   producer_epoch => INT16
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** v3+; default -1 (no current producer id). */
  producerId?: number;
  /** v3+; default -1. */
  producerEpoch?: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export const InitProducerIdApi = schemaApi<InitProducerIdRequest, InitProducerIdResponse>({
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  versions: '0-5',
  flexibleVersions: '2+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
});
