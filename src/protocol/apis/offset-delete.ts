/**
 * OffsetDelete (key 47), version 0, never flexible (Kafka's OffsetDeleteRequest/Response.json):
 * removes a group's committed offsets for some partitions (`kafka-consumer-groups
 * --delete-offsets`, KIP-496). The group's error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP) comes
 * before the throttle time; a partition whose topic a member subscribes to answers
 * GROUP_SUBSCRIBED_TO_TOPIC.
 */
import { ApiKey } from '../api.js';
import { schemaApi, type FieldSpec } from '../schema.js';

export interface OffsetDeleteRequest {
  groupId: string;
  topics: { name: string; partitions: { partitionIndex: number }[] }[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

const partitions = (fields: FieldSpec[]): FieldSpec => ({ name: 'partitions', type: '[]struct', versions: '0+', fields });

export const OffsetDeleteApi = schemaApi<OffsetDeleteRequest, OffsetDeleteResponse>({
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  versions: '0',
  flexibleVersions: 'none',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'topics', type: '[]struct', versions: '0+', fields: [{ name: 'name', type: 'string', versions: '0+' }, partitions([{ name: 'partitionIndex', type: 'int32', versions: '0+' }])] },
  ],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        partitions([
          { name: 'partitionIndex', type: 'int32', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
        ]),
      ],
    },
  ],
});
