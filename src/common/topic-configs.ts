/**
 * Topic configs, by Kafka's names. YaK applies `cleanup.policy` (retention deletes only with
 * `delete` in it, the log cleaner compacts only with `compact`), the cleaner's `segment.bytes`,
 * `segment.ms`, `min.cleanable.dirty.ratio`, `min.compaction.lag.ms`, `max.compaction.lag.ms` and
 * `delete.retention.ms` (storage/log-cleaner.ts), `retention.ms`, `retention.bytes`,
 * `min.insync.replicas`, `max.message.bytes`, and the timestamp
 * rules a leader enforces: `message.timestamp.type` and `message.timestamp.difference.max.ms` with
 * its KIP-937 successors `message.timestamp.before.max.ms` / `after.max.ms`. The other names Kafka
 * defines are accepted and stored (so applications and tools that set them work), shown by
 * DescribeConfigs, and not applied. A name Kafka does not define is refused, as Kafka refuses it.
 */
export const APPLIED_TOPIC_CONFIGS = [
  'cleanup.policy', 'retention.ms', 'retention.bytes', 'min.insync.replicas', 'max.message.bytes',
  'message.timestamp.type', 'message.timestamp.difference.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.after.max.ms',
  'segment.bytes', 'segment.ms', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'max.compaction.lag.ms', 'delete.retention.ms',
] as const;

const STORED_ONLY = [
  'compression.type', 'file.delete.delay.ms', 'flush.messages', 'flush.ms',
  'follower.replication.throttled.replicas', 'index.interval.bytes', 'leader.replication.throttled.replicas',
  'local.retention.bytes', 'local.retention.ms',
  'message.downconversion.enable', 'message.format.version',
  'preallocate', 'remote.storage.enable', 'segment.index.bytes', 'segment.jitter.ms', 'unclean.leader.election.enable',
];

const KNOWN = new Set<string>([...APPLIED_TOPIC_CONFIGS, ...STORED_ONLY]);

/** Kafka's default retention: 7 days, no size limit. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Kafka's default for the message.timestamp.*.max.ms configs (Long.MAX_VALUE): no limit. */
export const NO_TIMESTAMP_LIMIT_MS = '9223372036854775807';

export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];

const isLimit = (v: string) => /^-?\d+$/.test(v) && Number(v) >= -1 && Number.isSafeInteger(Number(v));

export function isTopicConfigName(name: string): boolean {
  return KNOWN.has(name);
}

/** Why `name=value` cannot be set on a topic with replication factor `rf`, or null if it can. */
export function topicConfigProblem(name: string, value: string, rf: number): string | null {
  if (!KNOWN.has(name)) return `unknown topic config "${name}"`;
  switch (name) {
    case 'compression.type':
      return ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'].includes(value) ? null : `compression.type must be uncompressed, zstd, lz4, snappy, gzip or producer; got "${value}"`;
    case 'retention.ms':
    case 'retention.bytes':
      return isLimit(value) ? null : `${name} must be a whole number, -1 for no limit; got "${value}"`;
    case 'max.message.bytes':
      return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? null : `max.message.bytes must be a whole number of bytes, got "${value}"`;
    case 'cleanup.policy': {
      const policies = value.split(',').map((p) => p.trim());
      return policies.length > 0 && policies.every((p) => p === 'delete' || p === 'compact') ? null : `cleanup.policy must be delete, compact or both; got "${value}"`;
    }
    case 'message.timestamp.type':
      return (TIMESTAMP_TYPES as readonly string[]).includes(value) ? null : `message.timestamp.type must be CreateTime or LogAppendTime; got "${value}"`;
    case 'message.timestamp.difference.max.ms':
    case 'message.timestamp.before.max.ms':
    case 'message.timestamp.after.max.ms':
      return /^\d+$/.test(value) && BigInt(value) <= BigInt(NO_TIMESTAMP_LIMIT_MS) ? null : `${name} must be a whole number of milliseconds (${NO_TIMESTAMP_LIMIT_MS}: no limit); got "${value}"`;
    case 'min.cleanable.dirty.ratio':
      return /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value) ? null : `min.cleanable.dirty.ratio must be a number from 0 to 1; got "${value}"`;
    case 'segment.bytes':
      // Kafka's lower bound (LegacyRecord.RECORD_OVERHEAD_V0): small segments are how tests get compaction soon.
      return /^\d+$/.test(value) && Number(value) >= 14 && Number(value) <= 0x7fffffff ? null : `segment.bytes must be a whole number of bytes from 14 to 2147483647; got "${value}"`;
    case 'segment.ms':
    case 'max.compaction.lag.ms':
      return /^\d+$/.test(value) && Number(value) >= 1 && BigInt(value) <= BigInt(NO_TIMESTAMP_LIMIT_MS) ? null : `${name} must be a whole number of milliseconds, at least 1; got "${value}"`;
    case 'min.compaction.lag.ms':
    case 'delete.retention.ms':
      return /^\d+$/.test(value) && BigInt(value) <= BigInt(NO_TIMESTAMP_LIMIT_MS) ? null : `${name} must be a whole number of milliseconds; got "${value}"`;
    case 'min.insync.replicas': {
      const n = Number(value);
      return /^\d+$/.test(value) && n >= 1 && n <= rf ? null : `min.insync.replicas must be between 1 and the replication factor ${rf}, got "${value}"`;
    }
    default:
      return null;
  }
}

