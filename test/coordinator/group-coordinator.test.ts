/**
 * The GroupCoordinator state machine over a real GroupStore (coordinator.db in a temp dir), with
 * short session and rebalance timeouts: the MEMBER_ID_REQUIRED dance, generations, leader-only
 * member metadata, SyncGroup waiting for the leader, rebalances on join, leave and session expiry,
 * Kafka's OffsetCommit rules and error codes, durable offsets, DeleteGroups.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { GroupCoordinator } from '../../src/coordinator/group-coordinator.js';
import { GroupStore } from '../../src/coordinator/group-store.js';
import { MetadataStore } from '../../src/coordinator/metadata-store.js';
import { encodeSubscription } from '../../src/protocol/consumer-protocol.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../src/protocol/apis/join-group.js';
import type { GroupCall } from '../../src/protocol/internal-api.js';

let dir = '';
let store: MetadataStore;
let groups: GroupCoordinator;

const TOPIC_PARTITIONS = 4;
const open = (initialRebalanceDelayMs = 0) =>
  new GroupCoordinator(new GroupStore(store.database), { partitionExists: (t, p) => t === 't' && p >= 0 && p < TOPIC_PARTITIONS, minSessionTimeoutMs: 50, initialRebalanceDelayMs });

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-groups-test-'));
  store = new MetadataStore(dir);
  groups = open();
});

test.after.each(() => {
  groups.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = <Req>(request: Req, apiVersion = 5): GroupCall<Req> => ({ apiVersion, clientId: 'test-client', clientHost: '/127.0.0.1', request });

function joinRequest(memberId: string, over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from(`meta-of-${memberId || 'new'}`) }],
    ...over,
  };
}

/** JoinGroup v5 as a client does it: empty member id, MEMBER_ID_REQUIRED, join again with the given id. */
async function joinNew(over: Partial<JoinGroupRequest> = {}): Promise<{ memberId: string; answer: Promise<JoinGroupResponse> }> {
  const first = await groups.join(call(joinRequest('', over)));
  assert.is(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.ok(first.memberId.startsWith('test-client-'), 'member id starts with the client id');
  return { memberId: first.memberId, answer: groups.join(call(joinRequest(first.memberId, over))) };
}

const heartbeat = (memberId: string, generationId: number) => groups.heartbeat(call({ groupId: 'g', generationId, memberId })).errorCode;
const sync = (memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = []) =>
  groups.sync(call({ groupId: 'g', generationId, memberId, assignments }));
/** LeaveGroup v0-2 (one member id): that member's error. */
const leave = (memberId: string) => groups.leave(call({ groupId: 'g', memberId }, 2)).members![0]!.errorCode;
const state = () => groups.describeGroups(call({ groups: ['g'] })).groups[0]!;
const commit = (memberId: string, generationId: number, partition = 0, offset = 10, topic = 't') =>
  groups.offsets.commit(call({ groupId: 'g', generationId, memberId, topics: [{ name: topic, partitions: [{ partitionIndex: partition, committedOffset: offset, committedMetadata: '' }] }] })).topics[0]!.partitions[0]!.errorCode;

/** Two members, both past SyncGroup in generation `gen`, a the leader. */
async function stableGroupOfTwo(rebalanceTimeoutMs = 10_000, sessionTimeoutMs = 10_000) {
  const a = await joinNew({ rebalanceTimeoutMs, sessionTimeoutMs });
  const first = await a.answer;
  assert.is(first.generationId, 1);
  await sync(a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('all') }]);
  const b = await joinNew({ rebalanceTimeoutMs, sessionTimeoutMs });
  assert.is(heartbeat(a.memberId, 1), ErrorCode.REBALANCE_IN_PROGRESS, 'a new member makes the others rejoin');
  const [ja, jb] = await Promise.all([groups.join(call(joinRequest(a.memberId, { rebalanceTimeoutMs, sessionTimeoutMs }))), b.answer]);
  const followerSync = sync(b.memberId, ja.generationId);
  const leaderSync = await sync(a.memberId, ja.generationId, [
    { memberId: a.memberId, assignment: Buffer.from('half-a') },
    { memberId: b.memberId, assignment: Buffer.from('half-b') },
  ]);
  return { a: a.memberId, b: b.memberId, ja, jb, gen: ja.generationId, leaderSync, followerSync: await followerSync };
}

