import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LOG_EVENTS } from '../../../contracts/log-events.js';
import { parseReport, type WorkerReport } from '../../../contracts/worker-protocol.js';
import { AppError, badRequest } from '../../common/errors.js';
import { REPLICA_ID } from '../../common/replica.js';
import { AlarmsService } from '../alarms/alarms.service.js';
import { LiveBus } from '../live/live-bus.js';
import { LivenessWatchdog } from './liveness-watchdog.service.js';
import type { WorkerTokenEntity } from './worker.entities.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkersRepository } from './workers.repository.js';

/** How long the last report of an instance that stopped reporting is kept (worker_states). */
const STATE_RETENTION_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Worker reports (POST /api/worker-channel/report, once a second): checked, kept as the instance's latest (here and
 * in worker_states, for the other replicas), and turned into alarms: the worker's own (keyed `<app>:<key>`) and a
 * refused configuration (event 40003). Rows of instances silent for STATE_RETENTION_MS are pruned.
 */
@Injectable()
export class ReportIntakeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Workers');
  private pruner: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: WorkersRepository,
    private readonly alarms: AlarmsService,
    private readonly bus: LiveBus,
    private readonly liveness: LivenessWatchdog,
    private readonly registry: WorkerRegistry,
  ) {}

  onModuleInit(): void {
    void this.pruneStates();
    this.pruner = setInterval(() => void this.pruneStates(), PRUNE_EVERY_MS);
    this.pruner.unref();
  }

  onModuleDestroy(): void {
    if (this.pruner) clearInterval(this.pruner);
  }

  async handleReport(token: WorkerTokenEntity, body: unknown): Promise<{ ok: true }> {
    let report: WorkerReport;
    try {
      report = parseReport(body);
    } catch (e) {
      throw badRequest('BAD_REPORT', (e as Error).message);
    }
    if (report.app !== token.app)
      throw new AppError(403, 'WORKER_TOKEN_WRONG_APP', `This token is for application ${token.app}, not ${report.app}`);
    const previous = this.registry.record(report, token.kind, Date.now());
    if (!previous) this.logger.log(`worker ${report.app} online (${token.kind}, pid ${report.pid} on ${report.hostname})`);
    this.liveness.reported(report, token.kind);
    await this.reconcileAlarms(report);
    void this.repo.saveState(report, REPLICA_ID).catch(() => undefined);
    if (
      !previous ||
      JSON.stringify(previous.report.pairs.map((p) => [p.state, p.since])) !==
        JSON.stringify(report.pairs.map((p) => [p.state, p.since])) ||
      previous.report.configVersion !== report.configVersion ||
      !!previous.report.restartPending !== !!report.restartPending
    ) {
      this.bus.emit({ type: 'service-state-changed' });
    }
    return { ok: true };
  }

  /** The worker's own alarms (keyed `<app>:<key>`), and a refused configuration. */
  private async reconcileAlarms(r: WorkerReport): Promise<void> {
    const prefix = `${r.app}:`;
    const want = new Set(r.alarms.map((a) => prefix + a.key));
    for (const a of r.alarms) {
      const key = prefix + a.key;
      if (!this.alarms.isActive(key))
        await this.alarms.raise({
          key,
          eventId: a.event,
          eventName: a.eventName,
          severity: a.severity,
          source: r.app,
          reason: a.reason,
          trigger: a.trigger ?? this.lastTrigger(r, a.key),
          raisedAt: new Date(a.since),
        });
    }
    for (const key of this.alarms.activeKeysOf(r.app, prefix)) if (!want.has(key)) await this.alarms.clear(key);
    const refusedKey = `config-refused:${r.app}`;
    if (r.refused && !this.alarms.isActive(refusedKey))
      await this.alarms.raise({
        key: refusedKey,
        eventId: 40003,
        eventName: LOG_EVENTS[40003].name,
        severity: 'major',
        source: r.app,
        reason: `configuration version ${r.refused.configVersion} refused by the worker: ${r.refused.reason}`,
        trigger: 'snapshot',
      });
    else if (!r.refused && this.alarms.isActive(refusedKey)) await this.alarms.clear(refusedKey);
  }

  private lastTrigger(r: WorkerReport, alarmKey: string): string | undefined {
    const pair = r.pairs.find((p) => alarmKey.endsWith(`:${p.name}`));
    return pair?.history.at(-1)?.trigger;
  }

  /** Forgets instances gone for long (their last report is older than STATE_RETENTION_MS). */
  private async pruneStates(): Promise<void> {
    const n = await this.repo.pruneStates(STATE_RETENTION_MS).catch(() => 0);
    if (n) this.logger.log(`forgot ${n} worker instance(s) silent for more than ${STATE_RETENTION_MS / 3_600_000} h`);
  }
}
