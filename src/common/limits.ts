/**
 * Every limit YaK enforces, in one place, each named with its unit (TigerBeetle's habit). Related
 * limits are asserted against each other by `assertLimits()`, which every process calls at start-up,
 * so a change that breaks a relation fails at once instead of under load.
 *
 * Where Kafka has the same limit, its config name is given; the value is Kafka's default unless a
 * comment says why not.
 */

// ---- Wire: frames and connections (src/net) ----

/** Largest request or response frame a peer may send (Kafka's `socket.request.max.bytes`, 100 MiB). */
export const maxFrameBytes = 100 * 1024 * 1024;
/** Requests read ahead of their responses on one connection before the socket is paused. */
export const maxInFlightRequestsPerConnection = 64;
/**
 * Request bytes one connection may hold at once: its half-read frame (reserved at its declared size
 * before any of its bytes are buffered) plus its requests still being handled. Past it the
 * connection is paused, not closed: one whole max-size frame always fits.
 */
export const maxQueuedRequestBytesPerConnection = maxFrameBytes;
/**
 * Request bytes a whole server (one broker's listener, say) may hold across its connections, reserved
 * the same way (Kafka's `queued.max.request.bytes`, unbounded there by default). One max-size produce
 * fits with room for everyone else's small requests; ten half-sent 99 MB frames cannot take 1 GB: a
 * connection whose frame does not fit waits, paused (its bytes stay in the kernel), until bytes are
 * released or its read timeout closes it.
 */
export const maxQueuedRequestBytesPerServer = maxFrameBytes + 28 * 1024 * 1024;
/**
 * A frame must arrive whole within this of its first byte (time the server itself stopped reading,
 * for backpressure, not counted; time waiting for the per-server budget counted). Kafka has no such
 * limit (it relies on `connections.max.idle.ms`); without it a half-sent frame holds its reserved
 * bytes for 10 minutes. 100 MiB at 10 MB/s takes 10 s.
 */
export const frameReadTimeoutMs = 30_000;
/**
 * Buffers of at least this many bytes (a fetch answer's record batches) go into a frame by reference
 * instead of being copied into it (`Writer.raw`): the frame leaves as a list of chunks, one writev.
 * Smaller ones are copied: a chunk costs a write-queue entry and an iovec, more than copying a few KiB.
 */
export const frameViewMinBytes = 4096;
/**
 * The read buffer of a client connection (net.Socket `onread`), reused for every read: Node's default
 * allocates one of 64 KiB per read, and a consumer reading 100 MB/s paid its allocation, page faults
 * and GC. Frames are copied out of it anyway (a fetch answer spans many reads). 64 KiB as Node's.
 */
export const clientReadBufferBytes = 64 * 1024;
/** A connection with nothing in flight and no bytes for this long is closed (Kafka's `connections.max.idle.ms`). */
export const connectionsMaxIdleMs = 10 * 60 * 1000;
/**
 * Connections one server accepts at once (Kafka's `max.connections`; unbounded there). Each costs a
 * file descriptor; far below a usual `ulimit -n`, far above what a local cluster's clients need.
 */
export const maxConnectionsPerServer = 4096;
/**
 * Connections one server accepts from one address (Kafka's `max.connections.per.ip`; unbounded
 * there). On one machine every client and broker comes from 127.0.0.1, so this equals the total.
 */
export const maxConnectionsPerIp = maxConnectionsPerServer;
/** Largest frame the supervisor's control endpoint reads: its commands are a verb and a process name. */
export const maxControlFrameBytes = 64 * 1024;
/**
 * Largest frame a connection may send before it has authenticated on a SASL listener (Kafka's
 * sasl.server.max.receive.size): a stranger cannot make the broker buffer a 100 MiB request.
 */
export const saslServerMaxReceiveBytes = 512 * 1024;
/** Fewest and most PBKDF2 iterations a SCRAM credential may have (Kafka's ScramMechanism bounds). */
export const scramMinIterations = 4096;
export const scramMaxIterations = 16384;

