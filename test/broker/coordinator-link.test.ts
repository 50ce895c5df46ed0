/**
 * The broker's side of the coordinator protocol (broker/coordinator-link.ts), against a real
 * coordinator in this process: metadata is applied once per version, and a watch that ends with
 * nothing changed (the coordinator answers it with the brokers alone) is not applied again.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CoordinatorLink } from '../../src/broker/coordinator-link.js';
import { ClusterSecret } from '../../src/common/cluster-secret.js';
import type { ClusterMetadata } from '../../src/common/cluster-types.js';
import { silentLogger } from '../../src/common/logger.js';
import { startCoordinator } from '../../src/coordinator/coordinator.js';

const test = suite('CoordinatorLink');

test('unchanged metadata is not applied again at each watch timeout; a change is', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-coordinator-link-test-'));
  const clusterSecret = ClusterSecret.parse(randomBytes(32).toString('hex'), 'the test secret');
  const coordinator = await startCoordinator({
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    heartbeatIntervalMs: 100,
    sessionTimeoutMs: 5000,
    clusterSecret,
    txnMarkerSender: () => ({ write: async () => [], close: () => undefined }),
    logger: silentLogger,
  });
  const applied: ClusterMetadata[] = [];
  const link = new CoordinatorLink({
    coordinatorHost: coordinator.host,
    coordinatorPort: coordinator.port,
    clusterSecret,
    registration: { brokerId: 1, host: '127.0.0.1', port: 9092, pid: process.pid },
    logger: silentLogger,
    onMetadata: (m) => applied.push(m),
    watchMaxWaitMs: 20,
  });
  try {
    await link.start();
    const version = coordinator.controller.snapshot().version;
    // Ten watch timeouts or more, nothing changed meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    assert.is(coordinator.controller.snapshot().version, version, 'nothing changed');
    assert.is(applied.filter((m) => m.version === version).length, 1, 'applied once');
    const [created] = coordinator.controller.createTopics([{ name: 't', partitions: 1, replicationFactor: 1 }]);
    assert.is(created!.errorCode, 0, created!.errorMessage ?? '');
    const changed = Date.now();
    while (!applied.some((m) => m.topics.some((t) => t.name === 't')) && Date.now() - changed < 5000) await new Promise((r) => setTimeout(r, 10));
    assert.ok(applied.some((m) => m.topics.some((t) => t.name === 't')), 'the new topic arrives');
  } finally {
    link.stop();
    await coordinator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
