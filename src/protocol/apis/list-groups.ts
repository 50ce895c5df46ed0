/**
 * ListGroups (key 16), versions 0-5, flexible from v3 (Kafka's ListGroupsRequest/Response.json).
 * v4 filters by state (KIP-518) and answers each group's state; v5 filters by type (KIP-848:
 * "classic" or "consumer"; every YaK group is classic) and answers it.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface ListGroupsRequest {
  /** v4+: only groups in one of these states (case-insensitive); [] for all. */
  statesFilter?: string[];
  /** v5+: only groups of one of these types (case-insensitive); [] for all. */
  typesFilter?: string[];
}

export interface ListGroupsResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  errorCode: number;
  groups: { groupId: string; protocolType: string; /** v4+. */ groupState?: string; /** v5+. */ groupType?: string }[];
}

export const ListGroupsApi = schemaApi<ListGroupsRequest, ListGroupsResponse>({
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  versions: '0-5',
  flexibleVersions: '3+',
  request: [
    { name: 'statesFilter', type: '[]string', versions: '4+' },
    { name: 'typesFilter', type: '[]string', versions: '5+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '4+' },
        { name: 'groupType', type: 'string', versions: '5+' },
      ],
    },
  ],
});
