/**
 * The records of `__consumer_offsets`, in Kafka's own key/value formats, so that tools reading the
 * topic (Burrow, kafka-console-consumer's OffsetsMessageFormatter) see YaK's groups and commits.
 * Described from apache/kafka `group-coordinator/src/main/resources/common/message/`
 * {OffsetCommitKey,OffsetCommitValue,GroupMetadataKey,GroupMetadataValue}.json.
 *
 * Every key and value starts with an int16 version, then the struct of that version. The key's
 * version says what the record is: 0 or 1 a committed offset, 2 a group's metadata. A null value is a
 * tombstone (the offset or group was deleted). YaK writes the versions every Kafka-reading tool
 * understands: OffsetCommitValue v3 and GroupMetadataValue v3, the newest non-flexible ones
 * (v4 of both is flexible, KIP-915, and older readers such as Burrow refuse it).
 */
import { ProtocolError } from '../common/errors.js';
import { Reader } from './reader.js';
import { MessageSchema } from './schema.js';
import { Writer } from './writer.js';

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}
export interface OffsetCommitValue {
  offset: number;
  /** -1: unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** v1 only. */
  expireTimestamp?: number;
}
export interface GroupMetadataKey {
  group: string;
}
export interface GroupMemberMetadata {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeout: number;
  sessionTimeout: number;
  /** The member's metadata of the group's protocol (for consumers, its ConsumerProtocolSubscription). */
  subscription: Buffer;
  assignment: Buffer;
}
export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: GroupMemberMetadata[];
}

const offsetCommitKey = new MessageSchema<OffsetCommitKey>(
  'OffsetCommitKey',
  [
    { name: 'group', type: 'string', versions: '0-1' },
    { name: 'topic', type: 'string', versions: '0-1' },
    { name: 'partition', type: 'int32', versions: '0-1' },
  ],
  '0-1',
  'none',
);
const offsetCommitValue = new MessageSchema<OffsetCommitValue>(
  'OffsetCommitValue',
  [
    { name: 'offset', type: 'int64', versions: '0+' },
    { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1 },
    { name: 'metadata', type: 'string', versions: '0+' },
    { name: 'commitTimestamp', type: 'int64', versions: '0+' },
    { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1 },
  ],
  '0-4',
  '4+',
);
const groupMetadataKey = new MessageSchema<GroupMetadataKey>('GroupMetadataKey', [{ name: 'group', type: 'string', versions: '2' }], '2', 'none');
const groupMetadataValue = new MessageSchema<GroupMetadataValue>(
  'GroupMetadataValue',
  [
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'generation', type: 'int32', versions: '0+' },
    { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1 },
    {
      name: 'members',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'clientId', type: 'string', versions: '0+' },
        { name: 'clientHost', type: 'string', versions: '0+' },
        { name: 'rebalanceTimeout', type: 'int32', versions: '1+', default: -1 },
        { name: 'sessionTimeout', type: 'int32', versions: '0+' },
        { name: 'subscription', type: 'bytes', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ],
    },
  ],
  '0-4',
  '4+',
);

/** The versions YaK writes (see the top of this file). */
const OFFSET_COMMIT_KEY_VERSION = 1;
const OFFSET_COMMIT_VALUE_VERSION = 3;
const GROUP_METADATA_KEY_VERSION = 2;
const GROUP_METADATA_VALUE_VERSION = 3;

function versioned<T>(schema: MessageSchema<T>, version: number, value: T): Buffer {
  const w = new Writer();
  w.int16(version);
  schema.encode(w, value, version);
  return Buffer.from(w.toBuffer());
}

export const encodeOffsetCommitKey = (k: OffsetCommitKey): Buffer => versioned(offsetCommitKey, OFFSET_COMMIT_KEY_VERSION, k);
export const encodeOffsetCommitValue = (v: OffsetCommitValue): Buffer => versioned(offsetCommitValue, OFFSET_COMMIT_VALUE_VERSION, v);
export const encodeGroupMetadataKey = (k: GroupMetadataKey): Buffer => versioned(groupMetadataKey, GROUP_METADATA_KEY_VERSION, k);
export const encodeGroupMetadataValue = (v: GroupMetadataValue): Buffer => versioned(groupMetadataValue, GROUP_METADATA_VALUE_VERSION, v);

export type OffsetsTopicKey = ({ kind: 'offset' } & OffsetCommitKey) | ({ kind: 'group' } & GroupMetadataKey);

/** A key of any version Kafka has written (0-1 offsets, 2 group metadata). */
export function decodeOffsetsTopicKey(bytes: Buffer): OffsetsTopicKey {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version === 0 || version === 1) return { kind: 'offset', ...offsetCommitKey.decode(r, version) };
  if (version === 2) return { kind: 'group', ...groupMetadataKey.decode(r, version) };
  throw new ProtocolError(`__consumer_offsets key version ${version} is unknown`);
}

export function decodeOffsetCommitValue(bytes: Buffer): OffsetCommitValue {
  const r = new Reader(bytes);
  return offsetCommitValue.decode(r, r.int16());
}

export function decodeGroupMetadataValue(bytes: Buffer): GroupMetadataValue {
  const r = new Reader(bytes);
  return groupMetadataValue.decode(r, r.int16());
}
