import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../src/chaos/checker.js';
import type { CoordinatorView } from '../../src/chaos/coordinator-view.js';
import { Nemesis, type FaultKind, type FaultRecord } from '../../src/chaos/nemesis.js';
import { Prng } from '../../src/chaos/prng.js';
import { formatSummary, type FaultMeasure } from '../../src/chaos/report.js';

const test = suite('chaos: the report of partitions and what cut-off leaders truncated');

function fault(n: number, kind: FaultKind, brokerId: number | null, led: number[], followed: number[] = []): FaultRecord {
  return { n, kind, target: brokerId === null ? 'zookeeper' : `broker-${brokerId}`, brokerId, atMs: 0, healedAtMs: null, led, followed, truncated: 0 };
}

test("a fault's target's truncations of what it led count for that fault; other brokers', other partitions' and other topics' do not", () => {
  const nemesis = new Nemesis({
    control: async () => undefined,
    network: null,
    kinds: ['kill'],
    view: {} as CoordinatorView,
    brokers: 3,
    partitions: 3,
    topic: 'chaos',
    rng: new Prng(1),
    clock: () => 0,
    out: () => undefined,
    signal: new AbortController().signal,
    afterFault: () => undefined,
  });
  nemesis.observe('broker-2', 'INFO [broker-2] truncating chaos-0 from 10 to 5 to match leader broker-1'); // no fault yet
  const cut = fault(1, 'partition', 2, [0], [1, 2]);
  nemesis.faults.push(cut);
  const line = (broker: number, tp: string, from: number, to: number) => `2026-12-01T10:00:00.000Z INFO [broker-${broker}] truncating ${tp} from ${from} to ${to} to match leader broker-1`;
  nemesis.observe('broker-2', line(2, 'chaos-0', 299, 291));
  nemesis.observe('broker-2', line(2, 'chaos-1', 50, 48)); // it only followed chaos-1
  nemesis.observe('broker-3', line(3, 'chaos-0', 40, 30)); // not the target
  nemesis.observe('broker-2', line(2, 'other-0', 40, 30)); // not the chaos topic
  nemesis.observe('broker-2', 'INFO [broker-2] leading chaos-0 at epoch 3');
  nemesis.observe('broker-2', line(2, 'chaos-0', 300, 298));
  assert.is(cut.truncated, 10);
});

test('the summary has a row for partitions of a leader and of the coordinator, with what the cut-off leaders truncated', () => {
  const measure = (f: FaultRecord, unavailableMs: number | null, truncated = 0, followerStallMs: number | null = null): FaultMeasure => {
    f.truncated = truncated;
    return { fault: f, unavailableMs, followerStallMs, failoverMs: null, truncated };
  };
  const measures = [
    measure(fault(1, 'partition', 1, [0], [1, 2]), 3020, 34, 2610),
    measure(fault(2, 'partition', 2, [1]), 2870, 12),
    measure(fault(3, 'partition', null, [0, 1, 2]), 20),
    measure(fault(4, 'kill', 3, [2]), 110, 0),
  ];
  const lines = formatSummary({
    check: check({ sent: 0, partitions: 3, acked: [], read: [] }),
    readDuringRun: 0,
    liveConsumerError: null,
    producerErrors: new Map(),
    measures,
    sessionTimeoutMs: 3000,
    problems: [],
  });
  const text = lines.join('\n');
  assert.match(text, /^faults: 1 kill, 0 pause, 3 partition, 0 coordinator$/m);
  assert.match(text, /^  partition of a leader\s+2\s+2\.87 s\s+3\.02 s\s+46  <= 4\.0 s: met$/m);
  assert.match(text, /^  partition of the coordinator\s+1\s+0\.02 s\s+0\.02 s\s+0$/m);
  assert.match(text, /^  kill -9 of a leader\s+1\s+0\.11 s\s+0\.11 s\s+0  <= 1\.0 s: met$/m);
  assert.match(text, /^  follower down or cut off\s+1\s+2\.61 s\s+2\.61 s\s+-$/m);
});

test.run();