/** What a FrameServer enforces; each server takes `listenerLimits` and may override some. */
export interface ListenerLimits {
  maxFrameBytes: number;
  maxInFlightRequestsPerConnection: number;
  maxQueuedRequestBytesPerConnection: number;
  maxQueuedRequestBytesPerServer: number;
  frameReadTimeoutMs: number;
  connectionsMaxIdleMs: number;
  maxConnectionsPerServer: number;
  maxConnectionsPerIp: number;
}

/** The limits of a broker's Kafka listener and the coordinator's port. */
export const listenerLimits: Readonly<ListenerLimits> = {
  maxFrameBytes,
  maxInFlightRequestsPerConnection,
  maxQueuedRequestBytesPerConnection,
  maxQueuedRequestBytesPerServer,
  frameReadTimeoutMs,
  connectionsMaxIdleMs,
  maxConnectionsPerServer,
  maxConnectionsPerIp,
};

/** The supervisor's control endpoint (its port is in the world-readable cluster.json): small frames, few clients. */
export const controlListenerLimits: Readonly<ListenerLimits> = {
  ...listenerLimits,
  maxFrameBytes: maxControlFrameBytes,
  maxQueuedRequestBytesPerConnection: maxControlFrameBytes,
  maxQueuedRequestBytesPerServer: 16 * maxControlFrameBytes,
  maxConnectionsPerServer: 64,
  maxConnectionsPerIp: 64,
};

/** Throws if a server's limits contradict each other; FrameServer checks its own (overridden) ones too. */
export function assertListenerLimits(l: ListenerLimits, what = 'listener'): void {
  const check = (ok: boolean, relation: string) => {
    if (!ok) throw new Error(`${what} limits contradict each other: ${relation}`);
  };
  for (const [name, v] of Object.entries(l)) check(Number.isInteger(v) && v > 0, `${name} must be a positive whole number, got ${v}`);
  check(l.maxQueuedRequestBytesPerConnection >= l.maxFrameBytes, 'one connection must be able to hold one max-size frame');
  check(l.maxQueuedRequestBytesPerServer >= l.maxQueuedRequestBytesPerConnection, 'the server must be able to hold what one connection may');
  check(l.maxConnectionsPerServer >= l.maxConnectionsPerIp, 'the per-address connection limit cannot exceed the total');
}

// ---- Records ----

/** Largest size one compressed batch may decompress to; past it the batch is CORRUPT_MESSAGE. */
export const maxDecompressedBytes = 128 * 1024 * 1024;
/**
 * Record bytes one Fetch response may carry, whatever maxBytes the client asks for (Kafka's broker
 * `fetch.max.bytes`, 55 MiB): a client listing a partition a thousand times with maxBytes 2^31-1
 * would otherwise have the broker build a response of a thousand copies of its log. The first batch
 * is returned even when larger (KIP-74), so a consumer never stalls on a big batch.
 */
export const fetchMaxBytes = 55 * 1024 * 1024;
/**
 * Record bytes of Fetch answers one connection may have being assembled or waiting to be written at
 * once. Kafka has no twin: it handles one request per connection at a time and sends records from
 * the page cache (zero-copy), so it never holds them; YaK reads them from SQLite into Buffers and
 * pipelines up to `maxInFlightRequestsPerConnection` requests, so without it one client asking 64
 * full Fetches has a broker build 64 x fetch.max.bytes (3.5 GB). One full answer fits.
 */
export const fetchResponseBytesPerConnection = fetchMaxBytes;
/**
 * Record bytes of consumers' Fetch answers (replica id -1) one broker may have being assembled or
 * waiting to be written, across connections (no Kafka twin, see above). A fetch reserves what it may
 * read before reading; what it cannot get it does not read (fewer bytes, or none after waiting up to
 * its maxWaitMs). Four full answers at once: a few busy consumers at full speed.
 */
