/**
 * Request frames real clients sent in the client matrix (test/fixtures/client-requests.json, written by
 * `YAK_CAPTURE_CLIENT_REQUESTS=1` on test/integration/client-matrix.test.ts): each one YaK serves the
 * version of decodes with YaK's codec to the last byte and encodes back to the same bytes.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { apiByKey } from '../../src/protocol/apis/index.js';
import { decodeRequestHeader, readRequestHeaderTags } from '../../src/protocol/framing.js';
import { Reader } from '../../src/protocol/reader.js';
import { encodeRequest } from '../helpers/roundtrip.js';

const test = suite('client request fixtures: real clients\' frames decode and re-encode byte for byte');
const FIXTURE = fileURLToPath(new URL('../fixtures/client-requests.json', import.meta.url));

interface Captured {
  source: string;
  api: string;
  apiKey: number;
  apiVersion: number;
  hex: string;
}

const frames: Captured[] = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));

test('the fixture holds frames of every matrix client', () => {
  const sources = new Set(frames.map((f) => f.source));
  for (const client of ['kafkajs', '@platformatic/kafka', 'librdkafka (confluent-kafka)', 'kafka-python', 'Sarama (V2_1_0_0)']) assert.ok(sources.has(client), client);
});

for (const f of frames) {
  const api = apiByKey(f.apiKey);
  if (!api || f.apiVersion > api.maxVersion) continue; // a version YaK does not serve (yet)
  test(`${f.source} ${f.api} v${f.apiVersion}`, () => {
    const frame = Buffer.from(f.hex, 'hex');
    assert.is(frame.readInt32BE(0), frame.length - 4, 'size prefix');
    const r = new Reader(frame.subarray(4));
    const header = decodeRequestHeader(r);
    assert.is(header.apiKey, f.apiKey);
    assert.is(header.apiVersion, f.apiVersion);
    readRequestHeaderTags(r, api, f.apiVersion);
    const bodyStart = frame.length - r.remaining;
    const req = api.decodeRequest(r, f.apiVersion);
    assert.is(r.remaining, 0, 'decoder left bytes unread');
    assert.is(encodeRequest(api, req, f.apiVersion).toString('hex'), frame.subarray(bodyStart).toString('hex'), 're-encoded');
  });
}

test.run();
