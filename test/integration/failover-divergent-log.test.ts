/**
 * A divergent log (KIP-101): the leader takes acks=1 writes its followers never get, then dies; a
 * follower is elected at a new epoch and takes acks=all writes at the same offsets. When the old
 * leader returns it must truncate its divergent tail (using the diverging epoch its first Fetch v12
 * is answered, not its high watermark) and copy the new leader's records, so that in the end every replica holds the same log:
 * every acks=all record, none of the acks=1 records only the old leader had.
 *
 * It is played twice on one partition: first with a divergent tail longer than what the new leader
 * writes meanwhile (the old leader's log end is past the new leader's), then with a shorter one (its
 * log end is inside the new leader's records, so without truncation it would silently fetch on from
 * there and keep a mix of both histories).
 *
 * How the followers are kept from fetching while staying in the ISR: they are paused (SIGSTOP) for
 * well under the session timeout, so the coordinator still counts them alive and in sync. A paused
 * follower may still have a fetch waiting at the leader (long poll); a first acks=1 record, M, is
 * written to answer it, so the leader holds no follower fetch when the divergent records, B, come.
 * M may or may not reach a follower (it sits unread in its socket when the leader dies): the test
 * accepts either, as long as every replica ends up agreeing.
 */
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeRecordBatches } from '../../src/protocol/record-batch.js';
import { LogStore } from '../../src/storage/log-store.js';
import { describeBrokerEvent, type BrokerEvent } from '../../src/common/cluster-events.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import {
  assertProduced,
  bootstrapOf,
  createTopic,
  connectTo,
  coordinatorMetadata,
  destroyAndCheck,
  partitionOf,
  produceAcked,
  produceRaw,
  waitFor,
} from '../helpers/failover.js';
import { fetchAll } from '../helpers/wire.js';

const test = suite('failover: the old leader truncates its divergent tail when it returns');
const TOPIC = 'failover-divergent';
let cluster: TestCluster;
/** The truncations the brokers reported to the supervisor. */
const truncated: BrokerEvent[] = [];
let preferred = -1;
/** The records every replica must hold so far, in order. */
let agreed: string[] = [];

const A = Array.from({ length: 30 }, (_, i) => `A${i}`);

test.before(async () => {
  // The followers are paused for about a second: far below the session timeout, so they stay alive and in the ISR.
  cluster = await startCluster({ brokers: 3, sessionTimeoutMs: 8000, onEvent: (e) => void (e.type === 'log-truncated' && truncated.push(e)) });
  await createTopic(cluster.bootstrap, TOPIC, 1, 3);
});

test.after(async () => {
  await destroyAndCheck(cluster);
});

const values = (records: { value: Buffer | null }[]) => records.map((r) => r.value!.toString());

async function served(id: number): Promise<string[]> {
  const conn = await connectTo(cluster, id);
  try {
    return values(await fetchAll(conn, TOPIC, 0));
  } finally {
    conn.close();
  }
}

const truncations = (id: number) => cluster.log.filter((l) => l.startsWith(`broker-${id}:`) && new RegExp(`truncating ${TOPIC}-0 from \\d+ to \\d+`).test(l));

test('A is written with acks=all to all three replicas', async () => {
  const p = partitionOf(await coordinatorMetadata(cluster), TOPIC, 0);
  assert.is(p.leaderEpoch, 0);
  assert.is(p.isr.length, 3);
  preferred = p.leader;
  assert.is(p.replicas[0], preferred);
  const conn = await connectTo(cluster, preferred);
  try {
    for (let i = 0; i < A.length; i += 10) assertProduced(await produceRaw(conn, TOPIC, 0, A.slice(i, i + 10), -1), 'A');
  } finally {
    conn.close();
  }
  agreed = [...A];
  assert.equal(await served(preferred), agreed);
});

