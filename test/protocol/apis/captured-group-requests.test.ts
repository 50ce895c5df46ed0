/**
 * The group API requests real clients sent (kcat/librdkafka 2.0 and kafkajs 2.2, recorded in
 * test/fixtures/requests.json by test/fuzz/capture-requests.ts) decode whole with YaK's codecs, and
 * re-encode to the same bytes: what these clients put on the wire is what the descriptions say.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiKey } from '../../../src/protocol/api.js';
import { apiByKey } from '../../../src/protocol/apis/index.js';
import { decodeRequestHeader, readRequestHeaderTags } from '../../../src/protocol/framing.js';
import { Reader } from '../../../src/protocol/reader.js';
import { loadSeeds } from '../../fuzz/seeds.js';
import { encodeRequest } from '../../helpers/roundtrip.js';

const GROUP_APIS = new Set<number>([
  ApiKey.OffsetCommit,
  ApiKey.OffsetFetch,
  ApiKey.JoinGroup,
  ApiKey.Heartbeat,
  ApiKey.LeaveGroup,
  ApiKey.SyncGroup,
  ApiKey.DescribeGroups,
  ApiKey.ListGroups,
  ApiKey.DeleteGroups,
]);

const captured = loadSeeds().filter((s) => (s.source === 'kcat' || s.source === 'kafkajs') && GROUP_APIS.has(s.apiKey));

test('the fixture holds group requests of both clients', () => {
  assert.ok(captured.some((s) => s.source === 'kcat') && captured.some((s) => s.source === 'kafkajs'));
  assert.ok(captured.some((s) => s.api === 'JoinGroup' && s.apiVersion === 5), "librdkafka's JoinGroup v5 (group.instance.id's version)");
});

for (const seed of captured) {
  test(`${seed.source} ${seed.api} v${seed.apiVersion} decodes whole and re-encodes to its bytes`, () => {
    const frame = Buffer.from(seed.hex, 'hex');
    const r = new Reader(frame.subarray(4));
    const header = decodeRequestHeader(r);
    const api = apiByKey(header.apiKey)!;
    readRequestHeaderTags(r, api, header.apiVersion);
    const body = frame.subarray(4 + r.offset);
    const req = api.decodeRequest(r, header.apiVersion) as { groupId?: string };
    assert.is(r.remaining, 0, 'every byte read');
    if ('groupId' in req) assert.ok(req.groupId, 'a group id');
    assert.equal(encodeRequest(api, req, header.apiVersion), body);
  });
}

test.run();
