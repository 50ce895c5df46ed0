import { X509Certificate } from 'node:crypto';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { UserError } from '../common/errors.js';
import { saslServerMaxReceiveBytes } from '../common/limits.js';
import type { ConnectionSecurity } from '../net/connection.js';
import { subjectPrincipal, type AuthenticationPolicy, type ClientInfo, type ServerTls } from '../net/server.js';
import { ApiKey } from '../protocol/api.js';
import { InternalApi } from '../protocol/internal-api.js';
import { CLUSTER_PRINCIPAL, CLUSTER_USER, clusterSaslCredentials, clusterScramCredential } from '../security/cluster-principal.js';
import { SaslServerSession, type SaslMechanismName } from '../security/sasl-server.js';
import type { ScramCredential, ScramMechanism } from '../security/scram.js';
import { usesSasl, usesTls, type SecurityProtocol } from '../security/security-protocol.js';
import { CLUSTER_RESOURCE_NAME, ResourceType, type AclOperationCode, type ResourceTypeCode } from '../security/acl.js';
import { Authorizer, type AuthorizationSubject } from '../security/authorizer.js';
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
  /** allow.everyone.if.no.acl.found: a resource no ACL names is open to all (default false). */
  allowEveryoneIfNoAclFound: boolean;
}

const PLAINTEXT: BrokerSecurityConfig = { protocol: 'PLAINTEXT', saslMechanisms: [], superUsers: [], reauthMs: 0, sslClientAuth: 'none', allowEveryoneIfNoAclFound: false };

/**
 * What a SASL listener serves before authentication (net/server-connection.ts enforces it): Kafka's
 * list, and YaK's in-band cluster-secret exchange (cluster-members.ts), which is the login of the
 * transaction coordinator's marker connections: a proof of the secret authenticates a connection as
 * the cluster principal, as a SASL login with the secret-derived password would.
 */
const SASL_AUTHENTICATION_POLICY: AuthenticationPolicy = {
  allowedBeforeAuthentication: new Set([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, InternalApi.ClusterHandshake.apiKey, InternalApi.ClusterAuthenticate.apiKey]),
  maxFrameBytesBeforeAuthentication: saslServerMaxReceiveBytes,
};

/** A broker's security, ready for its listener, its outgoing connections and its request handlers. */
export interface PreparedBrokerSecurity {
  config: BrokerSecurityConfig;
  /** What the Kafka listener's FrameServer takes. */
  listener: { tls?: ServerTls; authentication?: AuthenticationPolicy };
  /** Followers' fetches from leaders: TLS (the broker's own certificate as client certificate) and the cluster principal's login. */
  fetcherSecurity: ConnectionSecurity;
  /** The coordinator link: TLS when the cluster has it (the coordinator's port does too). */
  coordinatorSecurity: ConnectionSecurity | undefined;
  /** The handlers' view, once the metadata cache exists. */
  forHandlers(cache: MetadataCache): BrokerSecurity;
}

/**
 * Turns `yak broker`'s security flags into what each part of the broker needs. With mutual TLS and
 * no SASL, followers are their certificate's subject, made a super user, as Kafka's docs have the
 * brokers in super.users.
 */
export async function prepareBrokerSecurity(
  given: BrokerSecurityConfig | undefined,
  tls: { cert: string; key: string; ca: string } | undefined,
  secret: ClusterSecret,
): Promise<PreparedBrokerSecurity> {
  const config = given ?? PLAINTEXT;
  if (usesTls(config.protocol) && !tls) throw new UserError(`a ${config.protocol} listener needs a certificate and key (--tls-cert, --tls-key, --tls-ca)`, 2);
  const own = usesTls(config.protocol) ? tls : undefined;
  const sasl = usesSasl(config.protocol);
  const mutualTls = own !== undefined && config.sslClientAuth === 'required';
  const clientTls = own ? { tls: { ca: own.ca, cert: own.cert, key: own.key } } : {};
  const clusterCredential = sasl ? await clusterScramCredential(secret) : null;
  const superUsers = mutualTls && !sasl ? [...config.superUsers, subjectPrincipal(new X509Certificate(own.cert).subject)] : config.superUsers;
  return {
    config,
    listener: {
      ...(own ? { tls: { cert: own.cert, key: own.key, ca: own.ca, requireClientCert: mutualTls } } : {}),
      ...(sasl ? { authentication: SASL_AUTHENTICATION_POLICY } : {}),
    },
    fetcherSecurity: { ...clientTls, ...(sasl ? { sasl: clusterSaslCredentials(secret) } : {}) },
    coordinatorSecurity: own ? clientTls : undefined,
    forHandlers: (cache) => new BrokerSecurity({ ...config, superUsers }, cache, clusterCredential),
  };
}

/**
 * The broker's side of authentication and authorization: a SASL session per connection, credentials
 * from the metadata (and the cluster principal's, derived from the cluster secret), and the
 * authorizer over the metadata's ACLs (security/authorizer.ts). Kafka with no authorizer allows
 * everything; so does YaK on a listener that authenticates nobody (PLAINTEXT, or TLS without client
 * certificates: every client would be User:ANONYMOUS). Once clients authenticate (SASL or mutual
 * TLS), every handler asks `authorize` for the operation Kafka checks.
 */
export class BrokerSecurity {
  private readonly sessions = new WeakMap<ClientInfo, SaslServerSession>();
  private readonly superUsers: ReadonlySet<string>;
  /** Null when the listener authenticates nobody: everything is allowed, the ACL APIs answer SECURITY_DISABLED. */
  readonly authorizer: Authorizer | null;

  constructor(
    readonly config: BrokerSecurityConfig,
    private readonly cache: MetadataCache,
    private readonly clusterCredential: ScramCredential | null,
  ) {
    this.superUsers = new Set([...config.superUsers, CLUSTER_PRINCIPAL]);
    const authenticates = usesSasl(config.protocol) || (usesTls(config.protocol) && config.sslClientAuth === 'required');
    this.authorizer = authenticates ? new Authorizer(() => cache.acls, this.superUsers, config.allowEveryoneIfNoAclFound) : null;
  }

  /** Whether the client may do `operation` on the resource (always, without an authorizer). */
  authorize(client: AuthorizationSubject, operation: AclOperationCode, resourceType: ResourceTypeCode, resourceName: string): boolean {
    return this.authorizer?.authorize(client, operation, resourceType, resourceName) ?? true;
  }

  /** On the cluster resource (kafka-cluster). */
  authorizeCluster(client: AuthorizationSubject, operation: AclOperationCode): boolean {
    return this.authorize(client, operation, ResourceType.CLUSTER, CLUSTER_RESOURCE_NAME);
  }

  /** On some resource of the type (Authorizer.authorizeAny). */
  authorizeAny(client: AuthorizationSubject, operation: AclOperationCode, resourceType: ResourceTypeCode): boolean {
    return this.authorizer?.authorizeAny(client, operation, resourceType) ?? true;
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

  private credential(user: string, mechanism: ScramMechanism): ScramCredential | null {
    if (user === CLUSTER_USER) return mechanism === this.clusterCredential?.mechanism ? this.clusterCredential : null;
    return this.cache.scramCredential(user, mechanism);
  }
}
