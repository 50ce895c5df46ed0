/**
 * DescribeGroups (key 15), versions 0-2 (v1 and v2 are the same on the wire).
 *
 * DescribeGroups Request => [groups]
 *   groups => STRING
 *
 * DescribeGroups Response => throttle_time_ms [groups]
 *   throttle_time_ms => INT32                       (v1+)
 *   groups => error_code group_id group_state protocol_type protocol_data [members]
 *     error_code => INT16
 *     group_id => STRING
 *     group_state => STRING                         (Empty, PreparingRebalance, CompletingRebalance, Stable, Dead)
 *     protocol_type => STRING
 *     protocol_data => STRING                       (the chosen assignor)
 *     members => member_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       client_id => STRING
 *       client_host => STRING
 *       member_metadata => BYTES
 *       member_assignment => BYTES
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface DescribeGroupsRequest {
  groups: string[];
}

export interface DescribedGroupMember {
  memberId: string;
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
}

export interface DescribeGroupsResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  groups: DescribedGroup[];
}

export const DescribeGroupsApi: ApiCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  maxVersion: 2,

  encodeRequest(w: Writer, req: DescribeGroupsRequest): void {
    w.array(req.groups, (w, g) => w.string(g));
  },

  decodeRequest(r: Reader): DescribeGroupsRequest {
    return { groups: r.array((r) => r.string()) };
  },

  encodeResponse(w: Writer, res: DescribeGroupsResponse, version: number): void {
    if (version >= 1) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.groups, (w, g) => {
      w.int16(g.errorCode).string(g.groupId).string(g.groupState).string(g.protocolType).string(g.protocolData);
      w.array(g.members, (w, m) => w.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.memberMetadata).bytes(m.memberAssignment));
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
        clientId: r.string(),
        clientHost: r.string(),
        memberMetadata: r.bytes() ?? Buffer.alloc(0),
        memberAssignment: r.bytes() ?? Buffer.alloc(0),
      })),
    }));
    return { throttleTimeMs, groups };
  },
};
