/**
 * The coordinator serves its events as typed data (WatchClusterEvents), the stream the TUI's event
 * log is drawn from: registrations and topic creation from the ring's start, then a killed broker's
 * elections, ISR shrinks and death in one long-poll answer, and typed process events from the supervisor.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { BrokerEvent, ClusterEvent, ProcessEvent, StampedClusterEvent } from '../../src/common/cluster-events.js';
import { connectToCluster } from '../../src/net/cluster-auth.js';
import type { Connection } from '../../src/net/connection.js';
import { InternalApi } from '../../src/protocol/internal-api.js';
import { followClusterEvents } from '../../src/tui/cluster-events-feed.js';
import { EventBus } from '../../src/tui/events.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { createTopic, destroyAndCheck, sleep, waitFor } from '../helpers/failover.js';

const test = suite('coordinator: typed cluster events');
let cluster: TestCluster | undefined;
let conn: Connection | undefined;
const processEvents: (ProcessEvent | BrokerEvent)[] = [];

test.after(async () => {
  conn?.close();
  await destroyAndCheck(cluster);
});

test('WatchClusterEvents: the ring from its start, then a kill as elections, ISR shrinks and a death', async () => {
  cluster = await startCluster({ brokers: 3, onEvent: (e) => processEvents.push(e) });
  await createTopic(cluster.bootstrap, 'events', 6, 3);
  const c = cluster.file.coordinator;
  conn = await connectToCluster(c.host, c.port, cluster.supervisor.clusterSecret, { clientId: 'events-test' });

  const first = await conn.request(InternalApi.WatchClusterEvents, 0, { sinceSeq: 0, maxWaitMs: 0 }, { timeoutMs: 5000 });
  const types = first.events.map((s) => s.event.type);
  assert.is(types.filter((t) => t === 'broker-registered').length, 3);
  assert.ok(first.events.some((s) => s.event.type === 'topic-created' && s.event.topic === 'events' && s.event.partitions === 6), JSON.stringify(types));
  assert.equal(first.events.map((s) => s.seq), first.events.map((_, i) => i + 1), 'numbered from 1, in order');
  assert.is(first.missed, 0);

  // A long poll from the end waits for the kill's burst, then answers with it.
  const led = new Set<number>();
  const seen: StampedClusterEvent[] = [];
  let since = first.events.at(-1)!.seq;
  const killed = cluster.supervisor.handleControl('kill', 'broker-2');
  await waitFor('broker-2 dead among the events', async () => {
    const res = await conn!.request(InternalApi.WatchClusterEvents, 0, { ringId: first.ringId, sinceSeq: since, maxWaitMs: 5000 }, { timeoutMs: 10_000 });
    assert.is(res.ringId, first.ringId);
    seen.push(...res.events);
    since = res.events.at(-1)?.seq ?? since;
    return seen.some((s) => s.event.type === 'broker-dead' && s.event.brokerId === 2);
  }, { timeoutMs: 20_000 });
  await killed;
  const of = <T extends ClusterEvent['type']>(type: T) => seen.map((s) => s.event).filter((e): e is Extract<ClusterEvent, { type: T }> => e.type === type);
  for (const e of of('leader-changed')) {
    assert.is(e.from, 2);
    assert.is(e.reason, 'broker-2 process exited');
    led.add(e.partition);
  }
  assert.is(led.size, 2, 'broker-2 led 2 of the 6 partitions');
  assert.ok(of('isr-changed').length >= 4 && of('isr-changed').every((e) => e.from.includes(2) && !e.to.includes(2)));
  assert.ok(processEvents.some((e) => e.type === 'process-exited' && e.name === 'broker-2' && e.how === 'SIGKILL'), JSON.stringify(processEvents));

  // Another ring's numbers (a coordinator restarted since) count from the start.
  const stale = await conn.request(InternalApi.WatchClusterEvents, 0, { ringId: 'an-old-ring', sinceSeq: since, maxWaitMs: 0 }, { timeoutMs: 5000 });
  assert.is(stale.events[0]?.seq, 1);
});

test('WatchMetadata brokersOnlyWhenUnchanged: an answer with nothing new carries the brokers alone', async () => {
  const full = await conn!.request(InternalApi.WatchMetadata, 0, { sinceVersion: -1, maxWaitMs: 0, brokersOnlyWhenUnchanged: true }, { timeoutMs: 5000 });
  assert.ok(full.topics.some((t) => t.name === 'events'), 'a newer version: everything');
  assert.not.ok(full.unchanged);
  const same = await conn!.request(InternalApi.WatchMetadata, 0, { sinceVersion: full.version, maxWaitMs: 50, brokersOnlyWhenUnchanged: true }, { timeoutMs: 5000 });
  assert.is(same.unchanged, true);
  assert.is(same.version, full.version);
  assert.equal(same.topics, []);
  assert.equal(same.brokers.map((b) => b.id), [1, 2, 3]);
  const old = await conn!.request(InternalApi.WatchMetadata, 0, { sinceVersion: full.version, maxWaitMs: 50 }, { timeoutMs: 5000 });
  assert.ok(old.topics.length > 0, 'without the flag: the whole metadata, as brokers and yak status get it');
});

test("the TUI's feed reads a restarted coordinator's new ring from its start", async () => {
  const bus = new EventBus();
  const c = cluster!.file.coordinator;
  // Short polls: empty answers come and go while the new ring has nothing yet.
  const stop = followClusterEvents(() => connectToCluster(c.host, c.port, cluster!.supervisor.clusterSecret, { clientId: 'events-feed-test', connectTimeoutMs: 1000 }), bus, 200);
  try {
    const texts = () => bus.recent().map((e) => e.text);
    await waitFor('the old ring read', () => texts().includes('topic events created: 6 partition(s), replication factor 3'), { timeoutMs: 10_000 });
    await cluster!.supervisor.handleControl('restart', 'zookeeper');
    await sleep(1500);
    await createTopic(cluster!.bootstrap, 'after-restart', 1, 1);
    await waitFor('the new ring\'s first event', () => texts().includes('topic after-restart created: 1 partition(s), replication factor 1'), { timeoutMs: 10_000 });
  } finally {
    stop();
  }
});

test.run();
