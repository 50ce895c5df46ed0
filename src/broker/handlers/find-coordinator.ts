import { ErrorCode } from '../../common/errors.js';
import { CoordinatorKeyType, type FindCoordinatorRequest, type FindCoordinatorResponse } from '../../protocol/apis/find-coordinator.js';
import type { BrokerContext } from '../context.js';

/**
 * FindCoordinator: this broker itself. Every broker can serve every group, because the group state
 * lives in the coordinator process and brokers forward group requests to it (handlers/groups.ts).
 * Transactions are not supported.
 */
export function handleFindCoordinator(ctx: BrokerContext, req: FindCoordinatorRequest): FindCoordinatorResponse {
  const self = ctx.cache.broker(ctx.brokerId);
  if ((req.keyType ?? CoordinatorKeyType.Group) !== CoordinatorKeyType.Group || !self) {
    const errorMessage = self ? 'YaK coordinates consumer groups only, not transactions' : 'broker not registered yet';
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage, nodeId: -1, host: '', port: -1 };
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: ctx.brokerId, host: self.host, port: self.port };
}
