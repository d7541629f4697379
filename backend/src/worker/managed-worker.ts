/**
 * A worker under a control plane (embedded or remote, same code): receives a snapshot over the worker protocol when
 * its channel opens and then deltas (applied to the kept snapshot; a delta from another base reopens the channel for
 * a new snapshot), starts or live-updates its ProxyWorker, keeps "after restart" changes pending until told to restart, and reports
 * status and alarms every second. It keeps serving on its last good snapshot while the control plane is away.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SNAPSHOT_FILE, writeFileAtomic } from '../contracts/keeper-state.js';
import {
  OFFLINE_AFTER_MS,
  parseDelta,
  parseSnapshot,
  REPORT_INTERVAL_MS,
  SseParser,
  WORKER_PROTOCOL_VERSION,
  type AdminStates,
  type DeltaMessage,
  type ReportedAlarm,
  type ReportedPair,
  type RestartMessage,
  type SnapshotMessage,
  type WorkerReport,
} from '../contracts/worker-protocol.js';
import { LOG_EVENTS } from '../contracts/log-events.js';
import { EFFECTIVE_CONFIG_SCHEMA_VERSION, type EffectiveProxyConfig } from '../contracts/effective-config.js';
import { applyEffectiveDelta } from '../contracts/effective-delta.js';
import type { QueryAnswer, QueryMessage } from '../contracts/worker-query.js';
import { toRuntimeConfig } from './config-adapter.js';
import { answerQuery, QueryError } from './worker-queries.js';
import type { Logger } from './log.js';
import { ProxyWorker, WorkerStartError, type WorkerStatus } from './proxy-worker.js';

export interface ManagedWorkerOptions {
  controlPlane: string;
  app: string;
  token: string;
  logger: Logger;
  /**
   * Where the last snapshot is kept (`snapshot.json`, owner-only: it can carry keys). Given, the worker starts on it
   * at once, before and without the control plane, so a restart after a crash needs neither it nor the database.
   */
  stateDir?: string;
  /** Where the [log] options' file outputs are created (WorkerStartOptions.logDirectory). */
  logDirectory?: string;
  /** Called when the control plane refuses the token: there is no point retrying. */
  onAuthRefused?: (status: number, message: string) => void;
}

/** Before any snapshot says otherwise (and from a control plane that sends none): serving, nothing forced. */
const ALL_ACTIVE: AdminStates = { application: 'active', serversOutOfService: [] };
/** How long a worker an operator stops lets transactions in progress finish (as a graceful stop of the keeper). */
const STOP_DRAIN_MS = 4000;

export class ManagedWorker {
  private worker: ProxyWorker | undefined;
  private running: { configVersion: number; effectiveVersion: string } | undefined;
  private pending: { configVersion: number; config: EffectiveProxyConfig; options: string[] } | undefined;
  private refused: { configVersion: number; reason: string } | undefined;
  private startFailure: ReportedAlarm | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastSnapshot: SnapshotMessage | undefined;
  private readonly instanceId = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private stopped = false;
  private abort: AbortController | undefined;
  /** Set when a delta did not fit the kept snapshot: the channel is reopened at once (the control plane sends a snapshot). */
  private resync = false;
  /** Counts the channels opened: a delta still queued from a channel since replaced is dropped. */
  private channel = 0;
  private reportTimer: NodeJS.Timeout | undefined;
  private reportInFlight = false;
  private reportAgain = false;
  private busy: Promise<void> = Promise.resolve();
  /** The operator's administrative states, from the last snapshot (kept on disk with it). */
  private admin: AdminStates = ALL_ACTIVE;

  constructor(private readonly o: ManagedWorkerOptions) {}

  start(): void {
    this.startFromDisk();
    void this.connectLoop();
    this.reportTimer = setInterval(() => void this.report(), REPORT_INTERVAL_MS);
  }

