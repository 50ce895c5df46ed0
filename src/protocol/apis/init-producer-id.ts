/**
 * InitProducerId (key 22), versions 0-1 (v1 is identical to v0 on the wire).
 *
 * InitProducerId Request => transactional_id transaction_timeout_ms
 *   transactional_id => NULLABLE_STRING             (null for an idempotent, non-transactional producer)
 *   transaction_timeout_ms => INT32
 *
 * InitProducerId Response => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   producer_id => INT64
 *   producer_epoch => INT16
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export const InitProducerIdApi: ApiCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  maxVersion: 1,

  encodeRequest(w: Writer, req: InitProducerIdRequest): void {
    w.nullableString(req.transactionalId).int32(req.transactionTimeoutMs);
  },

  decodeRequest(r: Reader): InitProducerIdRequest {
    const transactionalId = r.nullableString();
    const transactionTimeoutMs = r.int32();
    return { transactionalId, transactionTimeoutMs };
  },

  encodeResponse(w: Writer, res: InitProducerIdResponse): void {
    w.int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch);
  },

  decodeResponse(r: Reader): InitProducerIdResponse {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    const producerId = r.int64();
    const producerEpoch = r.int16();
    return { throttleTimeMs, errorCode, producerId, producerEpoch };
  },
};
