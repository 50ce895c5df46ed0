import type { ClusterMetadata } from '../common/cluster-types.js';
import { ProtocolError } from '../common/errors.js';
import type { ApiCodec } from './api.js';

/**
 * YaK's control plane between brokers, supervisor, CLI and the coordinator: same framing as Kafka,
 * its own API keys (1000+, far from Kafka's), JSON bodies. These messages are rare and small, never
 * on the record path, so readability wins over compactness here.
 */
function jsonApi<Req, Res>(apiKey: number, name: string): ApiCodec<Req, Res> {
  const encode = (w: { raw(b: Buffer): unknown }, v: unknown) => w.raw(Buffer.from(JSON.stringify(v)));
  const decode = (r: { remaining: number; raw(n: number): Buffer }) => {
    try {
      return JSON.parse(r.raw(r.remaining).toString('utf8'));
    } catch {
      throw new ProtocolError(`${name}: body is not JSON`);
    }
  };
  return { apiKey, name, maxVersion: 0, encodeRequest: encode, decodeRequest: decode, encodeResponse: encode, decodeResponse: decode };
}

/** Every control response carries a Kafka error code (0 = none) and, on error, a message. */
export interface ControlResult {
  errorCode: number;
  errorMessage?: string;
}

export interface RegisterBrokerRequest {
  brokerId: number;
  host: string;
  port: number;
  pid: number;
}
/** `leader_info`: the session the broker must heartbeat with, and the metadata it must serve. */
export interface LeaderInfo extends ControlResult {
  brokerEpoch: number;
  heartbeatIntervalMs: number;
  /** A broker that has not heard back from a heartbeat for this long must stop acting as leader. */
  sessionTimeoutMs: number;
  metadata: ClusterMetadata;
}

export interface HeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
}
export interface HeartbeatResponse extends ControlResult {
  metadataVersion: number;
}

export interface WatchMetadataRequest {
  /** Answer as soon as the metadata version is above this, or after maxWaitMs with the current one. */
  sinceVersion: number;
  maxWaitMs: number;
}

export interface CreateTopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
}
export interface CreateTopicsRequest {
  topics: CreateTopicSpec[];
  validateOnly?: boolean;
}
export interface TopicResult extends ControlResult {
  name: string;
}
export interface TopicsResponse {
  topics: TopicResult[];
  /** The metadata version that includes the change: brokers wait for it before answering. */
  metadataVersion: number;
}

export interface DeleteTopicsRequest {
  names: string[];
}

export interface RegisterClientRequest {
  clientId: string;
  topics?: string[];
}
export interface ClientMetadataResponse extends ControlResult {
  metadata: ClusterMetadata;
}

export interface AlterIsrRequest {
  brokerId: number;
  brokerEpoch: number;
  topic: string;
  partition: number;
  leaderEpoch: number;
  isr: number[];
}
export interface AlterIsrResponse extends ControlResult {
  metadataVersion?: number;
}

export interface BrokerExitedRequest {
  brokerId: number;
  pid: number;
}

export type ControlAction = 'kill' | 'pause' | 'resume' | 'restart';
export interface ControlRequest {
  action: ControlAction;
  /** `broker-N` or `zookeeper`. */
  target: string;
}
export interface ControlResponse {
  message: string;
  failed?: boolean;
}

export const InternalApi = {
  RegisterBroker: jsonApi<RegisterBrokerRequest, LeaderInfo>(1000, 'RegisterBroker'),
  Heartbeat: jsonApi<HeartbeatRequest, HeartbeatResponse>(1001, 'Heartbeat'),
  WatchMetadata: jsonApi<WatchMetadataRequest, ClusterMetadata>(1002, 'WatchMetadata'),
  CreateTopics: jsonApi<CreateTopicsRequest, TopicsResponse>(1003, 'CreateTopics'),
  DeleteTopics: jsonApi<DeleteTopicsRequest, TopicsResponse>(1004, 'DeleteTopics'),
  RegisterProducer: jsonApi<RegisterClientRequest, ClientMetadataResponse>(1005, 'RegisterProducer'),
  RegisterConsumer: jsonApi<RegisterClientRequest, ClientMetadataResponse>(1006, 'RegisterConsumer'),
  BrokerExited: jsonApi<BrokerExitedRequest, ControlResult>(1007, 'BrokerExited'),
  AlterIsr: jsonApi<AlterIsrRequest, AlterIsrResponse>(1008, 'AlterIsr'),
  AllocateProducerIds: jsonApi<{ count: number }, ControlResult & { firstId: number; count: number }>(1009, 'AllocateProducerIds'),
  /** Served by the supervisor, not the coordinator. */
  Control: jsonApi<ControlRequest, ControlResponse>(1100, 'Control'),
} as const;