  async stop(drainMs: number): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.reportTimer) clearInterval(this.reportTimer);
    await this.busy;
    await this.worker?.stop(drainMs);
    this.worker = undefined;
  }

  /** Serves the snapshot kept on disk, if any; the control plane's next snapshot supersedes it as usual. */
  private startFromDisk(): void {
    if (!this.o.stateDir) return;
    let data: string;
    try {
      data = readFileSync(join(this.o.stateDir, SNAPSHOT_FILE), 'utf8');
    } catch {
      return;
    }
    let msg: SnapshotMessage;
    try {
      msg = parseSnapshot(data, this.o.app);
    } catch (e) {
      this.o.logger.warn('the snapshot kept on disk is unusable; waiting for the control plane', { error: (e as Error).message });
      return;
    }
    this.o.logger.info('starting on the last configuration kept on disk', { configVersion: msg.configVersion });
    this.serialize(() => this.applySnapshot(msg));
  }

  /** Keeps the accepted snapshot for a restart without the control plane (written whole or not at all). */
  private persist(msg: SnapshotMessage): void {
    if (!this.o.stateDir) return;
    try {
      mkdirSync(this.o.stateDir, { recursive: true, mode: 0o700 });
      writeFileAtomic(join(this.o.stateDir, SNAPSHOT_FILE), JSON.stringify(msg));
    } catch (e) {
      this.o.logger.warn('cannot keep the snapshot on disk', { error: (e as Error).message });
    }
  }

  private url(path: string): string {
    return new URL(path, this.o.controlPlane).toString();
  }
  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.o.token}` };
  }

  /** Keeps one event stream open; reconnects with back-off (the worker keeps serving meanwhile). */
  private async connectLoop(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      this.abort = new AbortController();
      const channel = ++this.channel;
      try {
        const res = await fetch(this.url(`/api/worker-channel/stream?app=${encodeURIComponent(this.o.app)}`), {
          headers: { ...this.headers(), accept: 'text/event-stream' },
          signal: this.abort.signal,
        });
        if (res.status === 401 || res.status === 403) {
          const msg = await res.text();
          this.o.logger.error('the control plane refused this worker token', { status: res.status, body: msg.slice(0, 300) });
          this.o.onAuthRefused?.(res.status, msg);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        this.o.logger.info('connected to the control plane', { controlPlane: this.o.controlPlane });
        delay = 250;
        const parser = new SseParser();
        const decoder = new TextDecoder();
        let lastData = Date.now();
        const idle = setInterval(() => {
          if (Date.now() - lastData > OFFLINE_AFTER_MS * 3) this.abort?.abort();
        }, 1000);
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            lastData = Date.now();
            for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) this.onEvent(ev.event, ev.data, channel);
          }
        } finally {
          clearInterval(idle);
        }
      } catch (e) {
        if (this.stopped) return;
        if (!this.resync)
          this.o.logger.warn('control plane unreachable; serving on the last snapshot', { error: (e as Error).message, retryInMs: delay });
      }
      if (this.stopped) return;
      if (this.resync) {
        this.resync = false;
        continue;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }

  private onEvent(event: string, data: string, channel: number): void {
    if (event === 'snapshot') {
      let msg: SnapshotMessage;
      try {
        msg = parseSnapshot(data, this.o.app);
      } catch (e) {
        this.refuse(-1, (e as Error).message);
        return;
      }
      this.serialize(() => this.applySnapshot(msg));
    } else if (event === 'delta') {
      let msg: DeltaMessage;
      try {
        msg = parseDelta(data, this.o.app);
      } catch (e) {
        this.refuse(-1, (e as Error).message);
        return;
      }
      this.serialize(() => (channel === this.channel ? this.applyDelta(msg) : Promise.resolve()));
    } else if (event === 'restart') {
      let msg: RestartMessage;
      try {
        msg = JSON.parse(data) as RestartMessage;
      } catch {
        return;
      }
      this.serialize(() => this.restart(msg));
    } else if (event === 'query') {
      let msg: QueryMessage;
      try {
        msg = JSON.parse(data) as QueryMessage;
      } catch {
        return;
      }
      if (typeof msg?.id !== 'string') return;
      void this.answer(msg);
    }
  }

  /** Answers one operator's question (worker-queries.ts) on POST /api/worker-channel/answer; not serialized behind snapshots. */
  private async answer(msg: QueryMessage): Promise<void> {
    let body: QueryAnswer;
    try {
      const result = await answerQuery(this.worker, this.instanceId, msg.kind, msg.params);
      body = { protocol: WORKER_PROTOCOL_VERSION, app: this.o.app, id: msg.id, ok: true, result };
    } catch (e) {
      const code = e instanceof QueryError ? e.code : 'QUERY_FAILED';
      if (!(e instanceof QueryError))
        this.o.logger.error('answering a control-plane query failed', { kind: msg.kind, error: (e as Error).message });
      body = {
        protocol: WORKER_PROTOCOL_VERSION,
        app: this.o.app,
        id: msg.id,
        ok: false,
        error: { code, message: (e as Error).message.slice(0, 2000) },
      };
    }
    try {
      const res = await fetch(this.url('/api/worker-channel/answer'), {
        method: 'POST',
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(3000),
      });
      await res.arrayBuffer();
    } catch {
      /* the control plane is away: it answers its caller 504 */
    }
  }

  /** Snapshots and restarts are handled one at a time, in order. */
  private serialize(fn: () => Promise<void>): void {
    this.busy = this.busy.then(fn).catch((e: unknown) => {
      this.o.logger.error('handling a control-plane message failed', { error: (e as Error).message });
    });
  }

  private refuse(configVersion: number, reason: string): void {
    this.refused = { configVersion, reason };
    this.o.logger.event(40003, 'error', { configVersion }, `snapshot refused, keeping the running configuration: ${reason}`);
    void this.report();
  }

  /**
   * A delta becomes the snapshot it describes (kept on disk and applied as one); one that does not start from the kept
   * snapshot (versions missed, or a snapshot this worker refused) reopens the channel for a whole snapshot.
   */
  private async applyDelta(msg: DeltaMessage): Promise<void> {
    const base = this.lastSnapshot;
    let effective: EffectiveProxyConfig | undefined;
    if (base && base.configVersion === msg.baseConfigVersion) {
      try {
        effective = applyEffectiveDelta(base.effective, msg.delta);
      } catch {
        effective = undefined;
      }
    }
    if (!effective) {
      this.o.logger.warn('a configuration delta does not start from the kept snapshot; asking for a whole snapshot', {
        keptConfigVersion: base?.configVersion,
        keptEffectiveVersion: base?.effective.version,
        baseConfigVersion: msg.baseConfigVersion,
        baseEffectiveVersion: msg.delta.fromVersion,
        configVersion: msg.configVersion,
      });
      this.resync = true;
      this.abort?.abort();
      return;
    }
    await this.applySnapshot({
      protocol: msg.protocol,
      app: msg.app,
      configVersion: msg.configVersion,
      effective,
      admin: msg.admin ?? base?.admin,
    });
  }

  private async applySnapshot(msg: SnapshotMessage): Promise<void> {
    const config = msg.effective;
    try {
      if (config.schemaVersion !== EFFECTIVE_CONFIG_SCHEMA_VERSION)
        throw new Error(
          `effective configuration schema ${String(config.schemaVersion)} is not ${EFFECTIVE_CONFIG_SCHEMA_VERSION} (update this worker)`,
        );
      if (config.application?.name !== this.o.app)
        throw new Error(`the effective configuration is for ${String(config.application?.name)}`);
      toRuntimeConfig(config); // refuse here (40003) what the worker could not run
    } catch (e) {
      this.refuse(msg.configVersion, (e as Error).message);
      return;
    }
    const admin = msg.admin ?? ALL_ACTIVE;
    const adminChanged = JSON.stringify(admin) !== JSON.stringify(this.admin);
    if (
      this.lastSnapshot?.effective.version !== msg.effective.version ||
      this.lastSnapshot.configVersion !== msg.configVersion ||
      adminChanged
    )
      this.persist(msg);
    this.lastSnapshot = msg;
    this.admin = admin;
    if (admin.application === 'stopped') {
      // Stopped by an operator: no SIP listener until an operator starts it again; the channel stays open for that.
      if (this.worker) {
        this.o.logger.info('stopped by an operator: draining, then closing the SIP listeners', { drainMs: STOP_DRAIN_MS });
        await this.worker.stop(STOP_DRAIN_MS);
        this.worker = undefined;
        this.running = undefined;
        this.pending = undefined;
      }
      void this.report();
      return;
    }
    if (!this.worker) {
      await this.startWith(config, msg.configVersion, msg.effective.version);
      return;
    }
    this.worker.setAdmin(admin.application === 'drained', admin.serversOutOfService);
    if (this.running?.effectiveVersion === msg.effective.version) {
      this.running = { configVersion: msg.configVersion, effectiveVersion: msg.effective.version };
      this.refused = undefined;
      void this.report();
      return;
    }
    let res;
    try {
      res = this.worker.applyConfig(config);
    } catch (e) {
      this.refuse(msg.configVersion, (e as Error).message);
      return;
    }
    this.refused = undefined;
    if (res.restartRequired.length) {
      // The worker names the changes as operators know them (resolve-host, contact (DN 1001 of SiteA)).
      this.pending = { configVersion: msg.configVersion, config, options: res.restartRequired };
      this.o.logger.warn('restart pending: these changes take effect after a restart', {
        configVersion: msg.configVersion,
        options: res.restartRequired,
        applied: res.applied,
      });
    } else {
      this.pending = undefined;
      this.running = { configVersion: msg.configVersion, effectiveVersion: msg.effective.version };
    }
    void this.report();
  }

  private async startWith(config: EffectiveProxyConfig, configVersion: number, effectiveVersion: string): Promise<void> {
    try {
      this.worker = await ProxyWorker.start(config, {
        logger: this.o.logger,
        logDirectory: this.o.logDirectory,
        onEvent: () => void this.report(),
      });
      this.worker.setAdmin(this.admin.application === 'drained', this.admin.serversOutOfService);
      this.running = { configVersion, effectiveVersion };
      this.startFailure = undefined;
      this.refused = undefined;
    } catch (e) {
      const event = e instanceof WorkerStartError ? e.event : 40006;
      this.startFailure = {
        key: `listener:${this.o.app}`,
        event,
        eventName: LOG_EVENTS[event].name,
        severity: 'critical',
        reason: (e as Error).message,
        trigger: 'start',
        since: new Date().toISOString(),
      };
      this.o.logger.error('the proxy could not start on this snapshot; retrying in 3 s', { configVersion, error: (e as Error).message });
      // A port held by another process may be freed: keep trying on the newest snapshot.
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        const snap = this.lastSnapshot;
        if (!this.worker && !this.stopped && snap) this.serialize(() => this.applySnapshot(snap));
      }, 3000);
    }
    void this.report();
  }

  private async restart(msg: RestartMessage): Promise<void> {
    const next =
      this.pending ??
      (this.lastSnapshot
        ? { configVersion: this.lastSnapshot.configVersion, config: this.lastSnapshot.effective, options: [] }
        : undefined);
    if (!next || this.admin.application === 'stopped') return;
    this.o.logger.info('restarting on request', { reason: msg.reason, drainMs: msg.drainMs, configVersion: next.configVersion });
    await this.worker?.stop(msg.drainMs);
    this.worker = undefined;
    this.pending = undefined;
    await this.startWith(next.config, next.configVersion, next.config.version);
  }

  /** Posts the status; coalesces bursts (one in flight, one queued). */
  private async report(): Promise<void> {
    if (this.reportInFlight) {
      this.reportAgain = true;
      return;
    }
    this.reportInFlight = true;
    try {
      do {
        this.reportAgain = false;
        const body = this.buildReport();
        const res = await fetch(this.url('/api/worker-channel/report'), {
          method: 'POST',
          headers: { ...this.headers(), 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(3000),
        });
        if (res.status === 401 || res.status === 403) this.o.onAuthRefused?.(res.status, await res.text());
        else await res.arrayBuffer();
      } while (this.reportAgain && !this.stopped);
    } catch {
      /* the control plane is away: the next tick tries again */
    } finally {
      this.reportInFlight = false;
    }
  }

  private buildReport(): WorkerReport {
    // The report needs only the number of connections: a page of 0 counts them without copying each one (10k+ per tick).
    const st: WorkerStatus | undefined = this.worker?.status({ limit: 0 });
    // The trigger is what made the pair go out of service (probe timeout, transport error, reply code), from its history.
    const triggerOf = (pair: string): string => st?.pairs.find((p) => p.name === pair)?.history.at(-1)?.trigger ?? 'oos-detection';
    const alarms: ReportedAlarm[] = (st?.alarms ?? []).map((a) => ({
      key: a.id,
      event: a.event,
      eventName: a.eventName,
      severity: 'critical',
      reason: a.text,
      trigger: a.pair !== undefined ? triggerOf(a.pair) : 'start',
      since: a.since,
    }));
    if (this.startFailure) alarms.push(this.startFailure);
    const pairs: ReportedPair[] = (st?.pairs ?? []).map((p) => ({
      name: p.name,
      serving: p.serving,
      state: p.state,
      since: new Date(p.since).toISOString(),
      servers: p.servers.map((s) => ({
        role: s.role,
        name: s.server.name,
        host: s.server.host,
        port: s.server.port,
        lastProbeAt: s.lastProbeAt ? new Date(s.lastProbeAt).toISOString() : undefined,
        lastRttMs: s.lastRttMs,
        lastCode: s.lastCode,
        up: s.status === 'unknown' ? undefined : s.status === 'up',
        standby: s.standby || undefined,
        lastSeenAt: s.lastSeenAt ? new Date(s.lastSeenAt).toISOString() : undefined,
        adminOutOfService: s.adminOutOfService || undefined,
      })),
      history: p.history.slice(-20).map((h) => ({
        at: new Date(h.at).toISOString(),
        from: h.from,
        to: h.to,
        trigger: h.trigger,
        server: h.server,
        code: h.code,
        rttMs: h.rttMs,
      })),
    }));
    const c = st?.counters;
    const requests = c ? Object.values(c.requestsIn).reduce((a, b) => a + b, 0) : 0;
    return {
      protocol: WORKER_PROTOCOL_VERSION,
      app: this.o.app,
      instanceId: this.instanceId,
      pid: process.pid,
      hostname: hostname(),
      startedAt: this.startedAt,
      configVersion: this.running?.configVersion,
      effectiveVersion: this.running?.effectiveVersion,
      restartPending: this.pending ? { configVersion: this.pending.configVersion, options: this.pending.options } : undefined,
      refused: this.refused,
      running: !!this.worker,
      listeners: (st?.listeners ?? []).map((l) => ({ transport: l.transport, address: l.address, port: l.port })),
      pairs,
      alarms,
      counters: c
        ? {
            requests,
            calls: c.calls,
            callsPerSecond: c.callsPerSecond,
            rejectedOverload: c.rejectedOverload,
            rejectedOutOfService: c.rejectedOutOfService,
            failovers: c.failovers,
            responses503: c.responsesOut['503'] ?? 0,
          }
        : {},
      connections: st?.connectionsPage?.total ?? 0,
      notes: st?.notes ?? [],
      admin: {
        state: this.admin.application,
        activeDialogs: st?.admin.activeDialogs ?? 0,
        flows: st?.admin.flows ?? 0,
        rejectedDraining: c?.rejectedDraining ?? 0,
      },
    };
  }
}
