import { maxLoggedClientReasonChars } from '../common/limits.js';
import type { JoinGroupRequest } from '../protocol/apis/join-group.js';
import type { GroupCall } from '../protocol/internal-api.js';
import type { Member } from './group.js';

/**
 * Pieces of the GroupCoordinator's one line per rebalance ("preparing to rebalance group G ...
 * (reason: ...)", as Kafka's coordinator logs it), with the client's KIP-800 reason.
 */

/** The reason a JoinGroup v8+ gave (earlier versions have none), as the rebalance line ends. */
export const clientReason = (call: GroupCall<JoinGroupRequest>): string => `; client reason: ${loggedReason(call.apiVersion >= 8 ? call.request.reason : null)}`;

/** A member's static identity, when it has one (KIP-345). */
export const withInstance = (m: Member): string => (m.groupInstanceId !== null ? ` with group instance id ${m.groupInstanceId}` : '');

/** A client's free-text reason as one bounded log line shows it: control characters escaped, cut at the limit. */
export function loggedReason(reason: string | null | undefined): string {
  if (reason === null || reason === undefined) return 'not provided';
  const shown = reason.slice(0, maxLoggedClientReasonChars).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return reason.length > maxLoggedClientReasonChars ? `${shown}... (${reason.length} characters)` : shown;
}
