/**
 * KafkaClient.sendToLeader's leader checks against a FrameServer that holds its answers until the
 * test releases them: every request in flight shares one Node timer for its checks (and one per
 * connection for its timeout), and an answer ends a request's checks, also one that came while a
 * check's metadata refresh was under way (that check then closes nothing and checks no more).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { silentLogger } from '../../src/common/logger.js';
import { FrameServer } from '../../src/net/server.js';
import { ApiVersionsApi } from '../../src/protocol/apis/api-versions.js';
import { ListOffsetsApi } from '../../src/protocol/apis/list-offsets.js';
import { MetadataApi } from '../../src/protocol/apis/metadata.js';
import { finishFrame, responseHeaderVersion, startResponseFrame } from '../../src/protocol/framing.js';

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** Node 1 (this server) leads topic 't'. Metadata is answered at once unless `holdMetadata`; ListOffsets only when released. */
async function heldServer() {
  let port = 0;
  const state = { holdMetadata: false, metadataRequests: 0 };
  const heldMetadata: (() => void)[] = [];
  const heldListOffsets: (() => void)[] = [];
  const server = new FrameServer({ host: '127.0.0.1', port: 0, logger: silentLogger }, async (header) => {
    if (header.apiKey === ApiVersionsApi.apiKey) {
      const w = startResponseFrame(header.correlationId);
      ApiVersionsApi.encodeResponse(w, { errorCode: 0, apiKeys: [MetadataApi, ApiVersionsApi, ListOffsetsApi].map((a) => ({ apiKey: a.apiKey, minVersion: 0, maxVersion: a.maxVersion })) }, header.apiVersion);
      return finishFrame(w);
    }
    if (header.apiKey === ListOffsetsApi.apiKey) {
      await new Promise<void>((r) => heldListOffsets.push(r));
      const w = startResponseFrame(header.correlationId, 256, responseHeaderVersion(ListOffsetsApi, header.apiVersion));
      ListOffsetsApi.encodeResponse(w, { topics: [] }, header.apiVersion);
      return finishFrame(w);
    }
    state.metadataRequests++;
    if (state.holdMetadata) await new Promise<void>((r) => heldMetadata.push(r));
    const w = startResponseFrame(header.correlationId, 256, responseHeaderVersion(MetadataApi, header.apiVersion));
    const partitions = [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }];
    MetadataApi.encodeResponse(w, { brokers: [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], clusterId: 'c', controllerId: 1, topics: [{ errorCode: 0, name: 't', partitions }] }, header.apiVersion);
    return finishFrame(w);
  });
  port = (await server.listen()).port;
  return { server, port, state, heldMetadata, heldListOffsets };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), `waiting for ${what}`);
}

const listOffsets = { replicaId: -1, isolationLevel: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] };

test('requests in flight to a leader share one timer for their leader checks', async () => {
  const s = await heldServer();
  const client = new KafkaClient({ bootstrap: [{ host: '127.0.0.1', port: s.port }] });
  try {
    await client.refreshMetadata(['t']);
    await client.connection(1);
    const before = timeouts();
    const sends = Array.from({ length: 50 }, () => client.sendToLeader(1, ['t'], () => true, ListOffsetsApi, 2, listOffsets, { firstCheckAfterMs: 60_000 }));
    // Failed by the close below if an assertion fails first: no unhandled rejection to hide it.
    for (const p of sends) p.catch(() => undefined);
    await until('50 requests held', () => s.heldListOffsets.length === 50);
    // At most one for the leader checks and one for the data connection's request timeouts (which
    // its ApiVersions may have armed already).
    assert.ok(timeouts() - before <= 2, `${timeouts() - before} timers for 50 requests`);
    for (const release of s.heldListOffsets.splice(0)) release();
    await Promise.all(sends);
  } finally {
    client.close();
    await s.server.close();
  }
});

test('an answer that arrives while a leader check refreshes metadata ends the checks: the connection stays open', async () => {
  const s = await heldServer();
  const client = new KafkaClient({ bootstrap: [{ host: '127.0.0.1', port: s.port }] });
  try {
    await client.refreshMetadata(['t']);
    const conn = await client.connection(1);
    let leads = true;
    s.state.holdMetadata = true;
    const sent = client.sendToLeader(1, ['t'], () => leads, ListOffsetsApi, 2, listOffsets, { firstCheckAfterMs: 1 });
    sent.catch(() => undefined);
    await until('the request and its check', () => s.heldListOffsets.length === 1 && s.heldMetadata.length === 1);
    // The check's refresh, shared (concurrent refreshes of the same topics are one request).
    const refresh = client.refreshMetadata(['t']);
    s.heldListOffsets.shift()!();
    await sent;
    // The leader moves after the answer: the request no longer cares.
    leads = false;
    s.state.holdMetadata = false;
    s.heldMetadata.shift()!();
    await refresh;
    await new Promise((r) => setImmediate(r));
    assert.not.ok(conn.closed, 'a check of an answered request closed its connection');
    assert.is(s.state.metadataRequests, 2, 'no check after the answer');
  } finally {
    client.close();
    await s.server.close();
  }
});

test.run();
