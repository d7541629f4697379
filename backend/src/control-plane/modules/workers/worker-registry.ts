import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { EffectiveProxyConfig } from '../../../contracts/effective-config.js';
import type { WorkerReport } from '../../../contracts/worker-protocol.js';
import type { DisconnectTrigger } from './instance-events.js';

export type WorkerKind = 'embedded' | 'remote';

/** What a channel was sent last: the base of the next delta on it. */
export interface SentConfig {
  configVersion: number;
  eff: EffectiveProxyConfig;
  admin: string;
}

/** One open worker channel (GET /api/worker-channel/stream): snapshots, deltas and restarts go out on it. */
export interface WorkerStream {
  app: string;
  res: Response;
  sent?: SentConfig;
  kind: WorkerKind;
  ping: NodeJS.Timeout;
  tokenId: string;
}

/** An application's effective configuration version at a control-plane version (as last compiled here). */
export interface EffectiveHead {
  configVersion: number;
  effectiveVersion: string;
}

/** The last report of one instance of an application, and when it came. `here`: reported to this replica. */
export interface InstanceState {
  report: WorkerReport;
  lastSeen: number;
  kind: WorkerKind;
  here: boolean;
}

/** Why the control plane considers an instance gone (one 40002 line and one alarm per episode). */
export interface Down {
  since: number;
  trigger: DisconnectTrigger;
}

/**
 * What this replica knows of the workers right now, shared by the worker providers (snapshot stream, report intake,
 * liveness watchdog, restart fan-out, service state): the open channels, the last report of each instance, and the
 * applications in a "disconnected" episode. Bookkeeping only: the decisions are the providers'. The only holder of
 * these maps (dependency-cruiser rule `worker-state-lives-in-the-registry`).
 */
@Injectable()
export class WorkerRegistry {
  private readonly streams = new Map<string, Set<WorkerStream>>();
  private readonly instances = new Map<string, Map<string, InstanceState>>();
  private readonly down = new Map<string, Down>();
  private readonly effective = new Map<string, EffectiveHead>();
  private closing = false;

  // ---- channels ----------------------------------------------------------------------------------------------------

  addStream(s: WorkerStream): void {
    const set = this.streams.get(s.app) ?? new Set<WorkerStream>();
    set.add(s);
    this.streams.set(s.app, set);
  }

  removeStream(s: WorkerStream): void {
    this.streams.get(s.app)?.delete(s);
  }

  /** The open channels of `app` (a copy: ending one while iterating is safe). */
  streamsOf(app: string): WorkerStream[] {
    return [...(this.streams.get(app) ?? [])];
  }

  allStreams(): WorkerStream[] {
    return [...this.streams.values()].flatMap((set) => [...set]);
  }

  streamCount(app: string): number {
    return this.streams.get(app)?.size ?? 0;
  }

  // ---- instances (last reports) ------------------------------------------------------------------------------------

  /** Stores `report` as its instance's latest; returns the instance's previous state (undefined: first report here). */
  record(report: WorkerReport, kind: WorkerKind, at: number): InstanceState | undefined {
    const instances = this.instances.get(report.app) ?? new Map<string, InstanceState>();
    const previous = instances.get(report.instanceId);
    instances.set(report.instanceId, { report, lastSeen: at, kind, here: true });
    this.instances.set(report.app, instances);
    return previous;
  }

  /** Applications with instances known here (possibly none left: an application whose instances were all dropped stays listed). */
  apps(): string[] {
    return [...this.instances.keys()];
  }

  instancesOf(app: string): InstanceState[] {
    return [...(this.instances.get(app)?.values() ?? [])];
  }

  /** The instance of `app` heard from last. */
  latest(app: string): InstanceState | undefined {
    return this.instancesOf(app).sort((a, b) => b.lastSeen - a.lastSeen)[0];
  }

  /** When `app` last reported here (0: never, or forgotten). */
  lastSeen(app: string): number {
    return Math.max(0, ...this.instancesOf(app).map((s) => s.lastSeen));
  }

  /** Drops the instances of `app` not heard from since `before`; with none left, `app` is forgotten too. */
  dropInstancesSilentSince(app: string, before: number): void {
    const instances = this.instances.get(app);
    if (!instances) return;
    for (const [id, st] of instances) if (st.lastSeen < before) instances.delete(id);
    // An application listed with no instance has no "latest" report: every reader would have to guess.
    if (instances.size === 0) this.instances.delete(app);
  }

  forgetApp(app: string): void {
    this.instances.delete(app);
  }

  // ---- effective configurations ----------------------------------------------------------------------------------

  /** Notes that `app`'s effective configuration at control-plane version `configVersion` is `effectiveVersion`. */
  noteEffective(app: string, head: EffectiveHead): void {
    const prev = this.effective.get(app);
    if (!prev || prev.configVersion <= head.configVersion) this.effective.set(app, head);
  }

  /**
   * The control-plane version a report's configuration corresponds to: a worker gets nothing for a change that does
   * not touch its effective configuration, so one running the latest effective version runs the latest version.
   */
  appliedVersion(report: WorkerReport): number | undefined {
    const head = this.effective.get(report.app);
    if (report.configVersion === undefined || !head || report.effectiveVersion !== head.effectiveVersion) return report.configVersion;
    return Math.max(report.configVersion, head.configVersion);
  }

  // ---- disconnected episodes ---------------------------------------------------------------------------------------

  isDown(app: string): boolean {
    return this.down.has(app);
  }

  /** Opens an episode; false when one is open already (so it is reported once). */
  markDown(app: string, d: Down): boolean {
    if (this.down.has(app)) return false;
    this.down.set(app, d);
    return true;
  }

  /** Closes the episode of `app`, returning it (undefined: none was open). */
  clearDown(app: string): Down | undefined {
    const d = this.down.get(app);
    this.down.delete(app);
    return d;
  }

  // ---- shutdown ----------------------------------------------------------------------------------------------------

  /**
   * Set by the first provider to stop: channels ended by the shutdown are not instances lost. Nest destroys the
   * providers one dependency level at a time, so a channel's `close` may come before the watchdog's own hook.
   */
  beginShutdown(): void {
    this.closing = true;
  }
  get shuttingDown(): boolean {
    return this.closing;
  }
}