test('first member: MEMBER_ID_REQUIRED, then leader of generation 1 with its own metadata; Stable after SyncGroup', async () => {
  const a = await joinNew();
  const res = await a.answer;
  assert.equal([res.errorCode, res.generationId, res.protocolName, res.leader, res.memberId], [0, 1, 'range', a.memberId, a.memberId]);
  assert.equal(res.members.map((m) => [m.memberId, m.metadata.toString()]), [[a.memberId, `meta-of-${a.memberId}`]]);
  assert.is(state().groupState, 'CompletingRebalance');
  assert.is(heartbeat(a.memberId, 1), ErrorCode.NONE);
  const s = await sync(a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('p0') }]);
  assert.equal([s.errorCode, s.assignment.toString()], [0, 'p0']);
  assert.equal([state().groupState, state().members[0]!.clientId, state().members[0]!.clientHost], ['Stable', 'test-client', '/127.0.0.1']);
});

test('JoinGroup v3 and older get a member id at once (no MEMBER_ID_REQUIRED)', async () => {
  const res = await groups.join(call(joinRequest(''), 3));
  assert.equal([res.errorCode, res.generationId], [0, 1]);
  assert.ok(res.memberId.length > 0);
});

test('second member: both rejoin into generation 2, only the leader gets the members, followers wait for its SyncGroup', async () => {
  const g = await stableGroupOfTwo();
  assert.is(g.gen, 2);
  assert.equal([g.ja.leader, g.jb.leader, g.jb.generationId], [g.a, g.a, 2]);
  assert.equal(g.ja.members.map((m) => m.memberId).sort(), [g.a, g.b].sort(), 'the leader sees every member');
  assert.equal(g.jb.members, [], 'a follower sees none');
  assert.equal([g.leaderSync.assignment.toString(), g.followerSync.assignment.toString()], ['half-a', 'half-b']);
  assert.is(state().groupState, 'Stable');
  assert.is(heartbeat(g.b, 1), ErrorCode.ILLEGAL_GENERATION, 'an old generation is refused');
});

