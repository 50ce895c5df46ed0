/**
 * YaK's control API bodies are JSON from any peer that can connect: a request whose fields have the
 * wrong type is a ProtocolError naming the field (found by the wire fuzzer as TypeErrors and SQLite
 * constraint failures inside the coordinator), and a well-formed one round-trips unchanged.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolError } from '../../src/common/errors.js';
import type { ApiCodec } from '../../src/protocol/api.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { Reader } from '../../src/protocol/reader.js';
import { Writer } from '../../src/protocol/writer.js';

function decode<Req>(api: ApiCodec<Req, unknown>, json: string): Req {
  return api.decodeRequest(new Reader(Buffer.from(json)), 0);
}

function roundTrip<Req>(api: ApiCodec<Req, unknown>, req: Req): Req {
  const w = new Writer(64);
  api.encodeRequest(w, req, 0);
  return api.decodeRequest(new Reader(w.toBuffer()), 0);
}

function refused(api: ApiCodec<unknown, unknown>, json: string, field: string): void {
  assert.throws(
    () => decode(api, json),
    (e: unknown) => e instanceof ProtocolError && e.message.includes(field),
    `${api.name} ${json}: a ProtocolError naming ${field}`,
  );
}

test('every internal API has a key of its own (a shared key would send one call to the other call\'s handler)', () => {
  const byKey = new Map<number, string[]>();
  for (const [name, api] of Object.entries(InternalApi)) byKey.set(api.apiKey, [...(byKey.get(api.apiKey) ?? []), name]);
  const shared = [...byKey].filter(([, names]) => names.length > 1).map(([key, names]) => `${key}: ${names.join(', ')}`);
  assert.equal(shared, []);
});

test('requests with a missing or mistyped field are refused, naming the field', () => {
  refused(InternalApi.AlterTopicConfigs as ApiCodec<unknown, unknown>, '{"topics":5}', 'AlterTopicConfigs.topics');
  refused(InternalApi.RegisterBroker as ApiCodec<unknown, unknown>, '{"brokerId":7,"port":1,"pid":1}', 'RegisterBroker.host');
  refused(InternalApi.RegisterBroker as ApiCodec<unknown, unknown>, '{"brokerId":1.5,"host":"h","port":1,"pid":1}', 'RegisterBroker.brokerId');
  refused(InternalApi.JoinGroup as ApiCodec<unknown, unknown>, '{"apiVersion":5,"clientId":"c","clientHost":"/h"}', 'JoinGroup.request');
  refused(InternalApi.SyncGroup as ApiCodec<unknown, unknown>, '{"apiVersion":3,"clientId":"c","clientHost":"/h","request":{"groupId":"g","generationId":1,"memberId":"m","assignments":[{"memberId":"m","assignment":"x"}]}}', 'SyncGroup.request.assignments[0].assignment');
  refused(InternalApi.CreateTopics as ApiCodec<unknown, unknown>, '{"topics":[{"name":"t","partitions":1,"replicationFactor":1,"configs":{"retention.ms":5}}]}', 'CreateTopics.topics[0].configs.retention.ms');
  refused(InternalApi.Control as ApiCodec<unknown, unknown>, '{"action":"explode","target":"broker-1"}', 'Control.action');
  refused(InternalApi.DeleteTopics as ApiCodec<unknown, unknown>, 'null', 'DeleteTopics');
  refused(InternalApi.Heartbeat as ApiCodec<unknown, unknown>, '[1,2]', 'Heartbeat');
});

test('well-formed requests round-trip; buffers stay buffers; undeclared fields are dropped', () => {
  const join = {
    apiVersion: 5,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    request: { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 2]) }] },
  };
  assert.equal(roundTrip(InternalApi.JoinGroup, join), join);
  const commit = { apiVersion: 2, clientId: 'c', clientHost: '/h', request: { groupId: 'g', generationId: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 2 ** 40, committedMetadata: null }] }] } };
  assert.equal(roundTrip(InternalApi.OffsetCommit, commit), commit);
  assert.equal(decode(InternalApi.Heartbeat, '{"brokerId":1,"brokerEpoch":3,"__proto__":{"x":1},"extra":true}'), { brokerId: 1, brokerEpoch: 3 });
  assert.equal(roundTrip(InternalApi.ListGroups, { apiVersion: 2, clientId: 'c', clientHost: '/h', request: {} }), { apiVersion: 2, clientId: 'c', clientHost: '/h', request: {} });
});

test.run();
