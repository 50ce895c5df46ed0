/**
 * The TUI's cost per frame at 120x40 with a 1000-partition topic selected (RF 3, idle): CPU per
 * redraw when only the heartbeat ages and the clock changed (what an idle screen redraws each
 * second), and CPU per high-watermark poll of a quiet cluster (offsets asked again, nothing moved).
 * The whole Screen and the model, as `yak up` draws them, into a fake 120x40 terminal.
 *
 *   node --import tsx test/bench/tui-frame-cost.tsx
 *
 * Not part of npm test (it measures, asserting nothing). The live figure is the `yak up` process's
 * CPU in tmux (README of src/tui: "Cost").
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ClusterFile } from '../../src/client/cluster-file.js';
import type { ClusterMetadata } from '../../src/common/cluster-types.js';
import { Screen } from '../../src/tui/components/screen.js';
import { footerHints } from '../../src/tui/keys.js';
import { deriveClusterView, partitionKey, RateTracker } from '../../src/tui/model.js';
import { initialUiState } from '../../src/tui/ui-state.js';

class Terminal extends EventEmitter {
  readonly columns = 120;
  readonly rows = 40;
  readonly isTTY = true;
  writes = 0;
  write = () => {
    this.writes++;
    return true;
  };
}
class Keyboard extends EventEmitter {
  readonly isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

const NOW = Date.now();
const file: ClusterFile = {
  supervisorPid: process.pid,
  startedAt: new Date(NOW - 60_000).toISOString(),
  coordinator: { host: '127.0.0.1', port: 9000, pid: process.pid, state: 'alive' },
  brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9090 + id, pid: process.pid, state: 'alive', dataDir: `/tmp/yak/broker-${id}` })),
  bootstrap: '127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093',
};
const partitions = Array.from({ length: 1000 }, (_, p) => {
  const replicas = [0, 1, 2].map((i) => ((p + i) % 3) + 1);
  return { partition: p, leader: replicas[0]!, leaderEpoch: 0, replicas, isr: replicas };
});
const topics: ClusterMetadata['topics'] = [{ name: 'big', id: 'big-id', configs: {}, partitions }];
const metadata = (frame: number): ClusterMetadata => ({
  clusterId: 'bench',
  version: 5,
  brokers: [1, 2, 3].map((id) => ({ id, host: '127.0.0.1', port: 9090 + id, pid: process.pid, state: 'alive' as const, lastHeartbeatAgeMs: 100 + (frame % 7) * 100 })),
  topics,
});
const tracker = new RateTracker();
/** One quiet poll: every partition answers the same high watermark as before. */
const poll = (frame: number) => {
  for (const p of partitions) tracker.record(partitionKey('big', p.partition), 0, NOW + frame * 1000);
  return tracker.snapshot();
};
for (let i = 0; i < 70; i++) poll(i);
let offsets = poll(70);

const ui = { ...initialUiState(), selectedTopic: 'big', selectedProcess: 'broker-1' };
const screen = (frame: number) => {
  const view = deriveClusterView({ dataDir: '/tmp/yak', file, isAlive: () => true, metadata: metadata(frame), metadataAgeMs: 0, coordinatorReachable: true, offsets, restarting: new Set() });
  return (
    <Screen
      view={view}
      ui={ui}
      events={[]}
      groups={{ groups: [], status: null }}
      tail={{ lines: [], status: null }}
      produceResults={[]}
      footer={{ hints: footerHints(ui, view.processes[0] ?? null), message: null }}
      nowMs={NOW + frame * 1000}
      columns={120}
      rows={40}
    />
  );
};

const terminal = new Terminal();
// debug: every rerender draws at once (no frame throttle), as each second's one render does.
const ink = render(screen(0), { stdout: terminal as never, stderr: terminal as never, stdin: new Keyboard() as never, debug: true, exitOnCtrlC: false, patchConsole: false });
const cpuMs = (body: () => void, n: number) => {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) body();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
};
let frame = 1;
cpuMs(() => ink.rerender(screen(frame++)), 50); // warm up
const redraw = cpuMs(() => ink.rerender(screen(frame++)), 200);
const quietPoll = cpuMs(() => {
  offsets = poll(frame);
  ink.rerender(screen(frame++));
}, 100);
ink.unmount();
console.log(`redraw (heartbeats and clock): ${redraw.toFixed(2)} ms CPU; quiet high-watermark poll and redraw: ${quietPoll.toFixed(2)} ms CPU (${terminal.writes} frames written)`);
process.exit(0);