function round(n: number, divergent: number, replacing: number): void {
  const M = [`M${n}`]; // acks=1 while the followers are paused: may or may not survive
  const B = Array.from({ length: divergent }, (_, i) => `B${n}-${i}`); // acks=1 on the old leader alone: must vanish
  const C = Array.from({ length: replacing }, (_, i) => `C${n}-${i}`); // acks=all on the new leader, at B's offsets
  const D = Array.from({ length: 10 }, (_, i) => `D${n}-${i}`); // acks=all once the old leader leads again
  const oldLeader = () => preferred;
  let followers: number[] = [];
  let newLeader = -1;
  let epoch = -1;
  let truncatedBefore = 0;

  test(`round ${n}: with both followers paused, the leader acknowledges ${divergent} records with acks=1 alone; it is killed and a follower is elected`, async () => {
    const p = partitionOf(await coordinatorMetadata(cluster), TOPIC, 0);
    assert.is(p.leader, oldLeader());
    assert.is(p.isr.length, 3);
    epoch = p.leaderEpoch;
    followers = p.replicas.filter((r) => r !== oldLeader());
    truncatedBefore = truncations(oldLeader()).length;
    const conn = await connectTo(cluster, oldLeader());
    try {
      for (const f of followers) await cluster.supervisor.handleControl('pause', `broker-${f}`);
      // Answers any fetch a follower left waiting at the leader (see the file comment).
      assertProduced(await produceRaw(conn, TOPIC, 0, M, 1), 'M');
      for (let i = 0; i < B.length; i += 10) assertProduced(await produceRaw(conn, TOPIC, 0, B.slice(i, i + 10), 1), 'B');
      const still = partitionOf(await coordinatorMetadata(cluster), TOPIC, 0);
      assert.is(still.leader, oldLeader());
      assert.is(still.isr.length, 3, `the paused followers are still in the ISR (${still.isr})`);
    } finally {
      conn.close();
    }
    await cluster.supervisor.handleControl('kill', `broker-${oldLeader()}`);
    const md = await waitFor(
      'a new leader',
      async () => {
        const m = await coordinatorMetadata(cluster);
        const q = partitionOf(m, TOPIC, 0);
        return q.leader !== oldLeader() && q.leader > 0 ? m : null;
      },
      { timeoutMs: 5000, intervalMs: 20 },
    );
    const q = partitionOf(md, TOPIC, 0);
    newLeader = q.leader;
    assert.ok(followers.includes(newLeader));
    assert.is(q.leaderEpoch, epoch + 1);
    assert.equal([...q.isr].sort(), [...followers].sort(), 'the surviving followers form the ISR');
    for (const f of followers) await cluster.supervisor.handleControl('resume', `broker-${f}`);
  });

  test(`round ${n}: the new leader takes ${replacing} records with acks=all at the offsets where the old leader had the divergent ones`, async () => {
    await produceAcked(bootstrapOf(cluster, followers), TOPIC, 0, C, 20_000);
    const log = await served(newLeader);
    // M is the one record whose fate is open: it is right after what was agreed, or absent.
    if (log[agreed.length] === M[0]) agreed.push(...M);
    agreed.push(...C);
    assert.equal(log, agreed);
    assert.not.ok(log.some((v) => v.startsWith(`B${n}-`)), 'no divergent record on the new leader');
  });

  test(`round ${n}: the old leader restarts, truncates its tail, rejoins the ISR and leads again as preferred replica`, async () => {
    await cluster.supervisor.handleControl('restart', `broker-${oldLeader()}`);
    const md = await waitFor(
      `broker-${oldLeader()} in the ISR and leading again`,
      async () => {
        const m = await coordinatorMetadata(cluster);
        const p = partitionOf(m, TOPIC, 0);
        return p.isr.length === 3 && p.leader === oldLeader() ? m : null;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    assert.ok(partitionOf(md, TOPIC, 0).leaderEpoch >= epoch + 2);
    assert.is(truncations(oldLeader()).length, truncatedBefore + 1, 'the old leader logged one truncation');
    // The same truncation reached the supervisor as data (the TUI's event log), not only as a line.
    const line = truncations(oldLeader()).at(-1)!;
    const reported = truncated.filter((e) => e.brokerId === oldLeader()).at(-1);
    assert.ok(reported, 'a log-truncated event from the old leader');
    assert.ok(line.endsWith(describeBrokerEvent(reported)), `${line} is the event's line`);
    assert.is(reported.topic, TOPIC);
    assert.ok(reported.to < reported.from);
    assert.match(line, '(diverging epoch: ', 'learnt from its first fetch (KIP-595), with no OffsetForLeaderEpoch round trip');

    await produceAcked(cluster.bootstrap, TOPIC, 0, D, 20_000);
    agreed.push(...D);
    assert.equal(await served(oldLeader()), agreed);
  });
}

round(1, 50, 20); // divergent tail longer than the new leader's writes
round(2, 5, 20); // shorter: the old log end falls inside the new leader's records

test('all three replicas hold byte-identical logs and leader-epoch caches', async () => {
  await cluster.stop();
  const logs = cluster.file.brokers.map((b) => {
    const store = new LogStore(path.join(cluster.dataDir, `broker-${b.id}`));
    try {
      const p = store.partition(TOPIC, 0);
      const bytes = Buffer.concat(p.read(0, p.logEndOffset, 1 << 30));
      return { id: b.id, logEndOffset: p.logEndOffset, epochs: p.epochs, bytes, values: decodeRecordBatches(bytes).flatMap((x) => values(x.records)) };
    } finally {
      store.close();
    }
  });
  for (const l of logs) {
    assert.equal(l.values, agreed, `broker-${l.id} records`);
    assert.is(l.logEndOffset, agreed.length, `broker-${l.id} log end`);
    assert.equal(l.epochs, logs[0]!.epochs, `broker-${l.id} epoch cache`);
    assert.ok(l.bytes.equals(logs[0]!.bytes), `broker-${l.id} bytes`);
  }
  // Two rounds of (failover, preferred leader back) on top of epoch 0: epochs 0..4, each starting at a batch.
  assert.equal(logs[0]!.epochs.map((e) => e.epoch), [0, 1, 2, 3, 4], JSON.stringify(logs[0]!.epochs));
});

test.run();
