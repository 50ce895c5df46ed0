/**
 * TxnOffsetCommit (key 28), versions 0-4; flexible from v3 (Kafka's TxnOffsetCommitRequest/Response.json).
 * A transactional producer commits a group's offsets inside its transaction: they stay pending until
 * the transaction commits (then they are the group's) or aborts (then they are dropped). v2 adds each
 * offset's leader epoch; v3 (KIP-447) the consumer's generation, member id and group instance id, so
 * a zombie member is refused (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID); v4 may
 * answer TRANSACTION_ABORTABLE, with no wire change.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface TxnOffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: number;
  /** v2+; default -1. */
  committedLeaderEpoch?: number;
  committedMetadata: string | null;
}

export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** v3+; default -1 (not checked). */
  generationId?: number;
  /** v3+; default "" (not checked). */
  memberId?: string;
  /** v3+; default null. */
  groupInstanceId?: string | null;
  topics: { name: string; partitions: TxnOffsetCommitRequestPartition[] }[];
}

export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const TxnOffsetCommitApi = schemaApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommit',
  versions: '0-4',
  flexibleVersions: '3+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '3+', default: -1 },
    { name: 'memberId', type: 'string', versions: '3+', default: '' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '2+', default: -1 },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
