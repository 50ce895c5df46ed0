import { ErrorCode, KafkaError } from '../common/errors.js';
import { Connection } from '../net/connection.js';
import type { ApiCodec } from '../protocol/api.js';
import { FindCoordinatorApi } from '../protocol/apis/find-coordinator.js';
import { sleep, type KafkaClient } from './kafka-client.js';

/** The FindCoordinator version YaK's client sends (v1-3: one key; keyType 0 = group, 1 = transaction). */
export const FIND_COORDINATOR_VERSION = 2;
/** Errors after which the coordinator must be looked up again. */
const COORDINATOR_ERRORS = new Set<number>([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR, ErrorCode.NETWORK_EXCEPTION, ErrorCode.REQUEST_TIMED_OUT]);
const RETRY_MS = 200;
const ATTEMPTS = 50;

/**
 * A connection of its own to the coordinator of one key: a group's (for GroupMembership) or a
 * transactional id's (for the transactional producer). Requests running at once share one lookup and
 * one connection; on a connection failure or a coordinator error (`errorOf` of the answer: its
 * top-level error code unless told otherwise) the coordinator is looked up again and the request
 * retried. Kept apart from the pooled connections, so a JoinGroup that waits for a rebalance never
 * holds back fetches or produces.
 */
export class CoordinatorConnection {
  private coordinator: Promise<Connection> | null = null;
  private current: Connection | null = null;
  private readonly opened = new Set<Connection>();
  private closed = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly key: string,
    private readonly keyType: 0 | 1,
    /** For messages: `group "g"`, `transactional id "t"`. */
    private readonly what: string,
  ) {}

  async request<Req, Res extends object>(api: ApiCodec<Req, Res>, version: number, req: Req, opts: { timeoutMs?: number; errorOf?: (res: Res) => number } = {}): Promise<Res> {
    const errorOf = opts.errorOf ?? ((res: Res) => ('errorCode' in res ? (res.errorCode as number) : ErrorCode.NONE));
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, `the connection to the coordinator of ${this.what} is closed`);
      let failure: KafkaError;
      const pending = this.connection();
      try {
        const res = await (await pending).request(api, version, req, { timeoutMs: opts.timeoutMs ?? 10_000 });
        const code = errorOf(res);
        if (!COORDINATOR_ERRORS.has(code)) return res;
        failure = new KafkaError(code);
      } catch (err) {
        if (!(err instanceof KafkaError) || !COORDINATOR_ERRORS.has(err.code)) throw err;
        failure = err;
      }
      // Look the coordinator up again, unless another request already did.
      if (this.coordinator === pending) this.coordinator = null;
      (await pending.catch(() => null))?.close();
      if (attempt >= ATTEMPTS) throw failure;
      await sleep(RETRY_MS);
    }
  }

  close(): void {
    this.closed = true;
    for (const conn of this.opened) conn.close();
  }

  private connection(): Promise<Connection> {
    if (this.coordinator && !this.current?.closed) return this.coordinator;
    const pending = this.connect();
    this.coordinator = pending;
    this.current = null;
    pending.then(
      (conn) => {
        if (this.coordinator === pending) this.current = conn;
      },
      () => {
        if (this.coordinator === pending) this.coordinator = null;
      },
    );
    return pending;
  }

  private async connect(): Promise<Connection> {
    const found = await this.client.send(undefined, FindCoordinatorApi, FIND_COORDINATOR_VERSION, { key: this.key, keyType: this.keyType });
    if (found.errorCode !== ErrorCode.NONE) throw new KafkaError(found.errorCode, found.errorMessage ?? `finding the coordinator of ${this.what}`);
    const conn = await Connection.connect(found.host, found.port, { clientId: this.client.opts.clientId ?? 'yak', security: this.client.opts.security });
    // Closed meanwhile: a connection kept now would keep the process alive.
    if (this.closed) {
      conn.close();
      throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, `the connection to the coordinator of ${this.what} is closed`);
    }
    this.opened.add(conn);
    conn.onClose(() => this.opened.delete(conn));
    return conn;
  }
}
