/**
 * The `__consumer_offsets` mirror: Kafka's partitionFor (Java's String.hashCode), and the records a
 * real GroupStore's changes become (commits, a settled group, deleted offsets and groups as tombstones).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GroupStore } from '../../src/coordinator/group-store.js';
import { MetadataStore } from '../../src/coordinator/metadata-store.js';
import { OffsetsTopicMirror, offsetsTopicPartitionFor, offsetsTopicSpec, type OffsetsTopicRecord } from '../../src/coordinator/offsets-topic.js';
import { compactionConfig } from '../../src/common/topic-configs.js';
import { decodeGroupMetadataValue, decodeOffsetCommitValue, decodeOffsetsTopicKey } from '../../src/protocol/offsets-topic-records.js';

test('partitionFor is abs(Java hashCode) % partitions, MIN_VALUE mapping to 0 as Utils.abs does', () => {
  // The hash codes below are what Java's String.hashCode() returns (checked with OpenJDK's java).
  assert.is(offsetsTopicPartitionFor('hello', 50), 99162322 % 50);
  assert.is(offsetsTopicPartitionFor('abc', 3), 96354 % 3);
  // "polygenelubricants".hashCode() == Integer.MIN_VALUE.
  assert.is(offsetsTopicPartitionFor('polygenelubricants', 7), 0);
  // Negative hashes (int32 wrap-around): "billing" is -109829509, "zzzzzzzzzz" -1580979136.
  assert.is(offsetsTopicPartitionFor('billing', 50), 109829509 % 50);
  assert.is(offsetsTopicPartitionFor('zzzzzzzzzz', 3), 1580979136 % 3);
});

test("the topic is created compacted, with Kafka's 100 MiB offsets.topic.segment.bytes, so the log cleaner keeps each key's latest record", () => {
  const spec = offsetsTopicSpec(3);
  assert.equal(spec.configs, { 'cleanup.policy': 'compact', 'segment.bytes': '104857600' });
  const c = compactionConfig(spec.configs!);
  assert.equal([c.compact, c.segmentBytes], [true, 104857600]);
});

test('every GroupStore change becomes records of the group partition, tombstones for deletions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-offsets-topic-test-'));
  const metadata = new MetadataStore(dir);
  const written: OffsetsTopicRecord[] = [];
  const store = new GroupStore(metadata.database, new OffsetsTopicMirror({ write: (r) => written.push(...r), close: async () => {} }, () => 1234));
  try {
    store.commitOffsets('g', 'consumer', [
      { topic: 't', partition: 0, committedOffset: 10, committedLeaderEpoch: 2, metadata: null, commitTimeMs: 99 },
      { topic: 't', partition: 1, committedOffset: 20, committedLeaderEpoch: -1, metadata: 'm', commitTimeMs: 99 },
    ]);
    const subscription = Buffer.from('sub');
    store.saveGroup({
      groupId: 'g', protocolType: 'consumer', generationId: 3, protocolName: 'range', leaderId: 'a',
      members: [{ memberId: 'a', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 9000, protocols: [{ name: 'other', metadata: Buffer.from('x') }, { name: 'range', metadata: subscription }], assignment: Buffer.from('asg') }],
    });
    store.deleteOffsets('g', [{ topic: 't', partition: 1 }]);
    store.deleteGroup('g');

    const home = offsetsTopicPartitionFor('g');
    assert.ok(written.every((r) => r.partition === home));
    const shown = written.map((r) => {
      const key = decodeOffsetsTopicKey(r.key);
      if (r.value === null) return `${key.kind === 'offset' ? `${key.topic}-${key.partition}` : 'group'} tombstone`;
      if (key.kind === 'offset') {
        const v = decodeOffsetCommitValue(r.value);
        return `${key.topic}-${key.partition} offset ${v.offset} epoch ${v.leaderEpoch} metadata "${v.metadata}" at ${v.commitTimestamp}`;
      }
      const v = decodeGroupMetadataValue(r.value);
      const m = v.members[0]!;
      return `group gen ${v.generation} ${v.protocol} leader ${v.leader} at ${v.currentStateTimestamp}: ${m.memberId} ${Buffer.from(m.subscription)} ${Buffer.from(m.assignment)} ${m.sessionTimeout}/${m.rebalanceTimeout}`;
    });
    assert.equal(shown, [
      't-0 offset 10 epoch 2 metadata "" at 99',
      't-1 offset 20 epoch -1 metadata "m" at 99',
      'group gen 3 range leader a at 1234: a sub asg 6000/9000',
      't-1 tombstone',
      't-0 tombstone',
      'group tombstone',
    ]);
  } finally {
    metadata.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('at start the mirror writes every stored group and its offsets again (records queued at a crash were lost)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-offsets-topic-test-'));
  const metadata = new MetadataStore(dir);
  try {
    const before = new GroupStore(metadata.database); // a coordinator.db written without the mirror
    before.commitOffsets('a', 'consumer', [{ topic: 't', partition: 2, committedOffset: 7, committedLeaderEpoch: 0, metadata: null, commitTimeMs: 5 }]);
    before.saveGroup({ groupId: 'b', protocolType: 'consumer', generationId: 4, protocolName: null, leaderId: null, members: [] });
    const written: OffsetsTopicRecord[] = [];
    const mirror = new OffsetsTopicMirror({ write: (r) => written.push(...r), close: async () => {} }, () => 1);
    mirror.catchUp(new GroupStore(metadata.database, mirror));
    const shown = written.map((r) => {
      const key = decodeOffsetsTopicKey(r.key);
      return key.kind === 'offset' ? `${key.group} ${key.topic}-${key.partition} ${decodeOffsetCommitValue(r.value!).offset} @${r.partition}` : `${key.group} gen ${decodeGroupMetadataValue(r.value!).generation} @${r.partition}`;
    });
    assert.equal(shown, [`a gen 0 @${offsetsTopicPartitionFor('a')}`, `a t-2 7 @${offsetsTopicPartitionFor('a')}`, `b gen 4 @${offsetsTopicPartitionFor('b')}`]);
  } finally {
    metadata.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
