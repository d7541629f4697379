import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import type { ConfigDocument } from '../../../contracts/config-document.js';
import { compileEffectiveConfig, proxyApplicationNames, type EffectiveProxyConfig } from '../../../contracts/effective-config.js';
import { OFFLINE_AFTER_MS, parseReport, REPORT_INTERVAL_MS, sseFrame, WORKER_PROTOCOL_VERSION, type SnapshotMessage, type WorkerReport } from '../../../contracts/worker-protocol.js';
import { LOG_EVENTS } from '../../../contracts/log-events.js';
import { EventLog } from '../../common/event-log.js';
import { AppError, badRequest } from '../../common/errors.js';
import { REPLICA_ID } from '../../common/replica.js';
import { ENV, type Env } from '../../config/env.js';
import { Notifications } from '../../database/notifications.js';
import { AlarmsService } from '../alarms/alarms.service.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { LiveBus } from '../live/live-bus.js';
import { DatabaseState } from '../../database/database-state.js';
import { describeCause, describePlacement, INSTANCE_DISCONNECTED, INSTANCE_DISCONNECTED_NAME, INSTANCE_DISCONNECTED_TEXT, placementOf, type DisconnectTrigger, type ProxyPlacement } from './instance-events.js';
import type { WorkerTokenEntity } from './worker.entities.js';
import { WorkersRepository } from './workers.repository.js';
import { WorkerRegistry, type Down, type WorkerStream as Stream } from './worker-registry.js';
import { WorkerTokensService } from './worker-tokens.service.js';

/** How long the last report of an instance that stopped reporting is kept (worker_states). */
const STATE_RETENTION_MS = 24 * 3_600_000;
/**
 * After a worker channel closes, how long to wait before calling the instance disconnected: a live worker reconnects
 * in 250 ms and keeps reporting every second meanwhile; a dead or cut-off one does neither. Shorter than the heartbeat
 * timeout, so a lost remote instance is seen sooner, like an exited embedded one.
 */
const CHANNEL_GRACE_MS = 2 * REPORT_INTERVAL_MS;

/**
 * The workers of every SIP Proxy application: their streams (snapshots out), their reports (status in) and the alarms
 * they imply (worker down, configuration refused). Tokens, restarts and the service state have their own providers.
 */
