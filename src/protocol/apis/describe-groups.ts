/**
 * DescribeGroups (key 15), versions 0-5, flexible from v5 (Kafka's DescribeGroupsRequest/Response.json).
 * A group's state, chosen assignor and members with their subscriptions and assignments; v3 adds
 * the operations the caller may perform (asked for with include_authorized_operations, else
 * INT32_MIN), v4 each member's group.instance.id.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.js';

export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+; default false. */
  includeAuthorizedOperations?: boolean;
}


export interface DescribedGroupMember {
  memberId: string;
  /** v4+; default null. */
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  /** v3+; default AUTHORIZED_OPERATIONS_OMITTED. */
  authorizedOperations?: number;
}

export interface DescribeGroupsResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  groups: DescribedGroup[];
}

export const DescribeGroupsApi = schemaApi<DescribeGroupsRequest, DescribeGroupsResponse>({
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  versions: '0-5',
  flexibleVersions: '5+',
  request: [
    { name: 'groups', type: '[]string', versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'groups',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'protocolData', type: 'string', versions: '0+' },
        {
          name: 'members',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'memberId', type: 'string', versions: '0+' },
            { name: 'groupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
            { name: 'clientId', type: 'string', versions: '0+' },
            { name: 'clientHost', type: 'string', versions: '0+' },
            { name: 'memberMetadata', type: 'bytes', versions: '0+' },
            { name: 'memberAssignment', type: 'bytes', versions: '0+' },
          ],
        },
        { name: 'authorizedOperations', type: 'int32', versions: '3+', default: AUTHORIZED_OPERATIONS_OMITTED },
      ],
    },
  ],
});
