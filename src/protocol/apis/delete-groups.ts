/**
 * DeleteGroups (key 42), versions 0-2, flexible from v2 (Kafka's DeleteGroupsRequest/Response.json;
 * v0 and v1 are the same on the wire). A group with members is not deleted (NON_EMPTY_GROUP).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface DeleteGroupsRequest {
  groupsNames: string[];
}

export interface DeleteGroupsResponse {
  throttleTimeMs: number;
  results: { groupId: string; errorCode: number }[];
}

export const DeleteGroupsApi = schemaApi<DeleteGroupsRequest, DeleteGroupsResponse>({
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  versions: '0-2',
  flexibleVersions: '2+',
  request: [{ name: 'groupsNames', type: '[]string', versions: '0+' }],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
});
