/** The controller's ACLs over a real MetadataStore: created (invalid ones refused, duplicates once), in the metadata, deleted by filter, kept across a restart. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode } from '../../src/common/errors.js';
import { Controller } from '../../src/coordinator/controller.js';
import { MetadataStore } from '../../src/coordinator/metadata-store.js';
import { AclOperation, AclPermissionType, PatternType, ResourceType, type AclBinding } from '../../src/security/acl.js';

const OPTS = { heartbeatIntervalMs: 500, sessionTimeoutMs: 60_000, leaderRebalanceIntervalMs: 0 };
const read: AclBinding = { resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation: AclOperation.READ, permissionType: AclPermissionType.ALLOW };
const deny: AclBinding = { ...read, resourceName: 'pay', patternType: PatternType.PREFIXED, permissionType: AclPermissionType.DENY };

let dir = '';
let store: MetadataStore;
let controller: Controller;

test.before.each(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-acls-test-'));
  store = new MetadataStore(dir);
  controller = new Controller(store, OPTS);
});
test.after.each(() => {
  controller.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('created ACLs are in the next metadata version, each once; an invalid one is INVALID_REQUEST and not stored', () => {
  const before = controller.snapshot().version;
  const res = controller.createAcls({ creations: [read, read, deny, { ...read, patternType: PatternType.MATCH }] });
  assert.equal(res.results.map((r) => r.errorCode), [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE, ErrorCode.INVALID_REQUEST]);
  assert.is(res.metadataVersion, before + 1);
  assert.equal(controller.snapshot().acls, [read, deny]);
  // Creating what exists changes nothing (no new version).
  assert.is(controller.createAcls({ creations: [read] }).metadataVersion, before + 1);
});

test('DeleteAcls removes what each filter matches and answers it; the rest survive a restart', () => {
  controller.createAcls({ creations: [read, deny] });
  const any = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermissionType.ANY };
  const res = controller.deleteAcls({ filters: [{ ...any, permissionType: AclPermissionType.DENY }, { ...any, principal: 'User:nobody' }] });
  assert.equal(res.results.map((r) => r.matching), [[deny], []]);
  controller.close();
  store.close();
  store = new MetadataStore(dir);
  controller = new Controller(store, OPTS);
  assert.equal(controller.snapshot().acls, [read]);
});

test.run();
