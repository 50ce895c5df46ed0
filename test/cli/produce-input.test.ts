import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserError } from '../../src/common/errors.js';
import { jsonLineReader, parseHeaderFlags, textLineReader } from '../../src/cli/produce-input.js';

const b = (s: string) => Buffer.from(s);

test('-H name=value flags become headers in order (a value may hold =); no = is a usage error', () => {
  assert.equal(parseHeaderFlags(['a=1', 'b=x=y', 'a=2', 'e=']), [{ key: 'a', value: b('1') }, { key: 'b', value: b('x=y') }, { key: 'a', value: b('2') }, { key: 'e', value: b('') }]);
  assert.throws(() => parseHeaderFlags(['novalue']), (err: Error) => err instanceof UserError && err.exitCode === 2);
});

test('text lines: the value, with -k one key, with -K a key split off each line', () => {
  const headers = [{ key: 'h', value: b('1') }];
  assert.equal(textLineReader({ headers, key: b('K') })('v', 1), { key: b('K'), value: b('v'), headers, partition: undefined });
  assert.equal(textLineReader({ headers: [], keySeparator: '::', partition: 1 })('a::b::c', 1), { key: b('a'), value: b('b::c'), headers: [], partition: 1 });
  assert.throws(() => textLineReader({ headers: [], keySeparator: ':' })('nokey', 7), /line 7 has no key separator ":"/);
});

test('--json lines: key, value, headers (array or object), partition, timestamp; consume --json output is accepted', () => {
  const read = jsonLineReader({ encoding: 'utf8', headers: [{ key: 'from', value: b('cli') }] });
  assert.equal(read('{"key":"k","value":"v","headers":{"a":"1","n":null},"partition":2,"timestamp":1000}', 1), {
    key: b('k'), value: b('v'), headers: [{ key: 'from', value: b('cli') }, { key: 'a', value: b('1') }, { key: 'n', value: null }], partition: 2, timestamp: 1000,
  });
  const consumed = '{"topic":"t","partition":0,"offset":5,"timestamp":7,"key":null,"value":null,"headers":[{"key":"x","value":"y"}]}';
  assert.equal(read(consumed, 1), { key: null, value: null, headers: [{ key: 'from', value: b('cli') }, { key: 'x', value: b('y') }], partition: 0, timestamp: 7 });
  const read64 = jsonLineReader({ encoding: 'base64', headers: [], key: b('default'), partition: 1 });
  assert.equal(read64('{"value":"/wD+"}', 1), { key: b('default'), value: Buffer.from([0xff, 0, 0xfe]), headers: [], partition: 1, timestamp: undefined });
});

test('--json lines that are wrong say which line and why', () => {
  const read = jsonLineReader({ encoding: 'utf8', headers: [] });
  const cases: [string, RegExp][] = [
    ['not json', /line 3: not JSON/],
    ['[1]', /line 3: want a JSON object/],
    ['{"key":"k"}', /line 3: no "value"/],
    ['{"vaule":"v","value":"v"}', /line 3: unknown field\(s\) "vaule"/],
    ['{"value":5}', /line 3: value must be a string or null/],
    ['{"value":"v","partition":-1}', /line 3: partition must be a whole number/],
    ['{"value":"v","headers":"h"}', /line 3: headers must be/],
    ['{"value":"v","headers":[{"value":"x"}]}', /line 3: headers\[0\] must be/],
  ];
  for (const [line, message] of cases) assert.throws(() => read(line, 3), message, line);
});

test.run();
