import { ErrorCode } from '../../common/errors.js';
import { CoordinatorKeyType, type Coordinator, type FindCoordinatorRequest, type FindCoordinatorResponse } from '../../protocol/apis/find-coordinator.js';
import { AclOperation, ResourceType } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/**
 * The broker each group calls home (one live-broker list, for a whole request): picked among the live brokers from the group id's Java hashCode, as
 * Kafka picks the __consumer_offsets partition (and so the coordinator) of a group. Every broker can
 * serve every group (its state lives in the coordinator process and brokers forward group requests,
 * handlers/groups.ts); the home only makes FindCoordinator spread groups out and ListGroups, which
 * tools send to every broker and concatenate, name each group once.
 */
export function groupHomes(ctx: BrokerContext): (groupId: string) => number {
  const alive = ctx.cache.aliveBrokers().map((b) => b.id).sort((a, b) => a - b);
  return (groupId) => {
    if (alive.length === 0) return ctx.brokerId;
    let hash = 0;
    for (let i = 0; i < groupId.length; i++) hash = (Math.imul(hash, 31) + groupId.charCodeAt(i)) | 0;
    return alive[(hash & 0x7fffffff) % alive.length]!;
  };
}

/**
 * FindCoordinator: each group's home broker (this one when the home is not known here); v4 asks for
 * several keys and gets one answer per key, v0-3 one key and the answer at the top level. A
 * transactional id (key type TRANSACTION) gets its home the same way: the transaction coordinator
 * lives in the coordinator process too, and every broker forwards to it. Needs DESCRIBE on the group
 * (GROUP_AUTHORIZATION_FAILED) or the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED), as in Kafka.
 */
export function handleFindCoordinator(ctx: BrokerContext, req: FindCoordinatorRequest, version: number, client: RequestClient): FindCoordinatorResponse {
  const keys = version >= 4 ? (req.coordinatorKeys ?? []) : [req.key ?? ''];
  const homeOf = groupHomes(ctx);
  const keyType = req.keyType ?? CoordinatorKeyType.Group;
  const coordinators = keys.map((key) => {
    if (keyType === CoordinatorKeyType.Group && !ctx.security.authorize(client, AclOperation.DESCRIBE, ResourceType.GROUP, key)) {
      return { key, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not describe group ${key}`, nodeId: -1, host: '', port: -1 };
    }
    if (keyType === CoordinatorKeyType.Transaction && !ctx.security.authorize(client, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) {
      return { key, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not describe transactional id ${key}`, nodeId: -1, host: '', port: -1 };
    }
    return findOne(ctx, key, keyType, homeOf);
  });
  const first = coordinators[0] ?? { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: -1, host: '', port: -1 };
  return { throttleTimeMs: 0, errorCode: first.errorCode, errorMessage: first.errorMessage, nodeId: first.nodeId, host: first.host, port: first.port, coordinators };
}

function findOne(ctx: BrokerContext, key: string, keyType: number, homeOf: (groupId: string) => number): Coordinator {
  const self = ctx.cache.broker(ctx.brokerId);
  if (keyType !== CoordinatorKeyType.Group && keyType !== CoordinatorKeyType.Transaction) {
    return { key, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `unknown coordinator key type ${keyType} (0: group, 1: transaction)`, nodeId: -1, host: '', port: -1 };
  }
  if (!self) return { key, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'broker not registered yet', nodeId: -1, host: '', port: -1 };
  const home = homeOf(key);
  const address = ctx.cache.broker(home);
  const [nodeId, host, port] = address ? [home, address.host, address.port] : [ctx.brokerId, self.host, self.port];
  return { key, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host, port };
}
