/**
 * The "consumer" protocol type's bytes inside JoinGroup metadata and SyncGroup assignments (Kafka's
 * ConsumerProtocol). The broker never reads them; members (and `yak group describe`) do.
 *
 * Subscription => version [topics] user_data        (v1+ append owned partitions, v2+ generation, v3+ rack)
 *   version => INT16
 *   topics => STRING
 *   user_data => NULLABLE_BYTES
 *
 * Assignment => version [assigned_partitions] user_data
 *   version => INT16
 *   assigned_partitions => topic [partitions]
 *     topic => STRING
 *     partitions => INT32
 *   user_data => NULLABLE_BYTES
 *
 * YaK writes version 0. Decoding reads the version 0 fields of any version and ignores what newer
 * versions append, as Kafka does, so kafkajs's and librdkafka's members can be described too.
 */
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface Subscription {
  topics: string[];
  userData: Buffer | null;
}

/** Partitions per topic. */
export type TopicPartitions = Map<string, number[]>;

export function encodeSubscription(s: Subscription): Buffer {
  return new Writer(64)
    .int16(0)
    .array(s.topics, (w, t) => w.string(t))
    .bytes(s.userData)
    .toBuffer();
}

export function decodeSubscription(buf: Buffer): Subscription {
  const r = new Reader(buf);
  r.int16();
  const topics = r.array((r) => r.string());
  const userData = r.remaining > 0 ? r.bytes() : null;
  return { topics, userData };
}

export function encodeAssignment(assigned: TopicPartitions): Buffer {
  return new Writer(64)
    .int16(0)
    .array([...assigned.entries()], (w, [topic, partitions]) => w.string(topic).array(partitions, (w, p) => w.int32(p)))
    .bytes(null)
    .toBuffer();
}

/** An empty buffer (a member the leader gave nothing) is an empty assignment. */
export function decodeAssignment(buf: Buffer): TopicPartitions {
  if (buf.length === 0) return new Map();
  const r = new Reader(buf);
  r.int16();
  return new Map(r.array((r) => [r.string(), r.array((r) => r.int32())] as const));
}
