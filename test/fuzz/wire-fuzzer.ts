import net from 'node:net';
import { FuzzRng, lieAboutSize, mutate } from './mutators.js';

/** The listeners a cluster exposes: every broker's Kafka port, the coordinator's, the supervisor's control port. */
export type TargetName = 'broker' | 'coordinator' | 'control';
export const TARGETS: readonly TargetName[] = ['broker', 'coordinator', 'control'];

/**
 * Proves cluster membership on a fresh connection (the coordinator's and control ports' handshake,
 * once they check the cluster secret) before the session's fuzzed frames; resolves false when the
 * listener refused. The one place the secret enters the fuzzer: with it, some sessions reach past
 * the gate into the handlers; the others (and every session without it) hammer the gate itself.
 */
export type ClusterJoin = (target: TargetName, socket: net.Socket) => Promise<JoinResult>;
/** 'closed': no answer at all (the listener's connection limit turned the connection away, say). */
export type JoinResult = 'joined' | 'refused' | 'closed';
/** Share of sessions that join the cluster first, when a ClusterJoin is given. */
const JOINED_SHARE = 0.7;

export interface Endpoint {
  host: string;
  port: number;
}

/** What a session sent, to print when a process dies (reproduce with the same --seed). */
export interface SessionRecord {
  id: number;
  mode: string;
  endpoint: Endpoint;
  frames: Buffer[];
  /** Response bytes the listener sent back. */
  answered: number;
}

/** Sessions kept by the size of their answers: a small request with a huge answer is an amplifier. */
const LARGEST_KEPT = 5;

/** How long a session waits for the listener to close after it sent its last byte. */
const LINGER_MS = 150;
/** After each frame of an unpipelined session: wait at most this long for an answer before the next. */
const ANSWER_WAIT_MS = 30;

interface Socketish {
  socket: net.Socket;
  /** Response bytes received so far. */
  received(): number;
  /** Resolves when any bytes arrive or the socket closes, or after `ms`. */
  activity(ms: number): Promise<void>;
  closed(ms: number): Promise<void>;
}

function open(endpoint: Endpoint): Promise<Socketish | null> {
  return new Promise((resolve) => {
    const socket = net.connect(endpoint);
    let poke: (() => void) | null = null;
    let isClosed = false;
    let received = 0;
    socket.on('data', (d: Buffer) => {
      received += d.length;
      poke?.();
    });
    socket.on('close', () => {
      isClosed = true;
      poke?.();
    });
    socket.on('error', () => undefined); // a reset by the listener shows up as close
    const wait = (ms: number, until: () => boolean) =>
      new Promise<void>((done) => {
        if (until()) return done();
        const timer = setTimeout(() => finish(), ms);
        const finish = () => {
          clearTimeout(timer);
          poke = null;
          done();
        };
        poke = () => until() && finish();
      });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => received,
        activity: (ms) => wait(ms, () => true),
        closed: (ms) => wait(ms, () => isClosed),
      }),
    );
    socket.once('error', () => resolve(null)); // refused: the monitor reports a listener that went away
  });
}

const tick = () => new Promise((r) => setImmediate(r));

/**
 * Drives one listener with mutated seed frames, sessions of several frames per connection, some
 * sessions running in parallel: frames one per write (each answered or not before the next), many
 * pipelined in one write, dribbled in small chunks, half frames, lying size prefixes, and bursts of
 * many simultaneous connections.
 */
export class WireFuzzer {
  sent = 0;
  /** Sessions that proved cluster membership before their frames, those refused despite the secret, and those turned away unanswered. */
  joined = 0;
  joinsRefused = 0;
  joinsUnanswered = 0;
  private sessionId = 0;
  private readonly recent: SessionRecord[] = [];
  private readonly largest: SessionRecord[] = [];

  constructor(
    private readonly opts: {
      target: TargetName;
      endpoints: () => Endpoint[];
      seeds: Buffer[];
      seed: number;
      join?: ClusterJoin;
      concurrency: number;
    },
  ) {}

  /** The last sessions (most recent last), the likeliest culprits when a process dies. */
  recentSessions(): SessionRecord[] {
    return [...this.recent];
  }

  /** The sessions that got the most response bytes back, most first. */
  largestAnswers(): SessionRecord[] {
    return [...this.largest];
  }

