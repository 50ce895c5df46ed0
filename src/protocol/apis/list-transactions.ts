/**
 * ListTransactions (key 66), versions 0-1; flexible in every version (Kafka's
 * ListTransactionsRequest/Response.json, KIP-664): the transactional ids the coordinator knows, by
 * state and producer id; v1 (KIP-994) adds `durationFilter`, only transactions running longer than
 * that many ms (-1: any).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface ListTransactionsRequest {
  stateFilters: string[];
  producerIdFilters: number[];
  /** v1+; default -1 (no filter). */
  durationFilter?: number;
}

export interface ListedTransaction {
  transactionalId: string;
  producerId: number;
  transactionState: string;
}

export interface ListTransactionsResponse {
  throttleTimeMs: number;
  errorCode: number;
  /** Filters naming a state the coordinator does not know. */
  unknownStateFilters: string[];
  transactionStates: ListedTransaction[];
}

export const ListTransactionsApi = schemaApi<ListTransactionsRequest, ListTransactionsResponse>({
  apiKey: ApiKey.ListTransactions,
  name: 'ListTransactions',
  versions: '0-1',
  flexibleVersions: '0+',
  request: [
    { name: 'stateFilters', type: '[]string', versions: '0+' },
    { name: 'producerIdFilters', type: '[]int64', versions: '0+' },
    { name: 'durationFilter', type: 'int64', versions: '1+', default: -1 },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'unknownStateFilters', type: '[]string', versions: '0+' },
    {
      name: 'transactionStates',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '0+' },
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'transactionState', type: 'string', versions: '0+' },
      ],
    },
  ],
});
