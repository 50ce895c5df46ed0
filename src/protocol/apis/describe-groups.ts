/**
 * DescribeGroups (key 15), versions 0-4 (v1 and v2 are the same on the wire).
 *
 * DescribeGroups Request => [groups] include_authorized_operations
 *   groups => STRING
 *   include_authorized_operations => BOOLEAN        (v3+)
 *
 * DescribeGroups Response => throttle_time_ms [groups]
 *   throttle_time_ms => INT32                       (v1+)
 *   groups => error_code group_id group_state protocol_type protocol_data [members]
 *     error_code => INT16
 *     group_id => STRING
 *     group_state => STRING                         (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead)
 *     protocol_type => STRING
 *     protocol_data => STRING                       (the chosen assignor)
 *     members => member_id group_instance_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       group_instance_id => NULLABLE_STRING        (v4+)
 *       client_id => STRING
 *       client_host => STRING
 *       member_metadata => BYTES
 *       member_assignment => BYTES
 *     authorized_operations => INT32                (v3+; a bit per AclOperation, INT32_MIN when not asked for)
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+; default false. */
  includeAuthorizedOperations?: boolean;
}

/** AuthorizedOperations when the request did not ask for them. */
export const AUTHORIZED_OPERATIONS_OMITTED = -0x80000000;

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

export const DescribeGroupsApi: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  maxVersion: 4,

  encodeRequest(w: Writer, req: DescribeGroupsRequest, version: number): void {
    w.array(req.groups, (w, g) => w.string(g));
    if (version >= 3) w.boolean(req.includeAuthorizedOperations ?? false);
  },

  decodeRequest(r: Reader, version: number): DescribeGroupsRequest {
    const groups = r.array((r) => r.string());
    return { groups, includeAuthorizedOperations: version >= 3 ? r.boolean() : false };
  },

  encodeResponse(w: Writer, res: DescribeGroupsResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.groups, (w, g) => {
      w.int16(g.errorCode).string(g.groupId).string(g.groupState).string(g.protocolType).string(g.protocolData);
      w.array(g.members, (w, m) => {
        w.string(m.memberId);
        if (version >= 4) w.nullableString(m.groupInstanceId ?? null);
        w.string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment);
      });
      if (version >= 3) w.int32(g.authorizedOperations ?? AUTHORIZED_OPERATIONS_OMITTED);
    });
  },

  decodeResponse(r: Reader, version: number): DescribeGroupsResponse {
    const throttleTimeMs = version >= 1 ? r.int32() : 0;
    const groups = r.array((r) => ({
      errorCode: r.int16(),
      groupId: r.string(),
      groupState: r.string(),
      protocolType: r.string(),
      protocolData: r.string(),
      members: r.array((r) => ({
        memberId: r.string(),
        groupInstanceId: version >= 4 ? r.nullableString() : null,
        clientId: r.string(),
        clientHost: r.string(),
        memberMetadata: r.bytes() ?? Buffer.alloc(0),
        memberAssignment: r.bytes() ?? Buffer.alloc(0),
      })),
      authorizedOperations: version >= 3 ? r.int32() : AUTHORIZED_OPERATIONS_OMITTED,
    }));
    return { throttleTimeMs, groups };
  },
};
