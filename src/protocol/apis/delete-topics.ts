/**
 * DeleteTopics (key 20), versions 0-6; flexible from v4 (Kafka's DeleteTopicsRequest/Response.json).
 * v5 adds error messages; v6 names each topic by name or by topic id (KIP-516) and answers both.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface DeleteTopicState {
  /** Null when the topic is named by id. */
  name: string | null;
  /** The all-zero UUID when the topic is named by name. */
  topicId: string;
}

export interface DeleteTopicsRequest {
  /** v6+: by name or by id. */
  topics?: DeleteTopicState[];
  /** v0-5. */
  topicNames?: string[];
  timeoutMs: number;
}

export interface DeletableTopicResult {
  /** Null (v6+) for an id no topic has. */
  name: string | null;
  /** v6+; the all-zero UUID when unknown. */
  topicId?: string;
  errorCode: number;
  /** v5+; default null. */
  errorMessage?: string | null;
}

export interface DeleteTopicsResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  responses: DeletableTopicResult[];
}

export const DeleteTopicsApi = schemaApi<DeleteTopicsRequest, DeleteTopicsResponse>({
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  versions: '0-6',
  flexibleVersions: '4+',
  request: [
    {
      name: 'topics',
      type: '[]struct',
      versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'topicNames', type: '[]string', versions: '0-5' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
      ],
    },
  ],
});