export const consumerFetchResponseBytesPerBroker = 4 * fetchMaxBytes;
/**
 * The same for followers' fetches (replica id >= 0), a share of their own so consumers can never
 * starve replication (and acks=all produce behind it): one full answer for each of 4 followers.
 */
export const replicaFetchResponseBytesPerBroker = 4 * fetchMaxBytes;
/**
 * A fetch that must wait for response bytes starts reading once at least this much (or all it asked
 * for, if less) is free, rather than crumbs; progress is kept as the first batch always comes whole.
 */
export const minFetchResponseGrantBytes = 1024 * 1024;
/**
 * Fetch sessions (KIP-227) one broker keeps at once (Kafka's `max.incremental.fetch.session.cache.slots`):
 * each holds a consumer's partitions and their positions. Past it a new session takes the slot of one
 * idle for `fetchSessionEvictionMs`, or of a smaller one; else the client fetches without a session.
 */
export const maxIncrementalFetchSessionCacheSlots = 1000;
/** A fetch session unused for this long may be evicted for a new one (Kafka's FetchSessionCache eviction time, 120 s). */
export const fetchSessionEvictionMs = 120_000;
/**
 * Partitions all of a broker's fetch sessions hold together (each a few hundred bytes). Kafka has no
 * such bound; without it, requests naming millions of partitions could grow the session cache
 * without limit. 100 000 is far beyond what local consumers fetch from one broker.
 */
export const maxFetchSessionCachePartitions = 100_000;

// ---- Storage ----

/**
 * Batches a broker remembers per idempotent producer and partition (Kafka's ProducerStateEntry keeps
 * 5): a retry of any of them is recognised as a duplicate and answered with its original offset.
 */
export const producerStateBatchesRemembered = 5;

/**
 * How often a broker writes its changed high watermarks to log.db (Kafka's
 * `replica.high.watermark.checkpoint.interval.ms`, 5000; shorter here, as one small transaction is
 * cheap): a checkpoint that failed (full disk) is retried on the next one.
 */
export const highWatermarkCheckpointIntervalMs = 1000;
/**
 * How long a leader waits for the ISR to replicate a transaction marker before answering
 * WriteTxnMarkers REQUEST_TIMED_OUT (Kafka appends markers with acks=all and its `request.timeout.ms`, 30 s);
 * the coordinator sends it again.
 */
export const txnMarkerReplicationTimeoutMs = 30_000;
/**
 * How often the WAL checkpointer's worker thread copies log.db's WAL into the database file
 * (storage/wal-checkpointer.ts; no Kafka twin: Kafka's segments are the log itself). Between two, the
 * WAL grows by what the broker writes in this long.
 */
export const walCheckpointIntervalMs = 100;
/**
 * WAL pages past which the broker's event loop finishes a checkpoint itself so that the WAL starts
 * over from its beginning (SQLite's `wal_autocheckpoint` counts pages too, 1000 by default, and copies
 * them all inside a commit on the event loop; here the loop copies only what was written during the
 * worker's last pass, but still syncs both files, a few ms when the disk is busy). 8000 pages: 32 MiB
 * of WAL, about 3 s of a broker's writes under `bench e2e`; the WAL holds at most twice as many.
 */
export const walCheckpointRestartPages = 8000;
/** Pages the worker leaves for the event loop's pass to copy, about (see walCheckpointRestartPages). */
export const walCheckpointLoopPages = 128;
/**
 * The WAL checkpointer's worker stops after this long with nothing to copy (a worker thread costs
 * about 10 MB of RSS, which an idle broker should not hold)...
 */
export const walCheckpointerIdleStopMs = 10_000;
/**
 * ...and starts again after this many commits: a broker that writes now and then (start-up's leader
 * epochs, a few records) leaves its checkpoints to SQLite's auto-checkpoint, whose stall comes once
 * per 1000 pages, rarely at that rate.
 */
