import type { ClientInfo } from '../net/server.js';
import { CLUSTER_PRINCIPAL, CLUSTER_USER } from '../security/cluster-principal.js';
import { SaslServerSession, type SaslMechanismName } from '../security/sasl-server.js';
import type { ScramCredential, ScramMechanism } from '../security/scram.js';
import { usesSasl, type SecurityProtocol } from '../security/security-protocol.js';
import type { MetadataCache } from './metadata-cache.js';

/** How a broker's Kafka listener is protected (`yak broker --security-protocol ...`). */
export interface BrokerSecurityConfig {
  protocol: SecurityProtocol;
  /** SASL mechanisms enabled (sasl.enabled.mechanisms); default all three. */
  saslMechanisms: readonly SaslMechanismName[];
  /** Principals allowed everything (super.users), `User:name`; the cluster's own principal always is. */
  superUsers: readonly string[];
  /** connections.max.reauth.ms (KIP-368): a SASL session's lifetime; 0: sessions never expire. */
  reauthMs: number;
  /** ssl.client.auth: `required` asks every client for a certificate the CA signed (its subject is the principal without SASL). */
  sslClientAuth: 'none' | 'required';
}

/**
 * The broker's side of authentication and, until ACLs exist, authorization: a SASL session per
 * connection, credentials from the metadata (and the cluster principal's, derived from the cluster
 * secret), and who may manage credentials. Kafka with no authorizer allows everything; so does YaK
 * on a listener that authenticates nobody. Once clients authenticate, changing or listing SCRAM
 * credentials (Kafka: ALTER / DESCRIBE on the cluster) is for super users only: otherwise any user
 * could reset the admin's password.
 */
export class BrokerSecurity {
  private readonly sessions = new WeakMap<ClientInfo, SaslServerSession>();
  private readonly superUsers: ReadonlySet<string>;

  constructor(
    readonly config: BrokerSecurityConfig,
    private readonly cache: MetadataCache,
    private readonly clusterCredential: ScramCredential | null,
  ) {
    this.superUsers = new Set([...config.superUsers, CLUSTER_PRINCIPAL]);
  }

  get saslEnabled(): boolean {
    return usesSasl(this.config.protocol);
  }

  /** The SASL session of a connection (created on its first handshake). */
  session(connection: ClientInfo): SaslServerSession {
    let s = this.sessions.get(connection);
    if (!s) {
      s = new SaslServerSession(this.config.saslMechanisms, (user, mechanism) => this.credential(user, mechanism));
      this.sessions.set(connection, s);
    }
    return s;
  }

  isSuperUser(principal: string): boolean {
    return this.superUsers.has(principal);
  }

  /** Whether `principal` may list or change SCRAM credentials (see the class comment). */
  mayManageCredentials(principal: string): boolean {
    return !this.saslEnabled || this.isSuperUser(principal);
  }

  private credential(user: string, mechanism: ScramMechanism): ScramCredential | null {
    if (user === CLUSTER_USER) return mechanism === this.clusterCredential?.mechanism ? this.clusterCredential : null;
    return this.cache.scramCredential(user, mechanism);
  }
}
