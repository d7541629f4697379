import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import {
  compileEffectiveConfig,
  EffectiveCompileCache,
  proxyApplicationNames,
  type EffectiveProxyConfig,
} from '../../../contracts/effective-config.js';
import { effectiveDelta } from '../../../contracts/effective-delta.js';
import { sseFrame, WORKER_PROTOCOL_VERSION, type DeltaMessage, type SnapshotMessage } from '../../../contracts/worker-protocol.js';
import { badRequest } from '../../common/errors.js';
import { Notifications } from '../../database/notifications.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { LiveBus } from '../live/live-bus.js';
import { AdminStatesService } from './admin-states.service.js';
import { LivenessWatchdog } from './liveness-watchdog.service.js';
import type { WorkerTokenEntity } from './worker.entities.js';
import { WorkerRegistry, type WorkerStream } from './worker-registry.js';
import { WorkerTokensService } from './worker-tokens.service.js';

const PING_MS = 5000;

/**
 * The worker channels (GET /api/worker-channel/stream, Server-Sent Events): each carries its application's effective
 * configuration (a `snapshot`, with the secret values only the worker gets) when it opens, then, after every committed
 * change this replica hears of (notification `config_changed`, or a reconnect of the LISTEN connection, after which
 * changes may have been missed), a `delta` from what the channel was sent last, only when the application's effective
 * configuration (or its administrative state) changed. A worker that cannot apply a delta reopens its channel.
 */
@Injectable()
export class SnapshotStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Workers');
  private effectiveCache = new Map<string, { version: number; eff: EffectiveProxyConfig | undefined }>();
  private readonly configListeners: (() => void)[] = [];
  /** The DNs compiled last: after an edit only the DNs that differ are compiled again, once for every application. */
  private readonly compileCache = new EffectiveCompileCache();

  constructor(
    private readonly config: ConfigurationService,
    private readonly notifications: Notifications,
    private readonly bus: LiveBus,
    private readonly tokens: WorkerTokensService,
    private readonly liveness: LivenessWatchdog,
    private readonly registry: WorkerRegistry,
    private readonly adminStates: AdminStatesService,
  ) {}

  onModuleInit(): void {
    this.notifications.on('config_changed', () => void this.onConfigChanged());
    this.notifications.onReconnect(() => void this.onConfigChanged());
    // An administrative state travels with the configuration: pushed at once, and to every worker that connects later.
    this.adminStates.onChange(() => void this.onAdminStateChanged());
  }

  /** Ends every channel (the workers reconnect to another replica, or to this one when it is back). */
  onModuleDestroy(): void {
    this.registry.beginShutdown();
    for (const s of this.registry.allStreams()) {
      clearInterval(s.ping);
      s.res.end();
    }
  }

  /** Runs after every configuration change this replica hears of (the supervisor reconciles its workers). */
  onConfigChange(fn: () => void): void {
    this.configListeners.push(fn);
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
    const s: WorkerStream = { app, res, kind: token.kind, tokenId: token.id, ping: setInterval(() => res.write(': ping\n\n'), PING_MS) };
    this.registry.addStream(s);
    res.on('close', () => {
      clearInterval(s.ping);
      this.registry.removeStream(s);
      this.liveness.channelClosed(app);
    });
    try {
      await this.push(s);
    } catch (e) {
      this.logger.warn(`no snapshot for ${app} yet: ${(e as Error).message}`);
    }
  }

  private async effectiveFor(app: string): Promise<{ version: number; eff: EffectiveProxyConfig | undefined }> {
    const head = await this.config.head();
    const cached = this.effectiveCache.get(app);
    if (cached?.version === head.version) return cached;
    let eff: EffectiveProxyConfig | undefined;
    try {
      // The worker is the one party that gets the secret values (its TLS key).
      const { doc } = await this.config.headWithSecrets();
      const { baseDir, pemFiles } = this.config.tlsFiles;
      eff = proxyApplicationNames(doc).includes(app)
        ? compileEffectiveConfig(doc, app, { baseDir, pemFiles, tlsMaterial: 'inline-pem', cache: this.compileCache })
        : undefined;
    } catch (e) {
      this.logger.error(`cannot compile the configuration of ${app}: ${(e as Error).message}`);
    }
    const entry = { version: head.version, eff };
    this.effectiveCache.set(app, entry);
    if (eff) this.registry.noteEffective(app, { configVersion: head.version, effectiveVersion: eff.version });
    return entry;
  }

  /** A snapshot on a new channel; afterwards a delta from what the channel was sent last, when anything changed. */
  private async push(s: WorkerStream): Promise<void> {
    const { version, eff } = await this.effectiveFor(s.app);
    if (!eff) return;
    const admin = this.adminStates.forWorker(s.app);
    const adminJson = JSON.stringify(admin);
    const prev = s.sent;
    if (prev && prev.eff.version === eff.version && prev.admin === adminJson) return;
    let kind: 'snapshot' | 'delta';
    let frame: string;
    if (!prev) {
      const msg: SnapshotMessage = { protocol: WORKER_PROTOCOL_VERSION, app: s.app, configVersion: version, effective: eff, admin };
      kind = 'snapshot';
      frame = sseFrame(kind, msg);
    } else {
      const delta = effectiveDelta(prev.eff, eff) ?? {
        fromVersion: prev.eff.version,
        toVersion: eff.version,
        set: {},
        unset: [],
        switchOrder: eff.switches.map((w) => w.name),
        switches: [],
      };
      const msg: DeltaMessage = {
        protocol: WORKER_PROTOCOL_VERSION,
        app: s.app,
        baseConfigVersion: prev.configVersion,
        configVersion: version,
        delta,
        admin,
      };
      kind = 'delta';
      frame = sseFrame(kind, msg);
    }
    s.sent = { configVersion: version, eff, admin: adminJson };
    s.res.write(frame);
    this.logger.debug(`sent ${s.app} a ${kind} of ${frame.length} bytes: version ${prev?.configVersion ?? '-'} -> ${version}`);
  }

  private async onAdminStateChanged(): Promise<void> {
    for (const s of this.registry.allStreams())
      await this.push(s).catch((e: unknown) => this.logger.error(`push to ${s.app} failed: ${String(e)}`));
    for (const fn of this.configListeners) fn();
    this.bus.emit({ type: 'service-state-changed' });
  }

  private async onConfigChanged(): Promise<void> {
    this.effectiveCache = new Map();
    for (const s of this.registry.allStreams())
      await this.push(s).catch((e: unknown) => this.logger.error(`push to ${s.app} failed: ${String(e)}`));
    for (const fn of this.configListeners) fn();
    await this.tokens.revokeTokensOfDeletedApps();
    this.bus.emit({ type: 'service-state-changed' });
  }
}