export const walCheckpointerStartCommits = 100;
/** How long closing log.db waits for the checkpointer's worker to finish a pass and close its connection. */
export const walCheckpointerCloseTimeoutMs = 5000;
/** How long a follower's fetcher waits after its log.db refused a write (full disk, I/O error) before fetching again. */
export const storageFaultRetryMs = 1000;
/**
 * Stored batch bytes the log cleaner reads or rewrites in one synchronous step, one SQLite
 * transaction for a rewrite, before it lets the broker's event loop run again (no Kafka twin: its
 * cleaner threads never hold up requests; Kafka's `log.cleaner.io.buffer.size` is the nearest).
 * Measured: a pass over 1,000,000 records (117 MB) never held the event loop more than 17 ms.
 */
export const logCleanerChunkBytes = 1024 * 1024;
/**
 * Dirty batch bytes one cleaning pass reads into its key map (Kafka bounds the map itself,
 * `log.cleaner.dedupe.buffer.size`, 128 MiB); the rest of the dirty part waits for the next pass. The
 * map holds each distinct key once, so it is at most about this big.
 */
export const logCleanerDirtyBytesPerPass = 64 * 1024 * 1024;
/**
 * Batch rows (their columns, not their bytes) the log cleaner walks in one synchronous step while it
 * plans, before letting the event loop run: about 15 ms here for rows of 11 KB batches. A log of
 * small batches (`__consumer_offsets`: one per commit) has millions of rows.
 */
export const logCleanerPlanBatchesPerStep = 5000;
/** How long the log cleaner sleeps when no log needs cleaning (Kafka's `log.cleaner.backoff.ms`, 15000). */
export const logCleanerBackoffMs = 15_000;
/**
 * Bytes of recently appended batches a broker keeps in memory for every partition it leads together
 * (storage/recent-batches.ts), so followers and consumers reading the tail of a log are answered
 * without SQLite (Kafka leaves this to the page cache; no config). 8 MiB is about 1.5 s of a
 * 3-broker acks=all bench's leader appends on one broker, much more than a caught-up follower is behind.
 */
export const recentBatchesCacheBytes = 8 * 1024 * 1024;
/**
 * Buffers the recent-batches cache copies small batches into, one after another (storage/recent-batches.ts;
 * no Kafka twin). A batch kept as it came keeps its request frame alive for 10-20 s: frames under
 * clusterProcessMallocMmapThresholdBytes (a bench's 16 KiB) come from glibc's heap, which keeps every
 * page it grew to, so a broker ended a 1M-record acks=all bench with 18-21 MB in it. A slab is mapped
 * apart (far above that threshold) and unmapped once its batches are all evicted and collected; the
 * frames die young. 1 MiB: an eighth of the cache; besides the budget, at most the oldest slab's evicted
 * part and the newest one's unfilled part are held.
 */
export const recentBatchesSlabBytes = 1024 * 1024;
/**
 * How long a batch stays in the recent-batches cache at least (at most twice this): the reads it is
 * for come within milliseconds of the append, and an idle broker should not keep a bench's last
 * 8 MiB (no Kafka twin: the OS evicts Kafka's page cache under memory pressure).
 */
export const recentBatchesMaxAgeMs = 10_000;
/**
 * SQLite's page cache per database connection (each broker's log.db, the coordinator's
 * coordinator.db), `PRAGMA cache_size` (no Kafka twin: Kafka leaves caching to the OS's page cache,
 * as this does for what falls out). better-sqlite3 builds SQLite with 16 MiB, which a broker filled
 * during one bench and kept; appends touch only the right edge of the batches b-tree and recent
 * reads come from the recent-batches cache, so SQLite's own default of 2 MiB costs no CPU.
 */
