import type { BrokerState, ClusterMetadata, TopicState } from '../common/cluster-types.js';

const NO_TOPICS: readonly TopicState[] = [];
import type { ClusterFile } from '../client/cluster-file.js';

/**
 * What the screen shows, derived from three sources: the supervisor's process table (cluster.json:
 * pids, ports, paused), the coordinator's metadata (registrations, heartbeats, leaders, ISR) and
 * the high watermarks polled from leaders (throughput). Pure functions: the hooks gather the
 * sources, components draw the result, tests build it from fixtures.
 */

export interface ProcessRow {
  /** `broker-1` or `zookeeper`: also the name the operator verbs take. */
  name: string;
  brokerId: number | null;
  pid: number;
  host: string;
  port: number;
  state: BrokerState;
  /** The coordinator has a live session for this pid. */
  registered: boolean;
  leads: number;
  follows: number;
  /** Since the coordinator last heard from it; -1 when unknown. */
  heartbeatAgeMs: number;
  recordsPerSec: number;
  /** Records/s of the partitions it leads now, oldest first. */
  history: number[];
}

export interface PartitionRow {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** Replicas not in the ISR. */
  outOfSync: number[];
  /** Null until the leader has answered a ListOffsets. */
  highWatermark: number | null;
  recordsPerSec: number;
  /** Records/s over the last samples, oldest first (one per poll). */
  history: number[];
}

export interface TopicRow {
  name: string;
  partitions: PartitionRow[];
  highWatermark: number | null;
  recordsPerSec: number;
  history: number[];
  /** Partitions whose ISR is smaller than their replica set. */
  underReplicated: number;
  /** Partitions without a leader. */
  offline: number;
  /** The longest replica list and out-of-sync list of its partitions, in characters ("1,2,3": 5): column widths. */
  widest: { replicas: number; outOfSync: number };
}

export interface ClusterView {
  dataDir: string;
  bootstrap: string;
  startedAtMs: number;
  coordinator: { state: BrokerState; reachable: boolean; metadataVersion: number };
  /** Brokers by id, then the coordinator. */
  processes: ProcessRow[];
  topics: TopicRow[];
  /** Records/s appended across all partitions (high-watermark deltas). */
  recordsInPerSec: number;
  /** Records/s copied to followers: each partition's rate times its in-sync followers. */
  recordsReplicatedPerSec: number;
}

