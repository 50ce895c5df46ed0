import { ErrorCode, type KafkaError } from '../../common/errors.js';
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from '../../protocol/apis/alter-user-scram-credentials.js';
import type { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from '../../protocol/apis/describe-user-scram-credentials.js';
import { InternalApi, type AlterScramCredentialsRequest } from '../../protocol/internal-api.js';
import { CLUSTER_USER } from '../../security/cluster-principal.js';
import { credentialFromSaltedPassword, SCRAM_MECHANISM_IDS, scramMechanismById } from '../../security/scram.js';
import { AclOperation } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

const METADATA_WAIT_MS = 2000;

/**
 * DescribeUserScramCredentials (KIP-554): mechanisms and iterations per user, from this broker's
 * metadata; never salts or keys. Unknown users are RESOURCE_NOT_FOUND, a user asked twice
 * DUPLICATE_RESOURCE, as Kafka answers. Needs DESCRIBE on the cluster, as in Kafka.
 */
export function handleDescribeUserScramCredentials(ctx: BrokerContext, req: DescribeUserScramCredentialsRequest, _v: number, client: RequestClient): DescribeUserScramCredentialsResponse {
  if (!ctx.security.authorizeCluster(client, AclOperation.DESCRIBE)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: `${client.principal} may not describe user credentials (DESCRIBE on the cluster)`, results: [] };
  }
  const all = ctx.cache.scramCredentials;
  const names = req.users === null || req.users.length === 0 ? [...new Set(all.map((c) => c.user))] : req.users.map((u) => u.name);
  const results = names.map((user, i) => {
    const credentialInfos = all.filter((c) => c.user === user).map((c) => ({ mechanism: SCRAM_MECHANISM_IDS[c.mechanism], iterations: c.iterations }));
    if (names.indexOf(user) !== i || names.lastIndexOf(user) !== i) return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: [] };
    if (credentialInfos.length === 0) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist', credentialInfos: [] };
    return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos };
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
}

/**
 * AlterUserScramCredentials (KIP-554): each upsertion's salted password becomes StoredKey and
 * ServerKey here, so the coordinator stores only those; it checks the rest (scram-credentials.ts),
 * and this broker answers once its metadata has the change (its next authentication uses it). Needs
 * ALTER on the cluster.
 */
export async function handleAlterUserScramCredentials(ctx: BrokerContext, req: AlterUserScramCredentialsRequest, _v: number, client: RequestClient): Promise<AlterUserScramCredentialsResponse> {
  const users = [...new Set([...req.deletions.map((d) => d.name), ...req.upsertions.map((u) => u.name)])];
  const refuseAll = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode, errorMessage })) });
  if (!ctx.security.authorizeCluster(client, AclOperation.ALTER)) return refuseAll(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${client.principal} may not alter user credentials (ALTER on the cluster)`);
  const mechanism = (id: number) => scramMechanismById(id) ?? `unknown mechanism ${id}`;
  const internal: AlterScramCredentialsRequest = {
    deletions: req.deletions.map((d) => ({ user: d.name, mechanism: mechanism(d.mechanism) })),
    upsertions: [],
  };
  const early = new Map<string, { errorCode: number; errorMessage: string }>();
  for (const u of req.upsertions) {
    const m = scramMechanismById(u.mechanism);
    if (u.name === CLUSTER_USER) early.set(u.name, { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: `${CLUSTER_USER} is the cluster's own principal: its credential comes from the cluster secret` });
    else if (!m) early.set(u.name, { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: `Unknown SCRAM mechanism ${u.mechanism}` });
    else internal.upsertions.push({ user: u.name, ...credentialFromSaltedPassword(m, u.saltedPassword, u.salt, u.iterations) });
  }
  internal.deletions = internal.deletions.filter((d) => !early.has(d.user));
  internal.upsertions = internal.upsertions.filter((u) => !early.has(u.user));
  let res;
  try {
    res = await ctx.coordinator.call(InternalApi.AlterScramCredentials, internal);
  } catch (err) {
    return refuseAll((err as KafkaError).code === ErrorCode.REQUEST_TIMED_OUT ? ErrorCode.REQUEST_TIMED_OUT : ErrorCode.NOT_CONTROLLER, `coordinator unavailable: ${(err as Error).message}`);
  }
  await ctx.cache.waitForVersion(res.metadataVersion, METADATA_WAIT_MS);
  const byUser = new Map(res.results.map((r) => [r.user, r]));
  return {
    throttleTimeMs: 0,
    results: users.map((user) => {
      const r = early.get(user) ?? byUser.get(user);
      return { user, errorCode: r?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: r?.errorMessage ?? null };
    }),
  };
}