export const sqlitePageCacheKiB = 2048;
/**
 * What each broker's resident memory (RSS) stays below while `yak bench produce --acks all` runs
 * against a 3-broker cluster and a consumer reads 55 MiB fetches from the start of the log meanwhile
 * (test/integration/broker-memory-bound.test.ts; no Kafka twin: the JVM's -Xmx bounds its heap
 * alone). It is about 60 MiB idle (node, the broker's code, SQLite), V8's heap and compiled code grow
 * under load, plus the recent-batches cache, SQLite's page cache and the fetch answers in flight.
 * Measured: 100-130 MiB peak. Not enforced by the broker (the budgets above are); past it is a leak.
 */
export const brokerRssBoundMiB = 256;

// ---- Cluster control plane (coordinator, supervisor) ----

/**
 * Each semi-space of V8's young generation in the coordinator and broker processes the supervisor
 * forks (node's `--max-semi-space-size`; no Kafka twin, the JVM's -Xmn is nearest). V8 grows them to
 * 16 MiB each under a bench's allocation rate and keeps them. At 2 MiB a broker ended a 1M-record
 * acks=all bench at 119-129 MB RSS instead of 130-152, with no more CPU (the cluster's 7.8-8.0 s
 * against 8.2-8.5 s, clusters run side by side).
 */
export const clusterProcessSemiSpaceMiB = 2;
/**
 * glibc malloc arenas of each coordinator and broker process the supervisor forks (glibc's
 * `MALLOC_ARENA_MAX`, set in their environment unless the user's sets it; ignored by other C
 * libraries; no Kafka twin). glibc's default, 8 per core, gives each of node's threads that allocates
 * (GC, compiler, libuv pool) an arena of its own, and what is freed stays in the arena it came from:
 * after a 1M-record acks=all bench the brokers kept 100-126 MB RSS each, with one arena 89-95 MB
 * (2: 92-115), and no more CPU (the brokers' 7.9-8.9 s against 8.2-9.2 s, runs alternated).
 */
export const clusterProcessMallocArenas = 1;
/**
 * Size from which glibc malloc gives each allocation a mapping of its own, unmapped when freed
 * (`MALLOC_MMAP_THRESHOLD_`, set like clusterProcessMallocArenas). glibc's default starts at 128 KiB
 * and rises to the size of every mapped block freed, up to 32 MiB, so a bench's record batches,
 * socket reads and fetch answers came from the heap instead, and what was freed stayed resident
 * behind whatever was allocated after it. Fixed at 32 KiB (which also fixes the trim threshold
 * below): 25 s after a 1M-record acks=all bench the cluster held 381-394 MB instead of 397-468, its
 * brokers peaked at 97-106 MB instead of 101-130, for no CPU beyond the noise (the brokers' 7.6-9.4 s,
 * median 8.1, against 7.6-9.6 s, median 7.9; 4 runs each, alternated). 16 KiB: the same memory;
 * 8 KiB: 40% more CPU.
 */
export const clusterProcessMallocMmapThresholdBytes = 32 * 1024;
/** Free memory at the top of glibc's heap past which free() gives it back (`MALLOC_TRIM_THRESHOLD_`): glibc's default, kept from rising with the mmap threshold. */
export const clusterProcessMallocTrimThresholdBytes = 128 * 1024;

/**
 * Largest frame the coordinator and the supervisor's control endpoint read from a connection that has
 * not yet proven the cluster secret (the handshake's frames are about 150 bytes): a stranger cannot
 * make them buffer more than this.
 */
export const maxUnauthenticatedFrameBytes = 512;
/** A connection that has not proven the cluster secret within this long is closed (it holds a socket). */
export const clusterHandshakeTimeoutMs = 10_000;

/** Longest metadata string an OffsetCommit may attach to an offset (Kafka's `offset.metadata.max.bytes`, 4096). */
export const offsetMetadataMaxChars = 4096;

/**
 * How long the first rebalance of an empty group waits for more members (Kafka's
 * `group.initial.rebalance.delay.ms`, 3000), extended while members keep arriving up to the
 * rebalance timeout. Kafka's value: several consumers started together get one generation instead
 * of the first taking every partition and a rebalance per newcomer; the cost is 3 s before a lone
 * `yak consume --group` gets its partitions. `yak up --group-initial-rebalance-delay-ms 0` turns it off.
 */
