import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigDocument } from '../../../contracts/config-document.js';
import { OFFLINE_AFTER_MS, REPORT_INTERVAL_MS, type WorkerReport } from '../../../contracts/worker-protocol.js';
import { EventLog } from '../../common/event-log.js';
import { REPLICA_ID } from '../../common/replica.js';
import { ENV, type Env } from '../../config/env.js';
import { DatabaseState } from '../../database/database-state.js';
import { AlarmsService } from '../alarms/alarms.service.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { LiveBus } from '../live/live-bus.js';
import {
  describeCause,
  describePlacement,
  INSTANCE_DISCONNECTED,
  INSTANCE_DISCONNECTED_NAME,
  INSTANCE_DISCONNECTED_TEXT,
  placementOf,
  type DisconnectTrigger,
  type ProxyPlacement,
} from './instance-events.js';
import { AdminStatesService } from './admin-states.service.js';
import { WorkerRegistry, type Down, type WorkerKind } from './worker-registry.js';
import { WorkersRepository } from './workers.repository.js';

/**
 * After a worker channel closes, how long to wait before calling the instance disconnected: a live worker reconnects
 * in 250 ms and keeps reporting every second meanwhile; a dead or cut-off one does neither. Shorter than the heartbeat
 * timeout, so a lost remote instance is seen sooner, like an exited embedded one.
 */
export const CHANNEL_GRACE_MS = 2 * REPORT_INTERVAL_MS;
const CHECK_MS = 1000;

/**
 * Whether each SIP Proxy instance is still there: a heartbeat timeout (no report for OFFLINE_AFTER_MS), a closed
 * channel not reopened (CHANNEL_GRACE_MS) or an embedded process exit starts a "disconnected" episode: log event
 * 40002 with the instance's pool and site and the `worker-down:<app>` alarm, once per episode; the next report ends
 * it with the matching recovery line (report intake calls `reported`).
 */
