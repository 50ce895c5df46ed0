/**
 * AddPartitionsToTxn (key 24), versions 0-5; flexible from v3 (Kafka's AddPartitionsToTxnRequest/Response.json).
 * A transactional producer names the partitions it is about to write before its first batch to each.
 * v0-3 carry one transaction at the top level (the client form); v4+ (KIP-890, brokers' form) carry
 * several in `transactions`, each with `verifyOnly` (check the partitions are in the transaction
 * instead of adding them), and answer per transaction plus a top-level error. v1 is v0; v2 may
 * answer PRODUCER_FENCED, v5 TRANSACTION_ABORTABLE, with no wire change.
 */
import { ApiKey } from '../api.js';
import { schemaApi, type FieldSpec } from '../schema.js';

export interface TxnTopicPartitions {
  name: string;
  partitions: number[];
}

export interface AddPartitionsToTxnTransaction {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: TxnTopicPartitions[];
}

export interface AddPartitionsToTxnRequest {
  /** v4+. */
  transactions?: AddPartitionsToTxnTransaction[];
  /** v0-3. */
  v3AndBelowTransactionalId?: string;
  v3AndBelowProducerId?: number;
  v3AndBelowProducerEpoch?: number;
  v3AndBelowTopics?: TxnTopicPartitions[];
}

export interface AddPartitionsToTxnTopicResult {
  name: string;
  resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[];
}

export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  /** v4+. */
  errorCode?: number;
  /** v4+. */
  resultsByTransaction?: { transactionalId: string; topicResults: AddPartitionsToTxnTopicResult[] }[];
  /** v0-3. */
  resultsByTopicV3AndBelow?: AddPartitionsToTxnTopicResult[];
}

const topicFields: FieldSpec[] = [
  { name: 'name', type: 'string', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
];
const topicResultFields: FieldSpec[] = [
  { name: 'name', type: 'string', versions: '0+' },
  {
    name: 'resultsByPartition',
    type: '[]struct',
    versions: '0+',
    fields: [
      { name: 'partitionIndex', type: 'int32', versions: '0+' },
      { name: 'partitionErrorCode', type: 'int16', versions: '0+' },
    ],
  },
];

export const AddPartitionsToTxnApi = schemaApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxn',
  versions: '0-5',
  flexibleVersions: '3+',
  request: [
    {
      name: 'transactions',
      type: '[]struct',
      versions: '4+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '4+' },
        { name: 'producerId', type: 'int64', versions: '4+' },
        { name: 'producerEpoch', type: 'int16', versions: '4+' },
        { name: 'verifyOnly', type: 'bool', versions: '4+', default: false },
        { name: 'topics', type: '[]struct', versions: '4+', fields: topicFields },
      ],
    },
    { name: 'v3AndBelowTransactionalId', type: 'string', versions: '0-3' },
    { name: 'v3AndBelowProducerId', type: 'int64', versions: '0-3' },
    { name: 'v3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
    { name: 'v3AndBelowTopics', type: '[]struct', versions: '0-3', fields: topicFields },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '4+' },
    {
      name: 'resultsByTransaction',
      type: '[]struct',
      versions: '4+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '4+' },
        { name: 'topicResults', type: '[]struct', versions: '4+', fields: topicResultFields },
      ],
    },
    { name: 'resultsByTopicV3AndBelow', type: '[]struct', versions: '0-3', fields: topicResultFields },
  ],
});