export const groupInitialRebalanceDelayMs = 3000;
/**
 * Characters of a client's KIP-800 reason (JoinGroup v8+, LeaveGroup v5+) the coordinator's rebalance
 * line keeps (no Kafka twin: Kafka logs it whole). A reason is a client's free text, up to a frame's
 * size: cut here, and its control characters shown escaped, it stays one readable line per rebalance.
 */
export const maxLoggedClientReasonChars = 200;

/**
 * Partitions of `__consumer_offsets` (Kafka's `offsets.topic.num.partitions`, 50). Kafka sizes it to
 * spread many groups' coordinators over a big cluster; YaK has one group coordinator and a laptop
 * cluster, where 50 partitions times the replication factor would be 150 replicas (and their
 * fetchers) for a topic that holds a few records per commit. 3 still spreads the writes over 3 leaders.
 */
export const offsetsTopicPartitions = 3;
/** Segment size of `__consumer_offsets` (Kafka's `offsets.topic.segment.bytes`, 100 MiB): the log cleaner compacts what lies a segment behind the newest commits. */
export const offsetsTopicSegmentBytes = 100 * 1024 * 1024;
/** How long the `__consumer_offsets` writer waits before trying again to create or reach the topic. */
export const offsetsTopicRetryBackoffMs = 500;
/**
 * How long the writer waits for the topic without a word: a cluster that is starting (brokers still
 * registering) is no news. Past it, one WARN line, and one INFO when the topic is written again.
 */
export const offsetsTopicQuietWaitMs = 10_000;
/** On shutdown, how long records still queued for `__consumer_offsets` may take before they are left. */
export const offsetsTopicCloseFlushMs = 3000;

/**
 * Longest `transaction.timeout.ms` a transactional producer may ask for (Kafka's
 * `transaction.max.timeout.ms`, 900000); more is INVALID_TRANSACTION_TIMEOUT at InitProducerId.
 * `yak zookeeper --transaction-max-timeout-ms` (and `yak up`'s) sets another.
 */
export const transactionMaxTimeoutMs = 900_000;
/**
 * How often the transaction coordinator looks for transactions past their timeout, to abort them
 * (Kafka's `transaction.abort.timed.out.transaction.cleanup.interval.ms`, 10000; shorter here, as
 * the scan is of a few in-memory entries, so a timed-out transaction stops holding back read_committed
 * consumers (its partitions' last stable offset) within a second of its timeout).
 */
export const transactionAbortTimedOutCheckIntervalMs = 1000;
/**
 * How long a transactional id may go unused (no transaction, nothing changed) before the coordinator
 * forgets it (Kafka's `transactional.id.expiration.ms`, 7 days): its producer id and epoch go, and a
 * producer naming it later starts afresh, as in Kafka.
 */
export const transactionalIdExpirationMs = 7 * 24 * 3600 * 1000;
/** How often the coordinator looks for expired transactional ids (Kafka's `transaction.remove.expired.transaction.cleanup.interval.ms`, 3600000). */
export const transactionalIdExpirationCheckIntervalMs = 3_600_000;
/** How long the coordinator waits before sending transaction markers again to a partition that did not take them (no leader, leader moved, broker down). */
export const txnMarkerRetryBackoffMs = 200;
/**
 * How long a transactional request that finds its transaction's markers still being written waits
 * for them before answering CONCURRENT_TRANSACTIONS (no Kafka twin: Kafka answers at once and its
 * Java client retries in 20 ms; kafkajs does not retry AddOffsetsToTxn). Well under the broker's
 * 10 s wait for a forwarded call and clients' request timeouts.
 */
export const txnConcurrentWaitMs = 3000;
/** How long one WriteTxnMarkers request may go unanswered before the coordinator gives up on it and retries. */
export const txnMarkerRequestTimeoutMs = 10_000;
/**
 * Cluster events (elections, ISR changes, deaths, topics) the coordinator keeps for WatchClusterEvents,
 * newest first: a few bursts of a 1000-partition cluster (a dead broker that led 334 partitions is
 * about 1000 events), at a few hundred bytes each.
 */
