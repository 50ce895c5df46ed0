/**
 * Metadata (key 3), versions 0-4.
 *
 * Metadata Request => [topics] allow_auto_topic_creation
 *   topics => name                                  (nullable v1+: null = all topics)
 *     name => STRING
 *   allow_auto_topic_creation => BOOLEAN            (v4+)
 *
 * Metadata Response => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   throttle_time_ms => INT32                       (v3+)
 *   brokers => node_id host port rack
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *     rack => NULLABLE_STRING                       (v1+)
 *   cluster_id => NULLABLE_STRING                   (v2+)
 *   controller_id => INT32                          (v1+)
 *   topics => error_code name is_internal [partitions]
 *     error_code => INT16
 *     name => STRING
 *     is_internal => BOOLEAN                        (v1+)
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *       error_code => INT16
 *       partition_index => INT32
 *       leader_id => INT32
 *       replica_nodes => INT32
 *       isr_nodes => INT32
 */
import { ApiKey, type ApiCodec } from '../api.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

export interface MetadataRequest {
  /**
   * null = all topics. v0 cannot send null: it means all topics with an empty array, so v0 encodes
   * null as [] and decodes [] as null.
   */
  topics: { name: string }[] | null;
  /** v4+; default true, as in Kafka. */
  allowAutoTopicCreation?: boolean;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; default null. */
  rack?: string | null;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  /** v1+; default false. */
  isInternal?: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  /** v3+; default 0. */
  throttleTimeMs?: number;
  brokers: MetadataBroker[];
  /** v2+; default null. */
  clusterId?: string | null;
  /** v1+; default -1. */
  controllerId?: number;
  topics: MetadataTopic[];
}

function writePartition(w: Writer, p: MetadataPartition): void {
  w.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
  w.array(p.replicaNodes, (w, n) => w.int32(n));
  w.array(p.isrNodes, (w, n) => w.int32(n));
}

function readPartition(r: Reader): MetadataPartition {
  return {
    errorCode: r.int16(),
    partitionIndex: r.int32(),
    leaderId: r.int32(),
    replicaNodes: r.array((r) => r.int32()),
    isrNodes: r.array((r) => r.int32()),
  };
}

export const MetadataApi: ApiCodec<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  maxVersion: 4,

  encodeRequest(w: Writer, req: MetadataRequest, version: number): void {
    const topics = version === 0 ? (req.topics ?? []) : req.topics;
    w.nullableArray(topics, (w, t) => w.string(t.name));
    if (version >= 4) w.boolean(req.allowAutoTopicCreation ?? true);
  },

  decodeRequest(r: Reader, version: number): MetadataRequest {
    let topics = r.nullableArray((r) => ({ name: r.string() }));
    if (version === 0 && topics?.length === 0) topics = null;
    const allowAutoTopicCreation = version >= 4 ? r.boolean() : true;
    return { topics, allowAutoTopicCreation };
  },

  encodeResponse(w: Writer, res: MetadataResponse, version: number): void {
    if (version >= 3) w.int32(res.throttleTimeMs ?? 0);
    w.array(res.brokers, (w, b) => {
      w.int32(b.nodeId).string(b.host).int32(b.port);
      if (version >= 1) w.nullableString(b.rack ?? null);
    });
    if (version >= 2) w.nullableString(res.clusterId ?? null);
    if (version >= 1) w.int32(res.controllerId ?? -1);
    w.array(res.topics, (w, t) => {
      w.int16(t.errorCode).string(t.name);
      if (version >= 1) w.boolean(t.isInternal ?? false);
      w.array(t.partitions, writePartition);
    });
  },

  decodeResponse(r: Reader, version: number): MetadataResponse {
    const throttleTimeMs = version >= 3 ? r.int32() : 0;
    const brokers = r.array((r) => ({
      nodeId: r.int32(),
      host: r.string(),
      port: r.int32(),
      rack: version >= 1 ? r.nullableString() : null,
    }));
    const clusterId = version >= 2 ? r.nullableString() : null;
    const controllerId = version >= 1 ? r.int32() : -1;
    const topics = r.array((r) => ({
      errorCode: r.int16(),
      name: r.string(),
      isInternal: version >= 1 ? r.boolean() : false,
      partitions: r.array(readPartition),
    }));
    return { throttleTimeMs, brokers, clusterId, controllerId, topics };
  },
};
