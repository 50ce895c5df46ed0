import type { ClusterSecret } from '../common/cluster-secret.js';
import { UserError } from '../common/errors.js';
import { controlListenerLimits } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { clusterMembersOnly } from '../net/cluster-auth.js';
import { FrameServer } from '../net/server.js';
import { finishFrame, startResponseFrame } from '../protocol/framing.js';
import { InternalApi, type ControlAction, type ControlRequest, type ControlResponse } from '../protocol/internal-api.js';

/**
 * The supervisor's control endpoint on 127.0.0.1: what `yak kill|pause|resume|restart` talk to. Its
 * port is in cluster.json; only a caller that proves the cluster secret is served (net/cluster-auth.ts).
 */
export class ControlServer {
  private readonly server: FrameServer;
  address: { host: string; port: number } | null = null;

  constructor(host: string, secret: ClusterSecret, handle: (action: ControlAction, target: string, flags: Pick<ControlRequest, 'rebuild' | 'force'>) => Promise<ControlResponse>, logger: Logger) {
    this.server = new FrameServer({ host, port: 0, limits: controlListenerLimits, gate: clusterMembersOnly(secret, logger), logger }, async (header, body) => {
      if (header.apiKey !== InternalApi.Control.apiKey) throw new UserError(`unknown control API key ${header.apiKey}`);
      const req = InternalApi.Control.decodeRequest(body, 0);
      let res: ControlResponse;
      try {
        res = await handle(req.action, req.target, { rebuild: req.rebuild === true, force: req.force === true });
        logger.info(res.message);
      } catch (err) {
        res = { message: (err as Error).message, failed: true };
      }
      const w = startResponseFrame(header.correlationId);
      InternalApi.Control.encodeResponse(w, res, 0);
      return finishFrame(w);
    });
  }

  async listen(): Promise<void> {
    this.address = await this.server.listen();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
