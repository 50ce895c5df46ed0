/**
 * EndTxn (key 26), versions 0-4; flexible from v3 (Kafka 3.9's EndTxnRequest/Response.json; v5,
 * KIP-890 part 2, was not yet stable there). Commits or aborts the producer's ongoing transaction.
 * v1 is v0; v2 may answer PRODUCER_FENCED, v4 TRANSACTION_ABORTABLE, with no wire change.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** True to commit, false to abort. */
  committed: boolean;
}

export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const EndTxnApi = schemaApi<EndTxnRequest, EndTxnResponse>({
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  versions: '0-4',
  flexibleVersions: '3+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'committed', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
});
