/**
 * KIP-800 in the GroupCoordinator: every rebalance it starts is logged once, with its cause and the
 * reason the client gave (JoinGroup v8+, LeaveGroup v5+; "not provided" before), as Kafka's
 * coordinator logs "Preparing to rebalance group ... (reason: ...)"; a client's reason stays one
 * bounded line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { maxLoggedClientReasonChars } from '../../src/common/limits.js';
import type { Logger } from '../../src/common/logger.js';
import { GroupCoordinator } from '../../src/coordinator/group-coordinator.js';
import { GroupStore } from '../../src/coordinator/group-store.js';
import { MetadataStore } from '../../src/coordinator/metadata-store.js';
import type { JoinGroupRequest } from '../../src/protocol/apis/join-group.js';
import type { GroupCall } from '../../src/protocol/internal-api.js';

const test = suite('group coordinator: rebalance reasons (KIP-800)');
let dir = '';
let store: MetadataStore;
let groups: GroupCoordinator;
let lines: string[] = [];

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-group-reasons-test-'));
  store = new MetadataStore(dir);
  lines = [];
  const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  groups = new GroupCoordinator(new GroupStore(store.database), { partitionExists: () => true, minSessionTimeoutMs: 50, initialRebalanceDelayMs: 0, logger });
});

test.after.each(() => {
  groups.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = <Req>(request: Req, apiVersion: number): GroupCall<Req> => ({ apiVersion, clientId: 'c', clientHost: '/127.0.0.1', request });
const join = (memberId: string, version: number, over: Partial<JoinGroupRequest> = {}) =>
  groups.join(call({ groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('m') }], ...over }, version));
const rebalances = () => lines.filter((l) => l.startsWith('preparing to rebalance group g'));

/** A member in generation 1 (JoinGroup v8, MEMBER_ID_REQUIRED first), past SyncGroup. */
async function stableMember(over: Partial<JoinGroupRequest> = {}): Promise<string> {
  const first = await join('', 8, over);
  assert.is(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await join(first.memberId, 8, over);
  assert.is(joined.errorCode, ErrorCode.NONE);
  groups.sync(call({ groupId: 'g', generationId: joined.generationId, memberId: joined.memberId, assignments: [] }, 3));
  return joined.memberId;
}

test('JoinGroup v8: the rebalance a new member starts is logged once with the client\'s reason; before v8 it is "not provided"', async () => {
  const a = await stableMember({ reason: 'joining at start' });
  assert.equal(rebalances(), [`preparing to rebalance group g in state Empty with old generation 0 (reason: adding new member ${a}; client reason: joining at start)`]);
  const b = await join('', 5);
  const second = join(b.memberId, 5, { reason: 'ignored: v5 has no reason' });
  assert.is(rebalances().length, 2);
  assert.match(rebalances()[1]!, `in state Stable with old generation 1 (reason: adding new member ${b.memberId}; client reason: not provided)`);
  const rejoined = join(a, 8, { reason: 'Heartbeat answered REBALANCE_IN_PROGRESS' });
  assert.is(rebalances().length, 2, 'joining a rebalance already under way starts none');
  assert.is((await second).errorCode, ErrorCode.NONE);
  assert.is((await rejoined).errorCode, ErrorCode.NONE);
});

test('LeaveGroup v5 and a session timeout: each rebalance logged with its cause', async () => {
  const a = await stableMember();
  const left = groups.leave(call({ groupId: 'g', members: [{ memberId: a, groupInstanceId: null, reason: 'the consumer is closing' }] }, 5));
  assert.is(left.members![0]!.errorCode, ErrorCode.NONE);
  assert.is(rebalances().at(-1)!, `preparing to rebalance group g in state Stable with old generation 1 (reason: removing member ${a} on LeaveGroup; client reason: the consumer is closing)`);
  const b = await stableMember({ sessionTimeoutMs: 60 });
  const count = rebalances().length;
  for (let waited = 0; rebalances().length === count && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.equal(rebalances().slice(count), [`preparing to rebalance group g in state Stable with old generation 3 (reason: removing member ${b} on heartbeat expiration (session timeout 60 ms))`]);
});

test('a client\'s reason stays one bounded line: control characters escaped, cut at maxLoggedClientReasonChars', async () => {
  await stableMember({ reason: `line one\nline two${'x'.repeat(500)}` });
  const [line] = rebalances();
  assert.ok(!line!.includes('\n'), line);
  assert.match(line!, 'client reason: line one\\u000aline two');
  assert.match(line!, `... (${'line one\nline two'.length + 500} characters))`);
  assert.ok(line!.length < maxLoggedClientReasonChars + 300, `${line!.length} characters`);
});

test.run();