export const clusterEventRingEvents = 10_000;
/** Most events in one WatchClusterEvents answer (its JSON is then about 150 KB); the watcher asks again for the rest. */
export const clusterEventsPerAnswer = 1000;

// ---- Client ----

/**
 * Batches an idempotent producer keeps in flight per partition (Kafka's
 * `max.in.flight.requests.per.connection`, at most 5 with idempotence). Each must still be remembered by
 * the broker when its retry arrives, else the retry would be written twice.
 */
export const maxInFlightBatchesPerPartition = 5;
/**
 * Produce requests a producer keeps in flight to one broker (Kafka's
 * `max.in.flight.requests.per.connection`, 5). Batches closed while a broker has this many wait, and
 * its next request carries every partition's waiting batch at once: with 1000 partitions, requests
 * carrying one batch each would multiply the requests, acks=all waits and follower fetches per record.
 */
export const maxInFlightProduceRequestsPerBroker = 5;
/** Bytes of batches one produce request carries at most (Kafka's `max.request.size`, 1 MiB); a larger batch goes alone. */
export const maxProduceRequestBytes = 1024 * 1024;
/**
 * Bytes of batch buffers (batch.size each) a producer keeps for its next batches once their batches
 * are done with them, as Kafka's BufferPool keeps freed batch.size buffers: a fast producer then
 * allocates no buffer per batch (allocating one made the garbage collector run every ~100 ms in a
 * bench). 64 buffers of the default 16 KiB; none of a batch.size above it.
 */
export const producerSpareBatchBufferBytes = 1024 * 1024;
/**
 * How long a transaction of YaK's transactional producer may stay open before the coordinator aborts
 * it (Kafka's producer `transaction.timeout.ms`, 60000).
 */
export const producerTransactionTimeoutMs = 60_000;
/**
 * How long a transactional producer's call (initTransactions, a partition's or the offsets' addition,
 * commit, abort) keeps retrying what the coordinator says will pass (CONCURRENT_TRANSACTIONS while
 * the previous transaction's markers are written, COORDINATOR_LOAD_IN_PROGRESS, a coordinator
 * moving) before it fails (Kafka's `max.block.ms`, 60000).
 */
export const transactionalCallTimeoutMs = 60_000;

/**
 * How long a closing consumer waits for the brokers to answer the requests that close its fetch
 * sessions (KIP-227's final epoch; Kafka's consumer waits up to its close timeout, 30 s by default),
 * beyond the max wait of a fetch still in flight on the connection (a broker answers in order).
 * Short: the broker would drop an unused session by itself after `fetchSessionEvictionMs`, so the
 * close only frees its slot sooner, and an interrupted command must still quit within `interruptGraceMs`.
 */
export const fetchSessionCloseTimeoutMs = 1000;
/**
 * After Ctrl-C, how long `yak consume` may take to commit and leave its group, and `yak produce` may
 * go without an answer to what it sent, before they quit anyway (with the cluster gone, those
 * requests would otherwise wait out their own timeouts: the delivery timeout is 2 minutes).
 */
export const interruptGraceMs = 2000;
/** How many records `yak mirror` copies between two checkpoints (a crash re-copies at most these per partition). */
export const mirrorCheckpointEveryRecords = 10_000;
/** How long `yak mirror` may take to read its checkpoints back from the destination before it gives up. */
export const mirrorCheckpointLoadTimeoutMs = 30_000;
/** `yak mirror --follow`: the pause between two passes over the source. */
export const mirrorFollowIntervalMs = 1000;
/** How often `yak mirror` says how far a topic's copy has got. */
export const mirrorProgressIntervalMs = 2000;
/** Entries the TUI's event log keeps (a coalesced burst is one entry). */
export const tuiEventLogEntries = 1000;
/** Events' own lines a coalesced burst keeps for the detail view (a dead broker leading 1000 partitions: 1000 elections). */
export const tuiEventDetailLines = 2000;