export interface RetentionLimits {
  /** Records older than this go (-1: no limit). */
  retentionMs: number;
  /** A log larger than this loses its oldest batches (-1: no limit). */
  retentionBytes: number;
}

export const NO_RETENTION: RetentionLimits = { retentionMs: -1, retentionBytes: -1 };

/** What the log cleaner applies to a topic (storage/log-cleaner.ts says how); Kafka's defaults where the topic sets none. */
export interface CompactionConfig {
  /** cleanup.policy has `compact`. */
  compact: boolean;
  /** A segment is at most this many bytes of stored batches (segment.bytes). */
  segmentBytes: number;
  /** A segment spans at most this long of batch timestamps: segment.ms, or max.compaction.lag.ms if smaller, as Kafka rolls a compacted log's segments. */
  segmentMs: number;
  /** Clean when dirty bytes / (clean + dirty bytes) is above this (min.cleanable.dirty.ratio). */
  minCleanableDirtyRatio: number;
  /** Records younger than this are never cleaned (min.compaction.lag.ms). */
  minCompactionLagMs: number;
  /** Dirty records older than this are cleaned whatever the dirty ratio (max.compaction.lag.ms). */
  maxCompactionLagMs: number;
  /** A tombstone stays this long after the cleaner first kept it (delete.retention.ms). */
  deleteRetentionMs: number;
}

/** Kafka's defaults: 1 GiB and 7-day segments, ratio 0.5, no lags, tombstones kept 1 day. */
export const DEFAULT_COMPACTION: CompactionConfig = {
  compact: false,
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Infinity,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
};

/** The cleaner's settings for a topic, from its configs (Long.MAX_VALUE: no limit). */
export function compactionConfig(configs: Record<string, string>): CompactionConfig {
  const ms = (name: string, fallback: number) => {
    const v = configs[name];
    return v === undefined ? fallback : v === NO_TIMESTAMP_LIMIT_MS ? Infinity : Number(v);
  };
  const maxCompactionLagMs = ms('max.compaction.lag.ms', DEFAULT_COMPACTION.maxCompactionLagMs);
  return {
    compact: (configs['cleanup.policy'] ?? 'delete').split(',').some((p) => p.trim() === 'compact'),
    segmentBytes: configs['segment.bytes'] !== undefined ? Number(configs['segment.bytes']) : DEFAULT_COMPACTION.segmentBytes,
    segmentMs: Math.min(ms('segment.ms', DEFAULT_COMPACTION.segmentMs), maxCompactionLagMs),
    minCleanableDirtyRatio: configs['min.cleanable.dirty.ratio'] !== undefined ? Number(configs['min.cleanable.dirty.ratio']) : DEFAULT_COMPACTION.minCleanableDirtyRatio,
    minCompactionLagMs: ms('min.compaction.lag.ms', DEFAULT_COMPACTION.minCompactionLagMs),
    maxCompactionLagMs,
    deleteRetentionMs: ms('delete.retention.ms', DEFAULT_COMPACTION.deleteRetentionMs),
  };
}

/** The limits retention applies to a topic: its own configs over the broker's defaults. */
export function retentionLimits(configs: Record<string, string>, defaults: RetentionLimits): RetentionLimits {
  const policy = configs['cleanup.policy'] ?? 'delete';
  if (!policy.split(',').some((p) => p.trim() === 'delete')) return NO_RETENTION;
  return {
    retentionMs: configs['retention.ms'] !== undefined ? Number(configs['retention.ms']) : defaults.retentionMs,
    retentionBytes: configs['retention.bytes'] !== undefined ? Number(configs['retention.bytes']) : defaults.retentionBytes,
  };
}

/** How a partition's leader treats record timestamps (Kafka's LogValidator; see applyTimestampPolicy). */
export interface TimestampPolicy {
  /** CreateTime: the producer's timestamps, checked; LogAppendTime: the leader stamps its clock. */
  type: TimestampType;
  /** How far behind the leader's clock a CreateTime record may be, in ms. */
  beforeMaxMs: number;
  /** How far ahead of the leader's clock a CreateTime record may be, in ms. */
  afterMaxMs: number;
}

export const DEFAULT_TIMESTAMP_POLICY: TimestampPolicy = { type: 'CreateTime', beforeMaxMs: Infinity, afterMaxMs: Infinity };

/**
 * A topic's timestamp rules: its message.timestamp.type over the broker's log.message.timestamp.type;
 * before.max.ms and after.max.ms where set to a limit, else the older difference.max.ms, as Kafka's
 * LogConfig resolves them (KIP-937); Long.MAX_VALUE everywhere means no limit.
 */
export function timestampPolicy(configs: Record<string, string>, defaultType: TimestampType): TimestampPolicy {
  const limit = (v: string | undefined) => (v === undefined || v === NO_TIMESTAMP_LIMIT_MS ? Infinity : Number(v));
  const difference = limit(configs['message.timestamp.difference.max.ms']);
  const before = limit(configs['message.timestamp.before.max.ms']);
  const after = limit(configs['message.timestamp.after.max.ms']);
  return {
    type: (configs['message.timestamp.type'] as TimestampType | undefined) ?? defaultType,
    beforeMaxMs: before === Infinity ? difference : before,
    afterMaxMs: after === Infinity ? difference : after,
  };
}