export interface OffsetSample {
  highWatermark: number;
  recordsPerSec: number;
  history: number[];
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export interface ViewSources {
  dataDir: string;
  file: ClusterFile | null;
  /** Whether a pid is a live process (cluster.json may lag a crash by a moment). */
  isAlive: (pid: number) => boolean;
  metadata: ClusterMetadata | null;
  /** How long ago `metadata` arrived: heartbeat ages keep counting between answers. */
  metadataAgeMs: number;
  coordinatorReachable: boolean;
  offsets: ReadonlyMap<string, OffsetSample>;
  /** Processes the TUI asked the supervisor to restart and that are not up yet. */
  restarting: ReadonlySet<string>;
}

/** What the partitions add up to, per broker and in all: derived with the topic rows, not per frame. */
export interface PartitionLoad {
  topics: TopicRow[];
  /** By broker id: partitions led and followed, records/s of those it leads and their history. */
  brokers: ReadonlyMap<number, { leads: number; follows: number; recordsPerSec: number; history: number[] }>;
  recordsInPerSec: number;
  recordsReplicatedPerSec: number;
}

/**
 * The topics' rows from the coordinator's topics and the polled offsets, with their sums per broker.
 * The last answer is kept: a clock tick or a heartbeat refresh (same topics, same offsets) reuses it,
 * so a 1000-partition cluster is not gone over every second, and panes given the same rows need not
 * draw again.
 */
export function derivePartitionLoad(stateOf: readonly TopicState[], offsets: ReadonlyMap<string, OffsetSample>): PartitionLoad {
  if (lastLoad && lastLoad.stateOf === stateOf && lastLoad.offsets === offsets) return lastLoad.load;
  const load = computeLoad(computeTopics(stateOf, offsets));
  lastLoad = { stateOf, offsets, load };
  return load;
}

let lastLoad: { stateOf: readonly TopicState[]; offsets: ReadonlyMap<string, OffsetSample>; load: PartitionLoad } | null = null;

function computeTopics(stateOf: readonly TopicState[], offsets: ReadonlyMap<string, OffsetSample>): TopicRow[] {
  return [...stateOf]
    .map((t): TopicRow => {
      const partitions = [...t.partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((p): PartitionRow => {
          const o = offsets.get(partitionKey(t.name, p.partition));
          return {
            topic: t.name,
            partition: p.partition,
            leader: p.leader,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicas,
            isr: p.isr,
            outOfSync: p.replicas.filter((r) => !p.isr.includes(r)),
            highWatermark: o?.highWatermark ?? null,
            recordsPerSec: o?.recordsPerSec ?? 0,
            history: o?.history ?? [],
          };
        });
      const known = partitions.filter((p) => p.highWatermark !== null);
      return {
        name: t.name,
        partitions,
        highWatermark: known.length > 0 ? known.reduce((a, p) => a + p.highWatermark!, 0) : null,
        recordsPerSec: partitions.reduce((a, p) => a + p.recordsPerSec, 0),
        history: sumHistories(partitions.map((p) => p.history)),
        underReplicated: partitions.filter((p) => p.outOfSync.length > 0).length,
        offline: partitions.filter((p) => p.leader < 0).length,
        widest: {
          replicas: Math.max(0, ...partitions.map((p) => p.replicas.join(',').length)),
          outOfSync: Math.max(0, ...partitions.map((p) => p.outOfSync.join(',').length)),
        },
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function computeLoad(topics: TopicRow[]): PartitionLoad {
  const brokers = new Map<number, { leads: number; follows: number; recordsPerSec: number; histories: number[][] }>();
  const of = (id: number) => {
    let b = brokers.get(id);
    if (!b) brokers.set(id, (b = { leads: 0, follows: 0, recordsPerSec: 0, histories: [] }));
    return b;
  };
  let recordsInPerSec = 0;
  let recordsReplicatedPerSec = 0;
  for (const t of topics) {
    for (const p of t.partitions) {
      recordsInPerSec += p.recordsPerSec;
      recordsReplicatedPerSec += p.recordsPerSec * p.isr.filter((r) => r !== p.leader).length;
      if (p.leader >= 0) {
        const leader = of(p.leader);
        leader.leads++;
        leader.recordsPerSec += p.recordsPerSec;
        leader.histories.push(p.history);
      }
      for (const r of p.replicas) if (r !== p.leader) of(r).follows++;
    }
  }
  return {
    topics,
    brokers: new Map([...brokers].map(([id, b]) => [id, { leads: b.leads, follows: b.follows, recordsPerSec: b.recordsPerSec, history: sumHistories(b.histories) }])),
    recordsInPerSec,
    recordsReplicatedPerSec,
  };
}

export function deriveClusterView(s: ViewSources): ClusterView {
  const md = s.metadata;
  const registered = new Map((md?.brokers ?? []).map((b) => [b.id, b]));
  const load = derivePartitionLoad(md?.topics ?? NO_TOPICS, s.offsets);

  const fileBrokers = s.file?.brokers ?? [];
  const ids = [...new Set([...fileBrokers.map((b) => b.id), ...registered.keys()])].sort((a, b) => a - b);
  const processes: ProcessRow[] = ids.map((id) => {
    const f = fileBrokers.find((b) => b.id === id);
    const r = registered.get(id);
    const pid = f?.pid ?? r?.pid ?? -1;
    const running = pid > 0 && s.isAlive(pid);
    const isRegistered = r?.state === 'alive' && (!f || r.pid === f.pid);
    let state: BrokerState;
    if (!f) state = r?.state ?? 'dead'; // a broker started by hand, outside this supervisor
    else if (f.state === 'paused' && running) state = 'paused';
    else if (!running) state = s.restarting.has(`broker-${id}`) ? 'starting' : 'dead';
    else if (!md || !s.coordinatorReachable) state = 'alive'; // nobody to ask: the process is up
    else state = isRegistered ? 'alive' : 'starting';
    const sums = load.brokers.get(id);
    const age = r && r.lastHeartbeatAgeMs >= 0 ? r.lastHeartbeatAgeMs + (s.coordinatorReachable ? s.metadataAgeMs : 0) : -1;
    return {
      name: `broker-${id}`,
      brokerId: id,
      pid: running ? pid : -1,
      host: f?.host ?? r?.host ?? '',
      port: f?.port ?? r?.port ?? 0,
      state,
      registered: isRegistered,
      leads: sums?.leads ?? 0,
      follows: sums?.follows ?? 0,
      heartbeatAgeMs: age,
      recordsPerSec: sums?.recordsPerSec ?? 0,
      history: sums?.history ?? [],
    };
  });

  const c = s.file?.coordinator;
  const coordinatorRunning = !!c && c.pid > 0 && s.isAlive(c.pid);
  let coordinatorState: BrokerState = 'dead';
  if (coordinatorRunning) coordinatorState = c!.state === 'paused' ? 'paused' : s.coordinatorReachable ? 'alive' : 'starting';
  else if (s.restarting.has('zookeeper')) coordinatorState = 'starting';
  else if (!c && s.coordinatorReachable) coordinatorState = 'alive';
  if (c) {
    processes.push({
      name: 'zookeeper',
      brokerId: null,
      pid: coordinatorRunning ? c.pid : -1,
      host: c.host,
      port: c.port,
      state: coordinatorState,
      registered: s.coordinatorReachable,
      leads: 0,
      follows: 0,
      heartbeatAgeMs: -1,
      recordsPerSec: 0,
      history: [],
    });
  }

  return {
    dataDir: s.dataDir,
    bootstrap: s.file?.bootstrap ?? '',
    startedAtMs: s.file ? Date.parse(s.file.startedAt) : Date.now(),
    coordinator: { state: coordinatorState, reachable: s.coordinatorReachable, metadataVersion: md?.version ?? -1 },
    processes,
    topics: load.topics,
    recordsInPerSec: load.recordsInPerSec,
    recordsReplicatedPerSec: load.recordsReplicatedPerSec,
  };
}

/** Element-wise sum of histories aligned at their newest value. */
export function sumHistories(hs: number[][]): number[] {
  const len = Math.max(0, ...hs.map((h) => h.length));
  const out = new Array<number>(len).fill(0);
  for (const h of hs) for (let i = 0; i < h.length; i++) out[len - h.length + i]! += h[i]!;
  return out;
}

/**
 * Records/s per partition from successive high watermarks. A watermark that goes down (a topic
 * deleted and created again) restarts the series instead of showing a negative rate. A quiet
 * partition whose history is already all zeros keeps its sample as it is (one more 0 would not
 * change what is drawn), and `snapshot()` gives the same map while no sample changed: an idle
 * cluster's polls then change nothing downstream (no topic rows derived, no pane drawn).
 */
export class RateTracker {
  private readonly last = new Map<string, { hw: number; atMs: number }>();
  private readonly samples = new Map<string, OffsetSample>();
  private lastSnapshot: Map<string, OffsetSample> | null = null;

  constructor(private readonly historyLength = 60) {}

  /** Returns whether the high watermark moved since the last sample. */
  record(key: string, highWatermark: number, atMs: number): boolean {
    const prev = this.last.get(key);
    this.last.set(key, { hw: highWatermark, atMs });
    const old = this.samples.get(key);
    let rate = 0;
    if (prev && highWatermark >= prev.hw && atMs > prev.atMs) rate = ((highWatermark - prev.hw) * 1000) / (atMs - prev.atMs);
    if (old && prev && highWatermark === prev.hw && this.settled(old)) return false;
    const history = prev && highWatermark >= prev.hw ? [...(old?.history ?? []), rate].slice(-this.historyLength) : [];
    this.set(key, { highWatermark, recordsPerSec: rate, history });
    return prev?.hw !== highWatermark;
  }

  /** A partition whose leader did not answer this round: its rate is unknown, shown as 0. */
  idle(key: string): void {
    const old = this.samples.get(key);
    if (old && !this.settled(old)) this.set(key, { ...old, recordsPerSec: 0, history: [...old.history, 0].slice(-this.historyLength) });
  }

  /** Forgets partitions that no longer exist. */
  retain(keys: Set<string>): void {
    for (const k of [...this.samples.keys()]) if (!keys.has(k)) (this.samples.delete(k), this.last.delete(k), (this.lastSnapshot = null));
  }

  /** The samples by partition: the same map as last time when none changed. */
  snapshot(): Map<string, OffsetSample> {
    this.lastSnapshot ??= new Map(this.samples);
    return this.lastSnapshot;
  }

  /** Quiet for its whole history: another 0 changes nothing. */
  private settled(s: OffsetSample): boolean {
    return s.recordsPerSec === 0 && s.history.length === this.historyLength && s.history.every((v) => v === 0);
  }

  private set(key: string, sample: OffsetSample): void {
    this.samples.set(key, sample);
    this.lastSnapshot = null;
  }
}