@Injectable()
export class WorkersService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Workers');
  private effectiveCache = new Map<string, { version: number; eff: EffectiveProxyConfig | undefined }>();
  private readonly channelTimers = new Map<string, NodeJS.Timeout>();
  private watchdog: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;
  private readonly configListeners: (() => void)[] = [];
  /** The last configuration read, for naming an instance's pool and site while PostgreSQL is away. */
  private lastDoc: ConfigDocument | undefined;
  /** The guide's log events, as the workers write them: one JSON object per line on stdout. */
  private readonly events: EventLog;

  constructor(
    private readonly repo: WorkersRepository,
    private readonly config: ConfigurationService,
    private readonly alarms: AlarmsService,
    private readonly notifications: Notifications,
    private readonly bus: LiveBus,
    @Inject(ENV) env: Env,
    private readonly database: DatabaseState,
    private readonly registry: WorkerRegistry,
    private readonly tokens: WorkerTokensService,
  ) {
    this.events = new EventLog('control-plane', env.logLevel);
  }

  onModuleInit(): void {
    this.notifications.on('config_changed', () => void this.onConfigChanged());
    this.notifications.onReconnect(() => void this.onConfigChanged());
    this.watchdog = setInterval(() => void this.checkOffline(), 1000);
    this.watchdog.unref();
    void this.pruneStates();
    this.pruner = setInterval(() => void this.pruneStates(), 60 * 60_000);
    this.pruner.unref();
  }

  onModuleDestroy(): void {
    this.registry.beginShutdown();
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.pruner) clearInterval(this.pruner);
    for (const t of this.channelTimers.values()) clearTimeout(t);
    for (const s of this.registry.allStreams()) { clearInterval(s.ping); s.res.end(); }
  }

  /** Runs after every configuration change this replica hears of (the supervisor reconciles its workers). */
  onConfigChange(fn: () => void): void { this.configListeners.push(fn); }

  // ---- snapshots -------------------------------------------------------------------------------------------------

  private async effectiveFor(app: string): Promise<{ version: number; eff: EffectiveProxyConfig | undefined }> {
    const head = await this.config.head();
    const cached = this.effectiveCache.get(app);
    if (cached?.version === head.version) return cached;
    let eff: EffectiveProxyConfig | undefined;
    try {
      // The worker is the one party that gets the secret values (its TLS key).
      const { doc } = await this.config.headWithSecrets();
      const { baseDir, pemFiles } = this.config.tlsFiles;
      eff = proxyApplicationNames(doc).includes(app) ? compileEffectiveConfig(doc, app, { baseDir, pemFiles, tlsMaterial: 'inline-pem' }) : undefined;
    } catch (e) {
      this.logger.error(`cannot compile the configuration of ${app}: ${(e as Error).message}`);
    }
    const entry = { version: head.version, eff };
    this.effectiveCache.set(app, entry);
    return entry;
  }

  private async pushSnapshot(s: Stream): Promise<void> {
    const { version, eff } = await this.effectiveFor(s.app);
    if (!eff || s.lastSent === eff.version && s.lastSent !== undefined) return;
    const msg: SnapshotMessage = { protocol: WORKER_PROTOCOL_VERSION, app: s.app, configVersion: version, effective: eff };
    s.lastSent = eff.version;
    s.res.write(sseFrame('snapshot', msg));
  }

  async openStream(app: string, token: WorkerTokenEntity, res: Response): Promise<void> {
    if (!app) throw badRequest('INVALID_QUERY', 'app is required');
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': connected\n\n');
    const s: Stream = { app, res, kind: token.kind, tokenId: token.id, ping: setInterval(() => res.write(': ping\n\n'), 5000) };
    this.registry.addStream(s);
    res.on('close', () => { clearInterval(s.ping); this.registry.removeStream(s); this.channelClosed(app); });
    try { await this.pushSnapshot(s); } catch (e) { this.logger.warn(`no snapshot for ${app} yet: ${(e as Error).message}`); }
  }

  private async onConfigChanged(): Promise<void> {
    this.effectiveCache = new Map();
    for (const s of this.registry.allStreams()) await this.pushSnapshot(s).catch((e: unknown) => this.logger.error(`push to ${s.app} failed: ${String(e)}`));
    for (const fn of this.configListeners) fn();
    await this.tokens.revokeTokensOfDeletedApps();
    this.bus.emit({ type: 'service-state-changed' });
  }

  // ---- reports ---------------------------------------------------------------------------------------------------

  async handleReport(token: WorkerTokenEntity, body: unknown): Promise<{ ok: true }> {
    let report: WorkerReport;
    try { report = parseReport(body); } catch (e) { throw badRequest('BAD_REPORT', (e as Error).message); }
    if (report.app !== token.app) throw new AppError(403, 'WORKER_TOKEN_WRONG_APP', `This token is for application ${token.app}, not ${report.app}`);
    const previous = this.registry.record(report, token.kind, Date.now());
    if (!previous) this.logger.log(`worker ${report.app} online (${token.kind}, pid ${report.pid} on ${report.hostname})`);
    const down = this.registry.clearDown(report.app);
    if (down || this.alarms.isActive(`worker-down:${report.app}`)) {
      void this.alarms.clear(`worker-down:${report.app}`);
      void this.reconnected(report, token.kind, down);
    }
    await this.reconcileAlarms(report);
    void this.repo.saveState(report, REPLICA_ID).catch(() => undefined);
    if (!previous || JSON.stringify(previous.report.pairs.map((p) => [p.state, p.since])) !== JSON.stringify(report.pairs.map((p) => [p.state, p.since])) || previous.report.configVersion !== report.configVersion || !!previous.report.restartPending !== !!report.restartPending) {
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
      if (!this.alarms.isActive(key)) await this.alarms.raise({ key, eventId: a.event, eventName: a.eventName, severity: a.severity, source: r.app, reason: a.reason, trigger: a.trigger ?? this.lastTrigger(r, a.key), raisedAt: new Date(a.since) });
    }
    for (const key of this.alarms.activeKeysWithPrefix(prefix)) if (!want.has(key)) await this.alarms.clear(key);
    const refusedKey = `config-refused:${r.app}`;
    if (r.refused && !this.alarms.isActive(refusedKey)) await this.alarms.raise({ key: refusedKey, eventId: 40003, eventName: LOG_EVENTS[40003].name, severity: 'major', source: r.app, reason: `configuration version ${r.refused.configVersion} refused by the worker: ${r.refused.reason}`, trigger: 'snapshot' });
    else if (!r.refused && this.alarms.isActive(refusedKey)) await this.alarms.clear(refusedKey);
  }

  private lastTrigger(r: WorkerReport, alarmKey: string): string | undefined {
    const pair = r.pairs.find((p) => alarmKey.endsWith(`:${p.name}`));
    return pair?.history.at(-1)?.trigger;
  }

  private async checkOffline(): Promise<void> {
    const now = Date.now();
    // While PostgreSQL is away this API refuses every report (503), and they resume within a report interval of its
    // return: the silence is ours, not the worker's, and is no sign of a lost instance.
    if (!this.database.available || now - this.database.changedAt.getTime() < OFFLINE_AFTER_MS) return;
    for (const app of this.registry.apps()) {
      this.registry.dropInstancesSilentSince(app, now - 10 * 60_000);
      const instances = this.registry.instancesOf(app);
      const online = instances.some((s) => now - s.lastSeen <= OFFLINE_AFTER_MS);
      if (!online && instances.length > 0 && !this.registry.isDown(app)) {
        const lastSeen = this.registry.lastSeen(app);
        // Silent here but reporting to another replica (the worker moved): not gone; forget the stale view.
        if (await this.reportedElsewhereSince(app, lastSeen)) { this.registry.forgetApp(app); continue; }
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
  private channelClosed(app: string): void {
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

  /** True when another control-plane replica stored a report of `app` after `since` (false when the database is away). */
  private async reportedElsewhereSince(app: string, since: number): Promise<boolean> {
    try {
      return (await this.repo.recentStates(OFFLINE_AFTER_MS)).some((r) => r.app === app && r.replica !== REPLICA_ID && r.lastSeenAt.getTime() > since);
    } catch { return false; }
  }

  private async placement(app: string): Promise<ProxyPlacement | undefined> {
    try { this.lastDoc = (await this.config.head()).doc; } catch { /* the database is away: the last known configuration */ }
    return this.lastDoc ? placementOf(this.lastDoc, app) : undefined;
  }

  private instanceFields(app: string, p: ProxyPlacement | undefined, st: { report: WorkerReport; kind: string } | undefined): Record<string, unknown> {
    return {
      application: app, instanceId: st?.report.instanceId, kind: st?.kind, hostname: st?.report.hostname, pid: st?.report.pid,
      haPair: p?.haPair, haPairBackup: p?.haPairBackup, site: p?.sites, pool: p?.pool, replica: REPLICA_ID,
    };
  }

  /**
   * A SIP Proxy instance is gone: log event 40002 with its pool and site and raise `worker-down:<app>` (event 40002).
   * Once per episode, whichever trigger sees it first; an application removed from the configuration was stopped on
   * purpose and is not reported.
   */
  private async disconnected(app: string, trigger: DisconnectTrigger, d: { silentMs?: number; code?: number | null; signal?: string | null }): Promise<void> {
    if (!this.registry.markDown(app, { since: Date.now(), trigger })) return;
    const st = this.registry.latest(app);
    const p = await this.placement(app);
    if (p && !p.configured) {
      this.registry.clearDown(app);
      this.registry.forgetApp(app);
      this.logger.log(`worker ${app} stopped (${trigger}); it is no longer a SIP Proxy of the configuration`);
      return;
    }
    this.bus.emit({ type: 'service-state-changed' });
    const detail = `${app}${describePlacement(p)}: ${describeCause(trigger, d)}`;
    const exit = trigger === 'process-exit' ? { exitCode: d.code ?? null, signal: d.signal ?? null } : {};
    const silent = trigger === 'heartbeat-timeout' ? { silentMs: d.silentMs } : {};
    this.events.event(INSTANCE_DISCONNECTED, 'error', { ...this.instanceFields(app, p, st), trigger, ...exit, ...silent }, detail);
    await this.alarms.raise({
      key: `worker-down:${app}`, eventId: INSTANCE_DISCONNECTED, eventName: INSTANCE_DISCONNECTED_NAME, severity: 'major', source: app,
      reason: `${INSTANCE_DISCONNECTED_TEXT}: ${detail}`, trigger,
    });
  }

  /** The recovery line matching a 40002 line: same fields, `clears: 40002`, and how long the instance was away. */
  private async reconnected(r: WorkerReport, kind: 'embedded' | 'remote', down: Down | undefined): Promise<void> {
    const p = await this.placement(r.app);
    this.events.info(`SIP Proxy instance is connected again: ${r.app}${describePlacement(p)}`, {
      clears: INSTANCE_DISCONNECTED, clearsName: INSTANCE_DISCONNECTED_NAME, ...this.instanceFields(r.app, p, { report: r, kind }),
      ...(down ? { downForMs: Date.now() - down.since, downTrigger: down.trigger } : {}),
    });
  }

  /** Forgets instances gone for long (their last report is older than STATE_RETENTION_MS). */
  private async pruneStates(): Promise<void> {
    const n = await this.repo.pruneStates(STATE_RETENTION_MS).catch(() => 0);
    if (n) this.logger.log(`forgot ${n} worker instance(s) silent for more than ${STATE_RETENTION_MS / 3_600_000} h`);
  }
}