  private noteAnswer(record: SessionRecord, bytes: number): void {
    record.answered = bytes;
    if (this.largest.length === LARGEST_KEPT && bytes <= this.largest[LARGEST_KEPT - 1]!.answered) return;
    this.largest.push(record);
    this.largest.sort((a, b) => b.answered - a.answered);
    this.largest.length = Math.min(this.largest.length, LARGEST_KEPT);
  }

  /** Sends at least `frames` frames, or stops early once `stop()` says so. */
  async run(frames: number, stop: () => boolean): Promise<void> {
    const worker = async () => {
      while (this.sent < frames && !stop()) await this.session(this.sessionId++);
    };
    await Promise.all(Array.from({ length: this.opts.concurrency }, worker));
  }

  private frame(rng: FuzzRng): Buffer {
    const seed = rng.pick(this.opts.seeds);
    // One frame in twenty goes unmutated: valid requests keep the handlers' state machines busy.
    return rng.next() < 0.05 ? seed : mutate(rng, seed);
  }

  /**
   * What session `id` sends: its frames depend only on (seed, id), never on timing, so a failure's
   * frames can be regenerated (`npm run fuzz -- --seed S --target T --show-session N`).
   */
  plan(id: number, endpoints: Endpoint[]): { mode: string; endpoint: Endpoint; frames: Buffer[]; rng: FuzzRng } {
    const rng = new FuzzRng((this.opts.seed ^ Math.imul(id + 1, 0x9e3779b1)) >>> 0);
    const endpoint = rng.pick(endpoints);
    const roll = rng.next();
    const mode = roll < 0.35 ? 'one-per-write' : roll < 0.7 ? 'pipelined' : roll < 0.82 ? 'dribbled' : roll < 0.9 ? 'half-frame' : roll < 0.97 ? 'size-lie' : 'many-connections';
    const count = mode === 'many-connections' ? 50 + rng.int(150) : mode === 'pipelined' ? 2 + rng.int(31) : mode === 'one-per-write' ? 1 + rng.int(16) : 1 + rng.int(3);
    const frames = Array.from({ length: count }, () => this.frame(rng));
    if (mode === 'half-frame') frames[frames.length - 1] = frames[frames.length - 1]!.subarray(0, rng.int(frames[frames.length - 1]!.length));
    if (mode === 'size-lie') frames[0] = lieAboutSize(rng, frames[0]!);
    return { mode, endpoint, frames, rng };
  }

  private async session(id: number): Promise<void> {
    const { mode, endpoint, frames, rng } = this.plan(id, this.opts.endpoints());
    const record: SessionRecord = { id, mode, endpoint, frames, answered: 0 };
    this.recent.push(record);
    if (this.recent.length > 32) this.recent.shift();
    this.sent += frames.length;
    if (mode === 'many-connections') return this.burst(record);

    const s = await open(endpoint);
    if (!s) return;
    try {
      if (this.opts.join && rng.next() < JOINED_SHARE) {
        const joined = await this.opts.join(this.opts.target, s.socket);
        if (joined === 'refused') return void this.joinsRefused++;
        if (joined === 'closed') return void this.joinsUnanswered++;
        this.joined++;
      }
      if (mode === 'one-per-write') {
        for (const f of frames) {
          if (s.socket.destroyed) break;
          s.socket.write(f);
          await s.activity(ANSWER_WAIT_MS);
        }
      } else if (mode === 'dribbled') {
        const all = Buffer.concat(frames);
        for (let at = 0; at < all.length && !s.socket.destroyed; ) {
          const n = 1 + rng.int(64);
          s.socket.write(all.subarray(at, at + n));
          at += n;
          await tick();
        }
      } else {
        s.socket.write(Buffer.concat(frames));
      }
      s.socket.end();
      await s.closed(LINGER_MS);
    } finally {
      s.socket.destroy();
      this.noteAnswer(record, s.received());
    }
  }

  /** Many simultaneous connections, each with one frame, all open at once before any closes. */
  private async burst(record: SessionRecord): Promise<void> {
    const sockets = (await Promise.all(record.frames.map(() => open(record.endpoint)))).filter((s): s is Socketish => s !== null);
    sockets.forEach((s, i) => s.socket.write(record.frames[i]!));
    await Promise.all(sockets.map((s) => s.closed(LINGER_MS)));
    for (const s of sockets) s.socket.destroy();
    // The largest answer to one of the connections: a burst's sum says nothing about amplification.
    this.noteAnswer(record, Math.max(0, ...sockets.map((s) => s.received())));
  }
}
