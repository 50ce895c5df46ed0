/**
 * `__consumer_offsets` keys and values byte for byte, against bytes laid out by hand from Kafka's
 * OffsetCommitKey/Value.json and GroupMetadataKey/Value.json (int16 version, then the fields in
 * order: STRING = int16 length + UTF-8, BYTES = int32 length, nullable STRING -1 for null).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsTopicKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../src/protocol/offsets-topic-records.js';

const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigInt64BE(BigInt(n)); return b; };
const str = (s: string | null) => (s === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]));
const bytes = (b: Buffer) => Buffer.concat([int32(b.length), b]);

test('OffsetCommitKey v1: version, group, topic, partition', () => {
  const expected = Buffer.concat([int16(1), str('billing'), str('orders'), int32(5)]);
  const encoded = encodeOffsetCommitKey({ group: 'billing', topic: 'orders', partition: 5 });
  assert.equal(encoded.toString('hex'), expected.toString('hex'));
  assert.equal(decodeOffsetsTopicKey(encoded), { kind: 'offset', group: 'billing', topic: 'orders', partition: 5 });
});

test('OffsetCommitKey v0 (older Kafka) decodes the same', () => {
  const v0 = Buffer.concat([int16(0), str('g'), str('t'), int32(0)]);
  assert.equal(decodeOffsetsTopicKey(v0), { kind: 'offset', group: 'g', topic: 't', partition: 0 });
});

test('OffsetCommitValue v3: version, offset, leader epoch, metadata, commit timestamp', () => {
  const expected = Buffer.concat([int16(3), int64(1234567890123), int32(7), str('meta'), int64(1_700_000_000_000)]);
  const encoded = encodeOffsetCommitValue({ offset: 1234567890123, leaderEpoch: 7, metadata: 'meta', commitTimestamp: 1_700_000_000_000 });
  assert.equal(encoded.toString('hex'), expected.toString('hex'));
  const decoded = decodeOffsetCommitValue(encoded);
  assert.equal([decoded.offset, decoded.leaderEpoch, decoded.metadata, decoded.commitTimestamp], [1234567890123, 7, 'meta', 1_700_000_000_000]);
});

test('OffsetCommitValue v1 (with expire timestamp, no leader epoch) decodes', () => {
  const v1 = Buffer.concat([int16(1), int64(42), str(''), int64(1000), int64(2000)]);
  const decoded = decodeOffsetCommitValue(v1);
  assert.equal([decoded.offset, decoded.leaderEpoch, decoded.commitTimestamp, decoded.expireTimestamp], [42, -1, 1000, 2000]);
});

test('GroupMetadataKey v2: version, group', () => {
  const encoded = encodeGroupMetadataKey({ group: 'billing' });
  assert.equal(encoded.toString('hex'), Buffer.concat([int16(2), str('billing')]).toString('hex'));
  assert.equal(decodeOffsetsTopicKey(encoded), { kind: 'group', group: 'billing' });
});

test('GroupMetadataValue v3: group fields, then each member with instance id, timeouts, subscription, assignment', () => {
  const sub = Buffer.from([0, 1, 0, 0, 0, 1, 0, 1, 0x74]);
  const asg = Buffer.from([0, 1, 2, 3]);
  const expected = Buffer.concat([
    int16(3), str('consumer'), int32(4), str('range'), str('m-1'), int64(1_700_000_000_000), int32(2),
    str('m-1'), str(null), str('client-a'), str('/127.0.0.1'), int32(60_000), int32(10_000), bytes(sub), bytes(asg),
    str('m-2'), str('static-2'), str('client-b'), str('/127.0.0.2'), int32(30_000), int32(6000), bytes(Buffer.alloc(0)), bytes(Buffer.alloc(0)),
  ]);
  const value = {
    protocolType: 'consumer',
    generation: 4,
    protocol: 'range',
    leader: 'm-1',
    currentStateTimestamp: 1_700_000_000_000,
    members: [
      { memberId: 'm-1', groupInstanceId: null, clientId: 'client-a', clientHost: '/127.0.0.1', rebalanceTimeout: 60_000, sessionTimeout: 10_000, subscription: sub, assignment: asg },
      { memberId: 'm-2', groupInstanceId: 'static-2', clientId: 'client-b', clientHost: '/127.0.0.2', rebalanceTimeout: 30_000, sessionTimeout: 6000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
    ],
  };
  const encoded = encodeGroupMetadataValue(value);
  assert.equal(encoded.toString('hex'), expected.toString('hex'));
  const decoded = decodeGroupMetadataValue(encoded);
  assert.equal(decoded.members.map((m) => [m.memberId, m.groupInstanceId, m.sessionTimeout, Buffer.from(m.subscription).toString('hex')]), [
    ['m-1', null, 10_000, sub.toString('hex')],
    ['m-2', 'static-2', 6000, ''],
  ]);
});

test('GroupMetadataValue of an Empty group: null protocol and leader, no members', () => {
  const expected = Buffer.concat([int16(3), str('consumer'), int32(5), str(null), str(null), int64(99), int32(0)]);
  const encoded = encodeGroupMetadataValue({ protocolType: 'consumer', generation: 5, protocol: null, leader: null, currentStateTimestamp: 99, members: [] });
  assert.equal(encoded.toString('hex'), expected.toString('hex'));
});

test('an unknown key version is refused, not misread', () => {
  assert.throws(() => decodeOffsetsTopicKey(Buffer.concat([int16(9), str('x')])), /key version 9/);
});

test.run();
