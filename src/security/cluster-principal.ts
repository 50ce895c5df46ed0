import type { ClusterSecret } from '../common/cluster-secret.js';
import type { SaslCredentials } from './sasl-server.js';
import { credentialFromSaltedPassword, saltedPassword, type ScramCredential } from './scram.js';
import { scramMinIterations } from '../common/limits.js';

/**
 * The cluster's own principal on SASL listeners: followers fetching from leaders and the coordinator's
 * `__consumer_offsets` writer log in as `CLUSTER_USER` over SCRAM-SHA-512 with a password derived from
 * the cluster secret, which every member holds; each broker derives the matching credential itself.
 * So replication needs no stored user and keeps working while the coordinator is down, and the
 * password is never written anywhere. The name is reserved: `yak user create` and
 * AlterUserScramCredentials refuse it.
 */
export const CLUSTER_USER = '__yak_cluster';
export const CLUSTER_PRINCIPAL = `User:${CLUSTER_USER}`;

export function clusterSaslCredentials(secret: ClusterSecret): SaslCredentials {
  return { mechanism: 'SCRAM-SHA-512', username: CLUSTER_USER, password: secret.derive('sasl password').toString('base64') };
}

/** The stored-form credential a broker checks CLUSTER_USER against. */
export async function clusterScramCredential(secret: ClusterSecret): Promise<ScramCredential> {
  const salt = secret.derive('sasl salt');
  const { password } = clusterSaslCredentials(secret);
  return credentialFromSaltedPassword('SCRAM-SHA-512', await saltedPassword('SCRAM-SHA-512', password, salt, scramMinIterations), salt, scramMinIterations);
}
