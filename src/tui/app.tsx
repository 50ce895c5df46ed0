import type { ConnectionSecurity } from '../net/connection.js';
import { useInput, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { EventEmitter } from 'node:events';
import type { ClusterSecret } from '../common/cluster-secret.js';
import { topicNameProblem } from '../common/topic-name.js';
import { Admin } from '../client/admin.js';
import { KafkaClient, parseBootstrap, sleep } from '../client/kafka-client.js';
import type { ControlAction } from '../protocol/internal-api.js';
import { Screen } from './components/screen.js';
import { unfoldBursts, type EventBus } from './events.js';
import { useClusterEvents } from './hooks/use-cluster-events.js';
import { useClusterFile } from './hooks/use-cluster-file.js';
import { useEventLog } from './hooks/use-event-log.js';
import { useGroups } from './hooks/use-groups.js';
import { useHighWatermarks } from './hooks/use-high-watermarks.js';
import { useMetadata } from './hooks/use-metadata.js';
import { useNow } from './hooks/use-now.js';
import { useProducer } from './hooks/use-producer.js';
import { useTail } from './hooks/use-tail.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { commandForKey, footerHints, splitKeys, type Command } from './keys.js';
import { deriveClusterView } from './model.js';
import { initialUiState, uiReducer, type UiAction, type UiState } from './ui-state.js';

/** What the TUI asks of the supervisor (tests pass a fake). */
export interface ClusterControl {
  /** kill | pause | resume | restart a process (`broker-N`, `zookeeper`); resolves with what was done. */
  act(action: ControlAction, target: string): Promise<string>;
  /** Stops the whole cluster. */
  stop(): Promise<void>;
}

export interface AppProps {
  dataDir: string;
  /** Proven to the coordinator for its metadata (the supervisor's own). */
  clusterSecret: ClusterSecret;
  /** TLS and SASL for the brokers when the cluster is secured (`yak up --security`): the admin and the CA. */
  security?: ConnectionSecurity;
  bus: EventBus;
  control: ClusterControl;
  defaults: { partitions: number; replicationFactor: number };
  /** Emits `quit` when the process is told to stop (a signal): the app stops the cluster as for `q`. */
  signals?: EventEmitter;
  /** Called once the cluster is stopped. */
  onExit: () => void;
}

/** Kinds of events after which the process table is worth reading again at once. */
const PROCESS_EVENTS = new Set(['death', 'register', 'start', 'action']);

/** `yak up` on a terminal: gathers the cluster's state with hooks, draws it with `Screen`, maps keys to actions. */
export function App({ dataDir, clusterSecret, security, bus, control, defaults, signals, onExit }: AppProps) {
  const { columns, rows } = useTerminalSize();
  const now = useNow(1000);
  const log = useEventLog(bus);
  const [ui, setUi] = useReducer((_: UiState, next: UiState) => next, undefined, initialUiState);
  // Keys arrive faster than renders (a paste, a burst of arrows): each one must see the state the
  // previous one left, so the state is reduced here synchronously and React is told afterwards.
  const uiRef = useRef(ui);
  const dispatch = useCallback((a: UiAction) => {
    uiRef.current = uiReducer(uiRef.current, a);
    setUi(uiRef.current);
  }, []);
  const [restarting, setRestarting] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const events = useMemo(() => (ui.eventsDetail ? unfoldBursts(log) : log), [log, ui.eventsDetail]);
  const nudge = useMemo(() => log.filter((e) => PROCESS_EVENTS.has(e.kind)).at(-1)?.id ?? 0, [log]);
  const table = useClusterFile(dataDir, `${nudge}/${restarting.size}`);
  // The coordinator's port has TLS when the brokers' listeners do; SASL is for the brokers only.
  const coordinatorSecurity = useMemo(() => (security?.tls ? { tls: security.tls } : undefined), [security]);
  const feed = useMetadata(table.file?.coordinator ?? null, clusterSecret, coordinatorSecurity);
  useClusterEvents(table.file?.coordinator ?? null, clusterSecret, bus, coordinatorSecurity);
  const bootstrap = table.file?.bootstrap ?? '';
  const offsets = useHighWatermarks(bootstrap, feed.metadata, security);
  const view = useMemo(
    () =>
      deriveClusterView({
        dataDir,
        file: table.file,
        isAlive: (pid) => table.livePids.has(pid),
        metadata: feed.metadata,
        metadataAgeMs: feed.receivedAtMs ? Math.max(0, Date.now() - feed.receivedAtMs) : 0,
        coordinatorReachable: feed.reachable,
        offsets,
        restarting,
      }),
    // `now` ages heartbeats between metadata answers
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dataDir, table, feed, offsets, restarting, now],
  );

  // Something is always selected once there is something to select.
  const processNames = view.processes.map((p) => p.name);
  const topicNames = view.topics.map((t) => t.name);
  useEffect(() => {
    if (processNames.length > 0 && (ui.selectedProcess === null || !processNames.includes(ui.selectedProcess))) dispatch({ type: 'select-process', names: processNames, delta: 0 });
    if (topicNames.length > 0 && ui.selectedTopic === null) dispatch({ type: 'select-topic', names: topicNames, delta: 0 });
  }, [processNames.join(), topicNames.join(), ui.selectedProcess, ui.selectedTopic]);

  const topicId = feed.metadata?.topics.find((t) => t.name === ui.selectedTopic)?.id;
  const tail = useTail(bootstrap, topicNames.includes(ui.selectedTopic ?? '') ? ui.selectedTopic : null, topicId, ui.tailStart, ui.tailEpoch, offsets, security);
  const producer = useProducer(bootstrap, security);
  const groups = useGroups(bootstrap, ui.focus === 'groups', security);
  const groupNames = groups.groups.map((g) => g.groupId);
  useEffect(() => {
    if (groupNames.length > 0 && (ui.selectedGroup === null || !groupNames.includes(ui.selectedGroup))) dispatch({ type: 'select-group', names: groupNames, delta: 0 });
  }, [groupNames.join(), ui.selectedGroup]);

  useEffect(() => {
    if (!message) return;
    const t = setTimeout(() => setMessage(null), 6000);
    return () => clearTimeout(t);
  }, [message]);

  const say = useCallback((text: string, error = false) => setMessage({ text, error }), []);
  const selected = view.processes.find((p) => p.name === ui.selectedProcess) ?? null;

  const quitting = useRef(false);
  const quit = useCallback(() => {
    if (quitting.current) return;
    quitting.current = true;
    dispatch({ type: 'stopping' });
    bus.note('action', 'stopping cluster', 'yak');
    control.stop().then(onExit, onExit);
  }, [bus, control, onExit]);
  useEffect(() => {
    if (!signals) return;
    signals.on('quit', quit);
    return () => {
      signals.off('quit', quit);
    };
  }, [signals, quit]);

  const act = async (action: ControlAction, target: string) => {
    try {
      const text = await control.act(action, target);
      bus.note('action', text);
      say(text);
    } catch (err) {
      say((err as Error).message, true);
    }
  };

  /** `r`: a dead process starts again; a running one is killed first (a crash and a restart). */
  const restart = async (target: string, running: boolean) => {
    setRestarting((s) => new Set([...s, target]));
    try {
      if (running) bus.note('action', await control.act('kill', target));
      for (let attempt = 0; ; attempt++) {
        try {
          const text = await control.act('restart', target);
          bus.note('action', text);
          say(text);
          break;
        } catch (err) {
          // Right after a kill the supervisor may not have seen the exit yet.
          if (!running || attempt >= 60 || !/is running/.test((err as Error).message)) throw err;
          await sleep(50);
        }
      }
    } catch (err) {
      say((err as Error).message, true);
    } finally {
      setRestarting((s) => new Set([...s].filter((x) => x !== target)));
    }
  };

  const submitProduce = () => {
    const ui = uiRef.current;
    const topic = ui.produce.topic.trim();
    if (!topic) {
      say('type a topic name first', true);
      dispatch({ type: 'produce-field-set', field: 'topic' });
      return;
    }
    producer.send(topic, ui.produce.key === '' ? null : ui.produce.key, ui.produce.value);
    dispatch({ type: 'produce-sent' });
    if (topic !== ui.selectedTopic) dispatch({ type: 'set-topic', name: topic });
  };

  const submitCreate = async () => {
    const c = uiRef.current.create;
    if (!c || c.busy) return;
    const name = c.name.trim();
    const partitions = Number(c.partitions);
    const rf = Number(c.replicationFactor);
    const problem = topicNameProblem(name) ?? (!Number.isInteger(partitions) || partitions < 1 ? 'partitions must be 1 or more' : !Number.isInteger(rf) || rf < 1 ? 'replication factor must be 1 or more' : null);
    if (problem) {
      dispatch({ type: 'create-error', error: problem });
      return;
    }
    if (!bootstrap) return;
    dispatch({ type: 'create-busy' });
    const client = new KafkaClient({ bootstrap: parseBootstrap(bootstrap), clientId: 'yak-tui-admin', requestTimeoutMs: 10_000, security });
    try {
      await new Admin(client).createTopic(name, partitions, rf);
      dispatch({ type: 'create-close' });
      dispatch({ type: 'set-topic', name });
      say(`created topic ${name}: ${partitions} partition(s), replication factor ${rf}`);
    } catch (err) {
      dispatch({ type: 'create-error', error: (err as Error).message });
    } finally {
      client.close();
    }
  };

  const run = (cmd: Command) => {
    const ui = uiRef.current;
    switch (cmd.type) {
      case 'quit':
        return quit();
      case 'help':
        return dispatch({ type: 'help' });
      case 'focus-step':
        return dispatch({ type: 'focus-step', delta: cmd.delta });
      case 'leave-field':
        return dispatch({ type: 'focus', pane: 'topics' });
      case 'move':
        if (ui.focus === 'brokers') return dispatch({ type: 'select-process', names: processNames, delta: cmd.delta });
        if (ui.focus === 'topics') return dispatch({ type: 'select-topic', names: topicNames, delta: cmd.delta });
        if (ui.focus === 'groups') return dispatch({ type: 'select-group', names: groupNames, delta: cmd.delta });
        if (ui.focus === 'consume') return dispatch({ type: 'scroll', pane: 'consume', delta: -cmd.delta, max: Math.max(0, tail.lines.length - 1) });
        if (ui.focus === 'events') return dispatch({ type: 'scroll', pane: 'events', delta: -cmd.delta, max: Math.max(0, events.length - 1) });
        return;
      case 'end':
        if (ui.focus === 'consume' || ui.focus === 'events') dispatch({ type: 'scroll-end', pane: ui.focus });
        return;
      case 'type-record':
        return dispatch({ type: 'produce-start' });
      case 'control': {
        const selected = view.processes.find((p) => p.name === ui.selectedProcess);
        if (!selected) return;
        const running = selected.pid > 0;
        if (cmd.action === 'kill') return void (running ? act('kill', selected.name) : say(`${selected.name} is not running (r restarts it)`, true));
        if (cmd.action === 'pause-resume') {
          if (!running) return say(`${selected.name} is not running`, true);
          return void act(selected.state === 'paused' ? 'resume' : 'pause', selected.name);
        }
        if (restarting.has(selected.name)) return;
        return void restart(selected.name, running);
      }
      case 'create-open':
        return dispatch({ type: 'create-open', partitions: defaults.partitions, replicationFactor: defaults.replicationFactor });
      case 'tail':
        return dispatch({ type: 'tail', start: cmd.start });
      case 'events-detail':
        return dispatch({ type: 'events-detail' });
      case 'groups-toggle':
        return dispatch({ type: 'groups-toggle' });
      case 'field':
        return dispatch(ui.create ? { type: 'create-field', delta: cmd.delta } : { type: 'produce-field', delta: cmd.delta });
      case 'edit':
        return dispatch(ui.create ? { type: 'create-edit', text: cmd.text } : { type: 'produce-edit', text: cmd.text });
      case 'backspace':
        return dispatch(ui.create ? { type: 'create-backspace' } : { type: 'produce-backspace' });
      case 'clear':
        return dispatch(ui.create ? { type: 'create-clear' } : { type: 'produce-clear' });
      case 'submit':
        return ui.create ? void submitCreate() : submitProduce();
      case 'cancel':
        return dispatch({ type: 'create-close' });
    }
  };

  useInput((input: string, key: Key) => {
    for (const k of splitKeys(input, key)) {
      const cmd = commandForKey(uiRef.current, k.input, k.key);
      if (cmd) run(cmd);
    }
  });

  return (
    <Screen
      view={view}
      ui={ui}
      events={events}
      groups={groups}
      tail={tail}
      produceResults={producer.results}
      footer={{ hints: footerHints(ui, selected), message }}
      nowMs={now}
      columns={columns}
      rows={rows}
    />
  );
}
