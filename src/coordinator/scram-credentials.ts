import type { UserScramCredential } from '../common/cluster-types.js';
import { ErrorCode } from '../common/errors.js';
import { scramMaxIterations, scramMinIterations } from '../common/limits.js';
import type { AlterScramCredentialsRequest, AlterScramCredentialsResponse } from '../protocol/internal-api.js';

const MECHANISMS = new Set(['SCRAM-SHA-256', 'SCRAM-SHA-512']);

/** What an AlterScramCredentials request changes, and each user's result (Kafka's rules, ControllerApis/ScramControlManager). */
export interface ScramChangePlan {
  results: AlterScramCredentialsResponse['results'];
  upserted: UserScramCredential[];
  deleted: { user: string; mechanism: string }[];
}

/**
 * Checks a request against the stored credentials, as Kafka does: all of one user's changes succeed
 * or fail together; a user named twice for one mechanism is DUPLICATE_RESOURCE; an empty name or an
 * iteration count out of Kafka's bounds is UNACCEPTABLE_CREDENTIAL; an unknown mechanism is
 * UNSUPPORTED_SASL_MECHANISM; deleting what does not exist is RESOURCE_NOT_FOUND.
 */
export function planScramChanges(current: readonly UserScramCredential[], req: AlterScramCredentialsRequest): ScramChangePlan {
  const plan: ScramChangePlan = { results: [], upserted: [], deleted: [] };
  const exists = (user: string, mechanism: string) => current.some((c) => c.user === user && c.mechanism === mechanism);
  const users = [...new Set([...req.deletions.map((d) => d.user), ...req.upsertions.map((u) => u.user)])];
  for (const user of users) {
    const deletions = req.deletions.filter((d) => d.user === user);
    const upsertions = req.upsertions.filter((u) => u.user === user);
    const mechanisms = [...deletions.map((d) => d.mechanism), ...upsertions.map((u) => u.mechanism)];
    const problem = ((): [number, string] | null => {
      if (user === '') return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty'];
      const unknown = mechanisms.find((m) => !MECHANISMS.has(m));
      if (unknown !== undefined) return [ErrorCode.UNSUPPORTED_SASL_MECHANISM, `Unknown SCRAM mechanism ${JSON.stringify(unknown)}`];
      if (new Set(mechanisms).size !== mechanisms.length) return [ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request'];
      const badIterations = upsertions.find((u) => !Number.isInteger(u.iterations) || u.iterations < scramMinIterations || u.iterations > scramMaxIterations);
      if (badIterations) return [ErrorCode.UNACCEPTABLE_CREDENTIAL, `Iterations ${badIterations.iterations} must be between ${scramMinIterations} and ${scramMaxIterations}`];
      const empty = upsertions.find((u) => u.salt.length === 0 || u.storedKey.length === 0 || u.serverKey.length === 0);
      if (empty) return [ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Salt and keys must not be empty'];
      const missing = deletions.find((d) => !exists(user, d.mechanism));
      if (missing) return [ErrorCode.RESOURCE_NOT_FOUND, `Attempt to delete a user credential that does not exist (${missing.mechanism})`];
      return null;
    })();
    if (problem) {
      plan.results.push({ user, errorCode: problem[0], errorMessage: problem[1] });
      continue;
    }
    plan.results.push({ user, errorCode: ErrorCode.NONE });
    plan.deleted.push(...deletions);
    plan.upserted.push(...upsertions);
  }
  return plan;
}

/** `current` with a plan applied, in (user, mechanism) order. */
export function applyScramChanges(current: readonly UserScramCredential[], plan: ScramChangePlan): UserScramCredential[] {
  const key = (c: { user: string; mechanism: string }) => `${c.user}\u0000${c.mechanism}`;
  const next = new Map(current.map((c) => [key(c), c]));
  for (const d of plan.deleted) next.delete(key(d));
  for (const u of plan.upserted) next.set(key(u), u);
  return [...next.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
