import { Injectable, type OnModuleInit } from '@nestjs/common';
import { proxyApplicationNames } from '../../../contracts/effective-config.js';
import { sseFrame, WORKER_PROTOCOL_VERSION } from '../../../contracts/worker-protocol.js';
import { notFound } from '../../common/errors.js';
import { Notifications } from '../../database/notifications.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { WorkerRegistry } from './worker-registry.js';

/** How long a worker told to restart drains transactions in progress first. */
const DRAIN_MS = 5000;

/**
 * POST /api/workers/{app}/restart: a `restart` frame on every channel of the application, on this replica at once and
 * on the others through notification `worker_restart` (a worker may be connected to any of them).
 */
@Injectable()
export class RestartFanoutService implements OnModuleInit {
  constructor(
    private readonly config: ConfigurationService,
    private readonly notifications: Notifications,
    private readonly registry: WorkerRegistry,
  ) {}

  onModuleInit(): void {
    this.notifications.on('worker_restart', (m, { fromHere }) => {
      if (!fromHere) this.sendRestart(m.app, m.reason);
    });
  }

  async restart(app: string, actor: string): Promise<{ app: string; requested: boolean; connectedHere: number }> {
    const { doc } = await this.config.head();
    if (!proxyApplicationNames(doc).includes(app)) throw notFound(`SIP Proxy application ${app}`);
    const reason = `restart requested by ${actor}`;
    const here = this.sendRestart(app, reason);
    await this.notifications.notify('worker_restart', { app, reason }).catch(() => undefined);
    return { app, requested: true, connectedHere: here };
  }

  /** Writes the restart frame on this replica's channels of `app`; returns how many. */
  private sendRestart(app: string, reason: string): number {
    let n = 0;
    for (const s of this.registry.streamsOf(app)) {
      s.res.write(sseFrame('restart', { protocol: WORKER_PROTOCOL_VERSION, drainMs: DRAIN_MS, reason }));
      n++;
    }
    return n;
  }
}
