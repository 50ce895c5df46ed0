/**
 * ReplicaFetcher against a scripted leader (a FrameServer answering Fetch): a partition added while
 * a fetch waits at the leader is fetched at once, not after that fetch's maxWaitMs (a new topic's
 * first acks=all write waits for every follower).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PartitionState } from '../../src/common/cluster-types.js';
import { silentLogger } from '../../src/common/logger.js';
import { FrameServer } from '../../src/net/server.js';
import { FetchApi, type FetchResponse } from '../../src/protocol/apis/fetch.js';
import { finishFrame, readRequestHeaderTags, responseHeaderVersion, startResponseFrame } from '../../src/protocol/framing.js';
import { encodeRecordBatch } from '../../src/protocol/record-batch.js';
import { Partition } from '../../src/replication/partition.js';
import { ReplicaFetcher } from '../../src/replication/replica-fetcher.js';
import { LogStore } from '../../src/storage/log-store.js';

const MAX_WAIT_MS = 60_000;

/** A leader that holds every fetch not naming topic `b` (as a leader with no new data would, up to maxWait) and answers one naming it with a record of `b`. */
async function leaderHoldingFetches() {
  const seen: string[][] = [];
  const server = new FrameServer({ host: '127.0.0.1', port: 0, logger: silentLogger }, async (header, body) => {
    readRequestHeaderTags(body, FetchApi, header.apiVersion);
    const req = FetchApi.decodeRequest(body, header.apiVersion);
    const topics = req.topics.map((t) => t.topic);
    seen.push(topics);
    if (!topics.includes('b')) await new Promise(() => undefined);
    const res: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'b',
          partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1, lastStableOffset: 1, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: encodeRecordBatch([{ key: null, value: Buffer.from('b0'), timestamp: 0 }]) }],
        },
      ],
    };
    const w = startResponseFrame(header.correlationId, 256, responseHeaderVersion(FetchApi, header.apiVersion));
    FetchApi.encodeResponse(w, res, header.apiVersion);
    return finishFrame(w);
  });
  const { port } = await server.listen();
  return { server, port, seen };
}

test('a partition added while a fetch waits at the leader is fetched at once, not after that fetch\'s maxWaitMs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-fetcher-test-'));
  const store = new LogStore(dir);
  const leader = await leaderHoldingFetches();
  const appended: string[] = [];
  const fetcher = new ReplicaFetcher({
    brokerId: 2,
    leaderId: 1,
    leaderAddress: () => ({ host: '127.0.0.1', port: leader.port }),
    maxWaitMs: MAX_WAIT_MS,
    partitionMaxBytes: 1 << 20,
    append: (writes) => appended.push(...writes.map((w) => w.partition.topic)),
    restartAt: () => undefined,
    onLeaderLogStart: () => undefined,
    logger: silentLogger,
  });
  const follower = (topic: string) => {
    const state: PartitionState = { partition: 0, leader: 1, leaderEpoch: 0, replicas: [1, 2], isr: [1, 2] };
    return new Partition(2, store.partition(topic, 0), state, `${topic}-id`, 1);
  };
  try {
    fetcher.add(follower('a'));
    const deadline = Date.now() + 10_000;
    while (leader.seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(leader.seen, [['a']], 'a fetch of a waits at the leader');
    fetcher.add(follower('b'));
    while (appended.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.is(appended[0], 'b', `b fetched and appended well within the ${MAX_WAIT_MS} ms the first fetch may wait`);
    assert.ok(leader.seen.some((topics) => topics.includes('a') && topics.includes('b')), 'the new fetch names both');
  } finally {
    await fetcher.stop();
    await leader.server.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
