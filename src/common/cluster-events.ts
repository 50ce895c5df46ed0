/**
 * Cluster events as typed data: what the controller decides (elections, ISR changes, registrations,
 * deaths, topics) and what the supervisor sees of its processes (starts, exits). The coordinator keeps
 * the recent ones in a ring served by WatchClusterEvents, the TUI draws them, and the log lines of
 * `yak up --headless` are rendered from them here: one wording, no log text parsed back.
 */

/** Decided by the controller (the coordinator process). */
export type ClusterEvent =
  | { type: 'broker-registered'; brokerId: number; host: string; port: number }
  | { type: 'broker-dead'; brokerId: number; reason: string }
  /** `reason` names the cause (`broker-2 process exited`); the events of one cause come in a burst. */
  | { type: 'leader-changed'; topic: string; partition: number; from: number; to: number; epoch: number; reason: string }
  | { type: 'isr-changed'; topic: string; partition: number; from: number[]; to: number[] }
  | { type: 'topic-created'; topic: string; partitions: number; replicationFactor: number }
  | { type: 'topic-deleted'; topic: string }
  | { type: 'partitions-added'; topic: string; from: number; to: number }
  | { type: 'topic-configs-changed'; topic: string; configs: Record<string, string> }
  /** `broker` is a broker id, or "" for the cluster default. */
  | { type: 'broker-configs-changed'; broker: string; configs: Record<string, string> }
  /** Names and mechanisms only: a credential's salt and keys are never logged. */
  | { type: 'user-credentials-changed'; user: string; upserted: string[]; deleted: string[] };

/** A cluster event as the coordinator's ring keeps it: numbered, stamped with the coordinator's clock. */
export interface StampedClusterEvent {
  seq: number;
  atMs: number;
  event: ClusterEvent;
}

/** Done by a broker to its own log, reported to its supervisor over IPC (`yak broker` run by hand only logs it). */
export type BrokerEvent = {
  type: 'log-truncated';
  brokerId: number;
  topic: string;
  partition: number;
  from: number;
  to: number;
  leaderId: number;
  /** How the follower learnt where its log and the leader's part (a diverging epoch, OffsetForLeaderEpoch). */
  reason: string;
};

/** Seen by the supervisor (`yak up`): its children starting and exiting. */
export type ProcessEvent =
  | { type: 'process-started'; name: string; pid: number; host: string; port: number }
  /** `how` is the signal (`SIGKILL`) or `code N`. */
  | { type: 'process-exited'; name: string; pid: number; how: string };

const brokerName = (id: number) => (id < 0 ? 'none' : `broker-${id}`);
const configList = (configs: Record<string, string>) => Object.entries(configs).map(([k, v]) => `${k}=${v}`).join(', ');

/** The log line of a cluster event (the coordinator's log, the TUI's event detail). */
export function describeClusterEvent(e: ClusterEvent): string {
  switch (e.type) {
    case 'broker-registered':
      return `broker-${e.brokerId} registered at ${e.host}:${e.port}`;
    case 'broker-dead':
      return `broker-${e.brokerId} dead (${e.reason})`;
    case 'leader-changed':
      return `${e.topic}-${e.partition} leader ${brokerName(e.from)} -> ${e.to < 0 ? 'none (offline)' : brokerName(e.to)}, epoch ${e.epoch} (${e.reason})`;
    case 'isr-changed':
      return `${e.topic}-${e.partition} ISR [${e.from.join(',')}] -> [${e.to.join(',')}]`;
    case 'topic-created':
      return `topic ${e.topic} created: ${e.partitions} partition(s), replication factor ${e.replicationFactor}`;
    case 'topic-deleted':
      return `topic ${e.topic} deleted`;
    case 'partitions-added':
      return `topic ${e.topic} grown from ${e.from} to ${e.to} partitions`;
    case 'topic-configs-changed':
      return `topic ${e.topic} configs: ${configList(e.configs)}`;
    case 'user-credentials-changed':
      return `user ${e.user} credentials: ${[...e.upserted.map((m) => `${m} set`), ...e.deleted.map((m) => `${m} deleted`)].join(', ')}`;
    case 'broker-configs-changed':
      return `dynamic configs of ${e.broker === '' ? 'every broker' : `broker-${e.broker}`}: ${configList(e.configs) || 'none'}`;
  }
}

/** The log line of a broker event (the broker's log; `yak chaos` reads truncations from it). */
export function describeBrokerEvent(e: BrokerEvent): string {
  return `truncating ${e.topic}-${e.partition} from ${e.from} to ${e.to} to match leader broker-${e.leaderId} (${e.reason})`;
}

/** The log line of a process event (the supervisor's log). */
export function describeProcessEvent(e: ProcessEvent): string {
  switch (e.type) {
    case 'process-started':
      return `${e.name} started (pid ${e.pid}, ${e.host}:${e.port})`;
    case 'process-exited':
      return `${e.name} exited (${e.how})`;
  }
}