@Injectable()
export class LivenessWatchdog implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Workers');
  private readonly channelTimers = new Map<string, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | undefined;
  /** The last configuration read, for naming an instance's pool and site while PostgreSQL is away. */
  private lastDoc: ConfigDocument | undefined;
  /** The guide's log events, as the workers write them: one JSON object per line on stdout. */
  private readonly events: EventLog;

  /** An instance silent this long is dropped from this replica's view (WORKER_FORGET_AFTER_S). */
  private readonly forgetSilentMs: number;

  constructor(
    private readonly repo: WorkersRepository,
    private readonly config: ConfigurationService,
    private readonly alarms: AlarmsService,
    private readonly bus: LiveBus,
    private readonly database: DatabaseState,
    private readonly registry: WorkerRegistry,
    private readonly adminStates: AdminStatesService,
    @Inject(ENV) env: Env,
  ) {
    this.events = new EventLog('control-plane', env.logLevel);
    this.forgetSilentMs = env.workerForgetAfterMs;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.checkOffline(), CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.registry.beginShutdown();
    if (this.timer) clearInterval(this.timer);
    for (const t of this.channelTimers.values()) clearTimeout(t);
  }

  /** The heartbeat check, every second: which applications went silent. */
  async checkOffline(): Promise<void> {
    const now = Date.now();
    // While PostgreSQL is away this API refuses every report (503), and they resume within a report interval of its
    // return: the silence is ours, not the worker's, and is no sign of a lost instance.
    if (!this.database.available || now - this.database.changedAt.getTime() < OFFLINE_AFTER_MS) return;
    for (const app of this.registry.apps()) {
      this.registry.dropInstancesSilentSince(app, now - this.forgetSilentMs);
      const instances = this.registry.instancesOf(app);
      const online = instances.some((s) => now - s.lastSeen <= OFFLINE_AFTER_MS);
      if (!online && instances.length > 0 && !this.registry.isDown(app)) {
        const lastSeen = this.registry.lastSeen(app);
        // Silent here but reporting to another replica (the worker moved): not gone; forget the stale view.
        if (await this.reportedElsewhereSince(app, lastSeen)) {
          this.registry.forgetApp(app);
          continue;
        }
        await this.disconnected(app, 'heartbeat-timeout', { silentMs: now - lastSeen });
      }
    }
  }

  /** Called by the embedded supervisor when its child exits unexpectedly (faster than the heartbeat timeout). */
  async workerExited(app: string, exit: { code: number | null; signal: string | null }): Promise<void> {
    await this.disconnected(app, 'process-exit', exit);
    this.registry.forgetApp(app);
  }

  /** A worker channel closed: unless the instance reconnects or keeps reporting, it is gone. */
  channelClosed(app: string): void {
    if (this.registry.shuttingDown) return;
    const closedAt = Date.now();
    clearTimeout(this.channelTimers.get(app));
    const t = setTimeout(() => {
      this.channelTimers.delete(app);
      if (this.registry.shuttingDown || this.registry.isDown(app) || this.registry.streamCount(app) > 0) return;
      if (this.registry.lastSeen(app) > closedAt) return;
      void (async () => {
        if (await this.reportedElsewhereSince(app, closedAt)) return;
        await this.disconnected(app, 'channel-closed', {});
      })();
    }, CHANNEL_GRACE_MS);
    t.unref();
    this.channelTimers.set(app, t);
  }

  /**
   * A report came in (report intake): ends the disconnected episode of its application, if any (also one left by
   * another replica or an earlier run: the alarm is active), with the recovery line.
   */
  reported(r: WorkerReport, kind: WorkerKind): void {
    const down = this.registry.clearDown(r.app);
    if (down || this.alarms.isActive(`worker-down:${r.app}`)) {
      void this.alarms.clear(`worker-down:${r.app}`);
      void this.reconnected(r, kind, down);
    }
  }

  /** True when another control-plane replica stored a report of `app` after `since` (false when the database is away). */
  private async reportedElsewhereSince(app: string, since: number): Promise<boolean> {
    try {
      return (await this.repo.recentStates(OFFLINE_AFTER_MS)).some(
        (r) => r.app === app && r.replica !== REPLICA_ID && r.lastSeenAt.getTime() > since,
      );
    } catch {
      return false;
    }
  }

  private async placement(app: string): Promise<ProxyPlacement | undefined> {
    try {
      this.lastDoc = (await this.config.head()).doc;
    } catch {
      /* the database is away: the last known configuration */
    }
    return this.lastDoc ? placementOf(this.lastDoc, app) : undefined;
  }

  private instanceFields(
    app: string,
    p: ProxyPlacement | undefined,
    st: { report: WorkerReport; kind: string } | undefined,
  ): Record<string, unknown> {
    return {
      application: app,
      instanceId: st?.report.instanceId,
      kind: st?.kind,
      hostname: st?.report.hostname,
      pid: st?.report.pid,
      haPair: p?.haPair,
      haPairBackup: p?.haPairBackup,
      site: p?.sites,
      pool: p?.pool,
      replica: REPLICA_ID,
    };
  }

  /**
   * A SIP Proxy instance is gone: log event 40002 with its pool and site and raise `worker-down:<app>` (event 40002).
   * Once per episode, whichever trigger sees it first; an application removed from the configuration was stopped on
   * purpose and is not reported.
   */
  private async disconnected(
    app: string,
    trigger: DisconnectTrigger,
    d: { silentMs?: number; code?: number | null; signal?: string | null },
  ): Promise<void> {
    if (!this.registry.markDown(app, { since: Date.now(), trigger })) return;
    const st = this.registry.latest(app);
    const p = await this.placement(app);
    if (p && !p.configured) {
      this.registry.clearDown(app);
      this.registry.forgetApp(app);
      this.logger.log(`worker ${app} stopped (${trigger}); it is no longer a SIP Proxy of the configuration`);
      return;
    }
    if (this.adminStates.applicationState(app) === 'stopped') {
      // Stopped by an operator: intended, not a failure (no 40002, no worker-down alarm).
      this.registry.clearDown(app);
      this.registry.forgetApp(app);
      this.logger.log(`worker ${app} stopped (${trigger}) by an operator's administrative state`);
      this.bus.emit({ type: 'service-state-changed' });
      return;
    }
    this.bus.emit({ type: 'service-state-changed' });
    const detail = `${app}${describePlacement(p)}: ${describeCause(trigger, d)}`;
    const exit = trigger === 'process-exit' ? { exitCode: d.code ?? null, signal: d.signal ?? null } : {};
    const silent = trigger === 'heartbeat-timeout' ? { silentMs: d.silentMs } : {};
    this.events.event(INSTANCE_DISCONNECTED, 'error', { ...this.instanceFields(app, p, st), trigger, ...exit, ...silent }, detail);
    await this.alarms.raise({
      key: `worker-down:${app}`,
      eventId: INSTANCE_DISCONNECTED,
      eventName: INSTANCE_DISCONNECTED_NAME,
      severity: 'major',
      source: app,
      reason: `${INSTANCE_DISCONNECTED_TEXT}: ${detail}`,
      trigger,
    });
  }

  /** The recovery line matching a 40002 line: same fields, `clears: 40002`, and how long the instance was away. */
  private async reconnected(r: WorkerReport, kind: WorkerKind, down: Down | undefined): Promise<void> {
    const p = await this.placement(r.app);
    this.events.info(`SIP Proxy instance is connected again: ${r.app}${describePlacement(p)}`, {
      clears: INSTANCE_DISCONNECTED,
      clearsName: INSTANCE_DISCONNECTED_NAME,
      ...this.instanceFields(r.app, p, { report: r, kind }),
      ...(down ? { downForMs: Date.now() - down.since, downTrigger: down.trigger } : {}),
    });
  }
}
