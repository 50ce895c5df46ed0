import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ApiKey } from '../../../src/protocol/api.js';
import { apiByKey, FetchApi, MetadataApi, SERVED_APIS } from '../../../src/protocol/apis/index.js';

test('api keys are unique and looked up by key', () => {
  assert.is(new Set(SERVED_APIS.map((api) => api.apiKey)).size, SERVED_APIS.length);
  for (const api of SERVED_APIS) assert.is(apiByKey(api.apiKey), api);
  assert.is(apiByKey(ApiKey.Metadata), MetadataApi);
  assert.is(apiByKey(ApiKey.Fetch), FetchApi);
  assert.is(apiByKey(-1), undefined);
});

test("every served API's first flexible version is Kafka's, or it serves none of them", () => {
  const firstFlexible: Record<number, number> = { 0: 9, 1: 12, 2: 6, 3: 9, 8: 8, 9: 6, 10: 3, 11: 6, 12: 4, 13: 4, 14: 4, 15: 5, 16: 3, 17: Infinity, 18: 3, 19: 5, 20: 4, 21: 2, 22: 2, 23: 4, 24: 3, 25: 3, 26: 3, 27: 1, 28: 3, 29: 2, 30: 2, 31: 2, 32: 4, 33: 2, 35: 2, 36: 2, 37: 2, 42: 2, 43: 2, 44: 1, 45: 0, 46: 0, 47: Infinity, 50: 0, 51: 0, 60: 0, 61: 0, 65: 0, 66: 0 };
  for (const api of SERVED_APIS) {
    const limit = firstFlexible[api.apiKey];
    if (limit === undefined) assert.unreachable(`add ${api.name}'s first flexible version to this table`);
    else if (api.firstFlexibleVersion !== undefined) assert.is(api.firstFlexibleVersion, limit, `${api.name}'s first flexible version`);
    else assert.ok(api.maxVersion < limit, `${api.name} max ${api.maxVersion} is a flexible version but its codec has none`);
  }
});

test.run();