/** Throws if two limits contradict each other. Cheap; call it once when a process starts. */
export function assertLimits(): void {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`limits contradict each other: ${what}`);
  };
  check(maxDecompressedBytes >= maxFrameBytes, 'a batch that fits in a frame must be allowed to decompress');
  check(fetchMaxBytes <= maxFrameBytes - 1024 * 1024, 'a full fetch response, headers included, must fit in a frame clients accept');
  check(fetchResponseBytesPerConnection >= fetchMaxBytes, 'one connection must be able to get one full fetch answer');
  check(consumerFetchResponseBytesPerBroker >= fetchResponseBytesPerConnection && replicaFetchResponseBytesPerBroker >= fetchResponseBytesPerConnection, "a broker's fetch response shares must hold what one connection may");
  check(recentBatchesSlabBytes / 4 > clusterProcessMallocMmapThresholdBytes && recentBatchesSlabBytes <= recentBatchesCacheBytes, 'a recent-batches slab, and a batch big enough to be kept as it came, must be mapped apart by glibc, and a slab fit the cache');
  check(brokerRssBoundMiB * 1024 * 1024 > recentBatchesCacheBytes + 2 * recentBatchesSlabBytes + sqlitePageCacheKiB * 1024 + fetchResponseBytesPerConnection + 64 * 1024 * 1024, "a broker's RSS bound must hold its caches, one full fetch answer and an idle broker's 64 MiB");
  check(minFetchResponseGrantBytes <= fetchMaxBytes, 'the smallest grant a waiting fetch takes must be one it can get');
  check(maxFetchSessionCachePartitions >= maxIncrementalFetchSessionCacheSlots, 'every fetch session slot must be able to hold a partition');
  assertListenerLimits(listenerLimits);
  assertListenerLimits(controlListenerLimits, 'control endpoint');
  check(logCleanerChunkBytes <= logCleanerDirtyBytesPerPass, "a cleaning pass must be able to map at least one chunk of dirty batches");
  check(logCleanerChunkBytes <= maxFrameBytes, 'a cleaner step must hold the event loop no longer than appending one max-size produce does');
  check(walCheckpointLoopPages < walCheckpointRestartPages, 'the pages left for the event loop must be fewer than those that make it run');
  check(maxInFlightBatchesPerPartition <= producerStateBatchesRemembered, "an idempotent producer's in-flight batches must fit the broker's remembered sequence window");
  check(maxProduceRequestBytes <= maxFrameBytes, 'a full produce request must fit in a frame brokers accept');
  check(transactionAbortTimedOutCheckIntervalMs < transactionMaxTimeoutMs, 'timed-out transactions must be looked for more often than the longest timeout');
  check(transactionMaxTimeoutMs < transactionalIdExpirationMs, "an id must not expire while its longest transaction could still be open");
  check(transactionalIdExpirationCheckIntervalMs <= transactionalIdExpirationMs, 'expired transactional ids must be looked for at least once per expiration time');
  check(txnMarkerRetryBackoffMs < txnMarkerRequestTimeoutMs, 'a marker retry must come sooner than a marker request times out');
  check(clusterEventsPerAnswer <= clusterEventRingEvents, 'a WatchClusterEvents answer cannot hold more events than the ring keeps');
  check(producerTransactionTimeoutMs <= transactionMaxTimeoutMs, "the producer's default transaction timeout must be one the coordinator accepts");
  check(maxUnauthenticatedFrameBytes <= maxFrameBytes, 'a connection that has proven nothing may not send more than one that has');
  check(saslServerMaxReceiveBytes <= maxFrameBytes, 'a connection that has not authenticated may not send more than one that has');
  check(scramMinIterations <= scramMaxIterations, 'some SCRAM iteration count must be allowed');
}
