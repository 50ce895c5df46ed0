/**
 * AddOffsetsToTxn (key 25), versions 0-4; flexible from v3 (Kafka's AddOffsetsToTxnRequest/Response.json).
 * A transactional producer about to commit a group's offsets in its transaction
 * (sendOffsetsToTransaction) names the group first. v1 is v0; v2 may answer PRODUCER_FENCED, v4
 * TRANSACTION_ABORTABLE, with no wire change.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface AddOffsetsToTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  groupId: string;
}

export interface AddOffsetsToTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const AddOffsetsToTxnApi = schemaApi<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxn',
  versions: '0-4',
  flexibleVersions: '3+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
});
