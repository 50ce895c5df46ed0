import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConsumedRecord } from '../../src/client/consumer.js';
import { UserError } from '../../src/common/errors.js';
import { compileFormat, recordAsJson, recordPrinter, type PrintOptions } from '../../src/cli/record-format.js';

const record: ConsumedRecord = {
  topic: 'demo',
  partition: 2,
  offset: 41,
  timestamp: 1_796_000_000_000,
  key: Buffer.from('k1'),
  value: Buffer.from('hello'),
  headers: [
    { key: 'source', value: Buffer.from('cli') },
    { key: 'empty', value: null },
  ],
};
const tombstone: ConsumedRecord = { ...record, key: null, value: null, headers: [] };
const plain: PrintOptions = { json: false, 'json-encoding': 'utf8', 'print-key': false, 'print-headers': false, 'print-timestamp': false };

test('--format: every kcat token and escape, null key and value as kcat prints them', () => {
  const f = compileFormat('%t|%p|%o|%k|%K|%s|%v|%S|%T|%h|100%%\\t.\\n');
  assert.is(f(record), `demo|2|41|k1|2|hello|hello|5|1796000000000|source=cli,empty=NULL|100%\t.\n`);
  assert.is(f(tombstone), `demo|2|41||-1|||-1|1796000000000||100%\t.\n`);
  assert.is(compileFormat('no newline')(record), 'no newline', 'exactly as given: kcat adds no newline');
  assert.is(compileFormat('a\\qb')(record), 'a\\qb', 'an unknown escape stays as typed');
});

test('--format: an unknown token is a usage error naming the known ones', () => {
  for (const bad of ['%x', 'trailing %']) {
    try {
      compileFormat(bad);
      assert.unreachable(`${bad} accepted`);
    } catch (err) {
      assert.instance(err, UserError);
      assert.is((err as UserError).exitCode, 2);
      assert.match((err as Error).message, /unknown token %.* \(known: %t %p %o %k %K %s %v %S %T %h %%\)/);
    }
  }
});

test('--json: topic, partition, offset, timestamp, key, value and headers in order; base64 keeps any bytes', () => {
  assert.equal(recordAsJson(record, 'utf8'), {
    topic: 'demo', partition: 2, offset: 41, timestamp: 1_796_000_000_000, key: 'k1', value: 'hello',
    headers: [{ key: 'source', value: 'cli' }, { key: 'empty', value: null }],
  });
  const binary = { ...record, value: Buffer.from([0xff, 0x00, 0xfe]) };
  const asJson = recordAsJson(binary, 'base64');
  assert.is(asJson.value, '/wD+');
  assert.equal(Buffer.from(asJson.value!, 'base64'), binary.value);
  assert.is(asJson.headers![0]!.value, Buffer.from('cli').toString('base64'));
  assert.is(recordPrinter({ ...plain, json: true })(tombstone), JSON.stringify({ topic: 'demo', partition: 2, offset: 41, timestamp: 1_796_000_000_000, key: null, value: null, headers: [] }) + '\n');
});

test('--print-timestamp, --print-headers and --print-key: tab-separated before the value, as kafka-console-consumer', () => {
  assert.is(recordPrinter(plain)(record), 'hello\n');
  assert.is(recordPrinter({ ...plain, 'print-timestamp': true, 'print-headers': true, 'print-key': true })(record), '1796000000000\tsource=cli,empty=NULL\tk1\thello\n');
  assert.is(recordPrinter({ ...plain, 'print-headers': true })(tombstone), 'NO_HEADERS\tnull\n');
  assert.is(recordPrinter({ ...plain, 'key-separator': ':' })(record), 'k1:hello\n');
});

test('--format with --json is a usage error', () => {
  assert.throws(() => recordPrinter({ ...plain, json: true, format: '%v' }), (err: Error) => err instanceof UserError && err.exitCode === 2);
});

test.run();