test('LeaveGroup: the others rebalance; the last one leaving empties the group', async () => {
  const g = await stableGroupOfTwo();
  assert.is(leave(g.b), ErrorCode.NONE);
  assert.is(heartbeat(g.a, g.gen), ErrorCode.REBALANCE_IN_PROGRESS);
  const again = await groups.join(call(joinRequest(g.a)));
  assert.equal([again.generationId, again.members.map((m) => m.memberId)], [g.gen + 1, [g.a]]);
  assert.is(leave(g.b), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.is(leave(g.a), ErrorCode.NONE);
  assert.equal([state().groupState, state().members.length], ['Empty', 0]);
});

test('a member that stops heartbeating is removed after its session timeout; the others rebalance', async () => {
  const g = await stableGroupOfTwo(10_000, 300);
  // a keeps heartbeating (every 50 ms, well inside its session) until the coordinator says to rejoin.
  let code: number = ErrorCode.NONE;
  while (code === ErrorCode.NONE) {
    await new Promise((r) => setTimeout(r, 50));
    code = heartbeat(g.a, g.gen);
  }
  assert.is(code, ErrorCode.REBALANCE_IN_PROGRESS);
  const again = await groups.join(call(joinRequest(g.a, { sessionTimeoutMs: 300 })));
  assert.equal(again.members.map((m) => m.memberId), [g.a], 'b is gone');
  assert.is(heartbeat(g.b, g.gen), ErrorCode.UNKNOWN_MEMBER_ID);
});

test('a member that does not rejoin within the rebalance timeout is dropped from the next generation', async () => {
  const g = await stableGroupOfTwo(200);
  const res = await groups.join(call(joinRequest(g.a, { rebalanceTimeoutMs: 200, protocols: [{ name: 'range', metadata: Buffer.from('changed') }] })));
  assert.equal([res.generationId, res.members.map((m) => m.memberId)], [g.gen + 1, [g.a]]);
});

test('bad JoinGroups: invalid group id, empty or mismatching protocol type, no common assignor, unknown member, session timeout', async () => {
  const a = await joinNew();
  await a.answer;
  const code = async (req: JoinGroupRequest) => (await groups.join(call(req))).errorCode;
  assert.is(await code(joinRequest('', { groupId: '' })), ErrorCode.INVALID_GROUP_ID);
  assert.is(await code(joinRequest('', { protocolType: '' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.is(await code(joinRequest('', { protocolType: 'connect' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.is(await code(joinRequest('', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.is(await code(joinRequest('', { protocols: [] })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.is(await code(joinRequest('nobody')), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.is(await code(joinRequest('', { sessionTimeoutMs: 1 })), ErrorCode.INVALID_SESSION_TIMEOUT);
});

test('OffsetCommit: current generation commits; stale generation, unknown member, unknown partition, mid-assignment are refused', async () => {
  const a = await joinNew();
  await a.answer;
  assert.is(commit(a.memberId, 1), ErrorCode.REBALANCE_IN_PROGRESS, 'not while the assignment is handed out');
  await sync(a.memberId, 1, []);
  assert.is(commit(a.memberId, 1, 0, 10), ErrorCode.NONE);
  assert.is(commit(a.memberId, 0), ErrorCode.ILLEGAL_GENERATION);
  assert.is(commit('nobody', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.is(commit(a.memberId, 1, TOPIC_PARTITIONS), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.is(commit(a.memberId, 1, 0, 1, 'nope'), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.is(commit('', -1), ErrorCode.UNKNOWN_MEMBER_ID, 'no commits from outside while the group has members');
  const fetched = groups.offsets.fetch(call({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 1] }] }));
  assert.equal(fetched.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset]), [[0, 10], [1, -1]]);
});

test('commits from outside (generation -1) on an empty group; offsets and the group survive a restart', async () => {
  assert.is(commit('', 5), ErrorCode.ILLEGAL_GENERATION, 'a generation for a group that has none');
  assert.is(commit('', -1, 2, 42), ErrorCode.NONE);
  groups.close();
  store.close();
  store = new MetadataStore(dir);
  groups = open();
  const all = groups.offsets.fetch(call({ groupId: 'g', topics: null }));
  assert.equal(all.topics, [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: 42, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }]);
  assert.equal(groups.listGroups(call({})).groups, [{ groupId: 'g', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
  assert.is(state().groupState, 'Empty');
});

test('DescribeGroups of an unknown group: Dead; DeleteGroups: NON_EMPTY_GROUP, then deleted with its offsets, then GROUP_ID_NOT_FOUND', async () => {
  assert.equal([groups.describeGroups(call({ groups: ['nope'] })).groups[0]!.groupState], ['Dead']);
  const a = await joinNew();
  await a.answer;
  await sync(a.memberId, 1, []);
  assert.is(commit(a.memberId, 1, 1, 7), ErrorCode.NONE);
  const del = () => groups.deleteGroups(call({ groupsNames: ['g'] })).results[0]!.errorCode;
  assert.is(del(), ErrorCode.NON_EMPTY_GROUP);
  leave(a.memberId);
  assert.is(del(), ErrorCode.NONE);
  assert.is(del(), ErrorCode.GROUP_ID_NOT_FOUND);
  assert.equal(groups.offsets.fetch(call({ groupId: 'g', topics: null })).topics, []);
  assert.equal(groups.listGroups(call({})).groups, []);
});

test('a Stable group survives a coordinator restart: same generation, members and assignments; a silent member still times out', async () => {
  const g = await stableGroupOfTwo(10_000, 300);
  groups.close();
  store.close();
  store = new MetadataStore(dir);
  groups = open();
  const d = state();
  assert.equal([d.groupState, d.protocolData], ['Stable', 'range']);
  assert.equal(d.members.map((m) => [m.memberId, m.memberAssignment.toString()]).sort(), [[g.a, 'half-a'], [g.b, 'half-b']].sort());
  assert.is(heartbeat(g.a, g.gen), ErrorCode.NONE, 'members carry on heartbeating');
  assert.equal((await sync(g.b, g.gen)).assignment.toString(), 'half-b');
  // b says nothing more: its fresh session runs out and a rebalances without it.
  let code: number = ErrorCode.NONE;
  while (code === ErrorCode.NONE) {
    await new Promise((r) => setTimeout(r, 50));
    code = heartbeat(g.a, g.gen);
  }
  assert.is(code, ErrorCode.REBALANCE_IN_PROGRESS);
});

/** Restarts the coordinator over the same coordinator.db. */
function restartCoordinator(initialRebalanceDelayMs = 0): void {
  groups.close();
  store.close();
  store = new MetadataStore(dir);
  groups = open(initialRebalanceDelayMs);
}

/** A static member (instance `ia`, the leader) and a dynamic one, Stable in generation `gen`. */
async function staticAndDynamic() {
  const first = await groups.join(call(joinRequest('', { groupInstanceId: 'ia' })));
  assert.is(first.errorCode, ErrorCode.NONE, 'a static member needs no MEMBER_ID_REQUIRED round');
  assert.ok(first.memberId.startsWith('ia-'), 'its member id starts with its instance id');
  const a = first.memberId;
  await sync(a, 1, [{ memberId: a, assignment: Buffer.from('all') }]);
  const b = await joinNew();
  const [ja] = await Promise.all([groups.join(call(joinRequest(a, { groupInstanceId: 'ia' }))), b.answer]);
  assert.equal(ja.members.map((m) => m.groupInstanceId).sort(), ['ia', null].sort() as (string | null)[], 'the leader sees who is static');
  const followerSync = sync(b.memberId, ja.generationId);
  await sync(a, ja.generationId, [
    { memberId: a, assignment: Buffer.from('half-a') },
    { memberId: b.memberId, assignment: Buffer.from('half-b') },
  ]);
  await followerSync;
  return { a, b: b.memberId, gen: ja.generationId };
}

test('static member restarted (new member id, same instance id): its old assignment back, no rebalance, the old id fenced', async () => {
  const g = await staticAndDynamic();
  const back = await groups.join(call(joinRequest('', { groupInstanceId: 'ia' })));
  assert.is(back.errorCode, ErrorCode.NONE);
  assert.not.equal(back.memberId, g.a);
  assert.equal([back.generationId, back.leader, back.members], [g.gen, g.a, []], 'same generation; the old leader id named, so it assigns nothing');
  assert.is(heartbeat(g.b, g.gen), ErrorCode.NONE, 'the other member is not rebalanced');
  assert.equal([state().groupState, state().members.find((m) => m.groupInstanceId === 'ia')!.memberId], ['Stable', back.memberId]);
  const s = await groups.sync(call({ groupId: 'g', generationId: g.gen, memberId: back.memberId, groupInstanceId: 'ia', assignments: [] }));
  assert.equal([s.errorCode, s.assignment.toString()], [0, 'half-a']);
  // The replaced incarnation, if still alive, is told to stop.
  assert.is(groups.heartbeat(call({ groupId: 'g', generationId: g.gen, memberId: g.a, groupInstanceId: 'ia' })).errorCode, ErrorCode.FENCED_INSTANCE_ID);
  const zombieJoin = await groups.join(call(joinRequest(g.a, { groupInstanceId: 'ia' })));
  assert.is(zombieJoin.errorCode, ErrorCode.FENCED_INSTANCE_ID);
  const zombieCommit = groups.offsets.commit(call({ groupId: 'g', generationId: g.gen, memberId: g.a, groupInstanceId: 'ia', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }] }));
  assert.is(zombieCommit.topics[0]!.partitions[0]!.errorCode, ErrorCode.FENCED_INSTANCE_ID);
  assert.is(heartbeat(g.b, g.gen), ErrorCode.NONE, 'still no rebalance');
});

test('JoinGroup v9: a returning static leader is told it leads but must skip assignment; before v9 it is told the old leader id', async () => {
  const g = await staticAndDynamic();
  const v9 = await groups.join(call(joinRequest('', { groupInstanceId: 'ia' }), 9));
  assert.equal([v9.generationId, v9.leader, v9.skipAssignment, v9.members.length], [g.gen, v9.memberId, true, 2]);
  const v8 = await groups.join(call(joinRequest('', { groupInstanceId: 'ia' }), 8));
  assert.equal([v8.leader, v8.skipAssignment ?? false, v8.members.length], [v9.memberId, false, 0], 'the previous incarnation named as leader');
  assert.is(heartbeat(g.b, g.gen), ErrorCode.NONE, 'no rebalance either way');
});

test('a static member is still removed when its session times out', async () => {
  const first = await groups.join(call(joinRequest('', { groupInstanceId: 'ia', sessionTimeoutMs: 200 })));
  await sync(first.memberId, first.generationId, []);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal([state().groupState, state().members.length], ['Empty', 0]);
  const back = await groups.join(call(joinRequest('', { groupInstanceId: 'ia' })));
  assert.is(back.generationId, first.generationId + 2, 'a new generation: its old place was gone');
});

test('static membership survives a coordinator restart: the instance rejoins without a rebalance', async () => {
  const g = await staticAndDynamic();
  restartCoordinator();
  assert.equal(state().members.map((m) => m.groupInstanceId).sort(), ['ia', null].sort() as (string | null)[]);
  const back = await groups.join(call(joinRequest('', { groupInstanceId: 'ia' })));
  assert.equal([back.errorCode, back.generationId], [0, g.gen]);
  assert.is(heartbeat(g.b, g.gen), ErrorCode.NONE);
});

test('a static member that changes its assignors on return rebalances the group', async () => {
  const g = await staticAndDynamic();
  const back = groups.join(call(joinRequest('', { groupInstanceId: 'ia', protocols: [{ name: 'roundrobin', metadata: Buffer.from('x') }, { name: 'range', metadata: Buffer.from('x') }] })));
  assert.is(heartbeat(g.b, g.gen), ErrorCode.NONE, 'range still wins the vote: no rebalance');
  assert.is((await back).generationId, g.gen);
});

test('LeaveGroup v3: a batch, each member with its own error; a static member removed by instance id alone', async () => {
  const g = await staticAndDynamic();
  const res = groups.leave(
    call(
      {
        groupId: 'g',
        members: [
          { memberId: 'someone-else', groupInstanceId: 'ia' },
          { memberId: '', groupInstanceId: 'ia' },
          { memberId: 'nobody', groupInstanceId: null },
          { memberId: '', groupInstanceId: 'ib' },
        ],
      },
      3,
    ),
  );
  assert.is(res.errorCode, ErrorCode.NONE);
  assert.equal(
    res.members!.map((m) => [m.memberId, m.groupInstanceId, m.errorCode]),
    [
      ['someone-else', 'ia', ErrorCode.FENCED_INSTANCE_ID],
      ['', 'ia', ErrorCode.NONE],
      ['nobody', null, ErrorCode.UNKNOWN_MEMBER_ID],
      ['', 'ib', ErrorCode.UNKNOWN_MEMBER_ID],
    ],
  );
  assert.equal(state().members.map((m) => m.memberId), [g.b]);
  assert.is(heartbeat(g.b, g.gen), ErrorCode.REBALANCE_IN_PROGRESS, 'the others rebalance without it');
  const unknownGroup = groups.leave(call({ groupId: 'nope', members: [{ memberId: g.b, groupInstanceId: null }] }, 3));
  assert.equal([unknownGroup.errorCode, unknownGroup.members![0]!.errorCode], [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
});

test('DescribeGroups: instance ids of static members; authorized operations only when asked', async () => {
  await staticAndDynamic();
  const asked = groups.describeGroups(call({ groups: ['g', 'nope'], includeAuthorizedOperations: true }));
  assert.equal(asked.groups.map((g) => g.authorizedOperations), [328, 328], 'READ, DELETE, DESCRIBE');
  assert.is(groups.describeGroups(call({ groups: ['g'] })).groups[0]!.authorizedOperations, -0x80000000);
});

test('OffsetCommit v6+ leader epochs are kept and handed back by OffsetFetch, across a restart (KIP-320)', async () => {
  const partitions = [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: 4, committedMetadata: '' }, { partitionIndex: 1, committedOffset: 3, committedMetadata: null }];
  groups.offsets.commit(call({ groupId: 'g', generationId: -1, memberId: '', topics: [{ name: 't', partitions }] }, 6));
  restartCoordinator();
  const fetched = groups.offsets.fetch(call({ groupId: 'g', topics: null }, 5)).topics[0]!.partitions;
  assert.equal(fetched.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch]), [[0, 10, 4], [1, 3, -1]]);
});

test('ListGroups v4-5: filtered by state and type, case-insensitively', async () => {
  assert.is(commit('', -1, 1, 11), ErrorCode.NONE);
  const a = await groups.join(call(joinRequest('', { groupId: 'busy', groupInstanceId: 'i' })));
  assert.is(a.errorCode, ErrorCode.NONE);
  const listed = (request: { statesFilter?: string[]; typesFilter?: string[] }) => groups.listGroups(call(request)).groups.map((g) => [g.groupId, g.groupState]);
  assert.equal(listed({}), [['busy', 'CompletingRebalance'], ['g', 'Empty']]);
  assert.equal(listed({ statesFilter: ['empty'] }), [['g', 'Empty']]);
  assert.equal(listed({ statesFilter: ['Stable', 'CompletingRebalance'] }), [['busy', 'CompletingRebalance']]);
  assert.equal(listed({ typesFilter: ['Classic'] }).length, 2);
  assert.equal(listed({ typesFilter: ['consumer'] }), [], 'no KIP-848 groups');
});

test('OffsetFetch v8: several groups in one request, each with its own error', async () => {
  assert.is(commit('', -1, 1, 11), ErrorCode.NONE);
  groups.offsets.commit(call({ groupId: 'h', generationId: -1, memberId: '', topics: [{ name: 't', partitions: [{ partitionIndex: 2, committedOffset: 22, committedMetadata: 'x' }] }] }));
  const res = groups.offsets.fetch(
    call({ groups: [{ groupId: 'g', topics: [{ name: 't', partitionIndexes: [1, 3] }] }, { groupId: 'h', topics: null }, { groupId: '', topics: null }] }, 8),
  );
  const p = (partitionIndex: number, committedOffset: number, metadata: string | null) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, metadata, errorCode: 0 });
  assert.equal(res.groups, [
    { groupId: 'g', errorCode: 0, topics: [{ name: 't', partitions: [p(1, 11, ''), p(3, -1, '')] }] },
    { groupId: 'h', errorCode: 0, topics: [{ name: 't', partitions: [p(2, 22, 'x')] }] },
    { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] },
  ]);
});

test('OffsetDelete: removes offsets of topics no member subscribes to; GROUP_SUBSCRIBED_TO_TOPIC otherwise; unknown group or partition refused', async () => {
  const subscription = (topics: string[]) => encodeSubscription({ topics, userData: null });
  const a = await joinNew({ protocols: [{ name: 'range', metadata: subscription(['t']) }] });
  await a.answer;
  await sync(a.memberId, 1, []);
  assert.is(commit(a.memberId, 1, 0, 5), ErrorCode.NONE);
  const del = () => groups.offsets.delete(call({ groupId: 'g', topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }, { name: 'gone', partitions: [{ partitionIndex: 0 }] }] }));
  assert.equal(del().topics.map((t) => t.partitions[0]!.errorCode), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.is(groups.offsets.fetch(call({ groupId: 'g', topics: null })).topics.length, 1, 'nothing deleted');
  leave(a.memberId);
  assert.equal([del().errorCode, del().topics[0]!.partitions[0]!.errorCode], [ErrorCode.NONE, ErrorCode.NONE]);
  assert.equal(groups.offsets.fetch(call({ groupId: 'g', topics: null })).topics, [], 'deleted');
  assert.is(groups.offsets.delete(call({ groupId: 'nope', topics: [] })).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('group.initial.rebalance.delay.ms: two members joining an empty group within the delay form one generation', async () => {
  restartCoordinator(300);
  const a = await joinNew();
  let aAnswered = false;
  void a.answer.then(() => (aAnswered = true));
  await new Promise((r) => setTimeout(r, 150));
  assert.not.ok(aAnswered, 'the first member waits for others');
  const b = await joinNew();
  const [ja, jb] = await Promise.all([a.answer, b.answer]);
  assert.equal([ja.generationId, jb.generationId, ja.leader === a.memberId ? ja.members.length : jb.members.length], [1, 1, 2]);
});

test('group.initial.rebalance.delay.ms: a member joining an empty group alone still gets its generation', async () => {
  restartCoordinator(100);
  const a = await joinNew();
  assert.is((await a.answer).generationId, 1);
});

test.run();
