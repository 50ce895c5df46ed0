import { ErrorCode, KafkaError } from './errors.js';

/** Kafka's rules (`Topic.validate`): 1-249 chars of [a-zA-Z0-9._-], not "." or "..". */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Returns why a topic name is invalid, or null if it is fine. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL.test(name)) return `topic name "${name}" has characters other than ASCII letters, digits, '.', '_' and '-'`;
  return null;
}

export function assertValidTopicName(name: string): void {
  const problem = topicNameProblem(name);
  if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
}

/** Kafka's internal topics (`Topic.isInternal`): marked is_internal in Metadata. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
const INTERNAL_TOPICS: ReadonlySet<string> = new Set([CONSUMER_OFFSETS_TOPIC, '__transaction_state']);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/**
 * The client id allowed to Produce to an internal topic (Kafka's `AdminUtils.AdminClientId`): the
 * coordinator's writer of `__consumer_offsets` uses it; any other producer gets
 * INVALID_TOPIC_EXCEPTION, as from Kafka. Like Kafka's, a guard against mistakes, not an access
 * control (YaK has no ACLs): nothing reads the topic back, coordinator.db stays the groups' truth.
 */
export const INTERNAL_WRITER_CLIENT_ID = '__admin_client';
