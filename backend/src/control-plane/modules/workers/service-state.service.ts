import { Injectable } from '@nestjs/common';
import { proxyApplicationNames } from '../../../contracts/effective-config.js';
import { OFFLINE_AFTER_MS, type ApplicationAdminState, type ReportedPair, type WorkerReport } from '../../../contracts/worker-protocol.js';
import { AdminStatesService } from './admin-states.service.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { WorkerRegistry, type InstanceState } from './worker-registry.js';
import { WorkersRepository } from './workers.repository.js';

export interface WorkerView {
  id: string;
  app: string;
  kind: 'embedded' | 'remote' | 'unknown';
  online: boolean;
  instanceId?: string;
  hostname?: string;
  pid?: number;
  startedAt?: string;
  lastSeenAt?: string;
  configVersion?: number;
  restartPending: boolean;
  restartPendingOptions: string[];
  refused?: { configVersion: number; reason: string };
  listeners: WorkerReport['listeners'];
  counters: WorkerReport['counters'];
  connections: number;
  notes: readonly string[];
  alarms: number;
  /**
   * The operator's administrative state (an intended state, not a failure: a stopped application is offline on
   * purpose), and what the worker reports applying with what counts down while drained.
   */
  adminState: ApplicationAdminState;
  running: boolean;
  admin?: WorkerReport['admin'];
}
export interface PairView {
  name: string;
  primary?: { name: string; host: string; port: number };
  backup?: { name: string; host: string; port: number };
  state: string;
  disagree: boolean;
  /** Its servers an operator forced out of service (maintenance, manual switchover). */
  adminOutOfService: string[];
  views: {
    worker: string;
    state: string;
    serving: boolean;
    since: string;
    servers: ReportedPair['servers'];
    history: ReportedPair['history'];
  }[];
}
export interface ServiceState {
  generatedAt: string;
  configVersion: number;
  workers: WorkerView[];
  pairs: PairView[];
  sites: { switch: string; sipServer: string | null; proxies: string[] }[];
}

/**
 * The service state read model (GET /api/workers, GET /api/service-state, the live stream, /api/health): every
 * worker and every HA pair as each proxy sees it, from the reports this replica holds and (through worker_states)
 * those the other replicas received.
 */
@Injectable()
export class ServiceStateService {
  constructor(
    private readonly repo: WorkersRepository,
    private readonly config: ConfigurationService,
    private readonly registry: WorkerRegistry,
    private readonly adminStates: AdminStatesService,
  ) {}

  async workers(): Promise<WorkerView[]> {
    const { doc } = await this.config.head();
    const instances = await this.allInstances();
    const apps = new Set([...proxyApplicationNames(doc), ...instances.keys()]);
    const now = Date.now();
    return [...apps].sort().map((app) => {
      const list = (instances.get(app) ?? []).sort((a, b) => b.lastSeen - a.lastSeen);
      const st = list[0];
      const r = st?.report;
      return {
        id: app,
        app,
        kind: st?.kind ?? 'unknown',
        online: !!st && now - st.lastSeen <= OFFLINE_AFTER_MS,
        instanceId: r?.instanceId,
        hostname: r?.hostname,
        pid: r?.pid,
        startedAt: r?.startedAt,
        lastSeenAt: st ? new Date(st.lastSeen).toISOString() : undefined,
        configVersion: r ? this.registry.appliedVersion(r) : undefined,
        restartPending: !!r?.restartPending,
        restartPendingOptions: [...(r?.restartPending?.options ?? [])],
        refused: r?.refused,
        listeners: r?.listeners ?? [],
        counters: r?.counters ?? {},
        connections: r?.connections ?? 0,
        notes: r?.notes ?? [],
        alarms: r?.alarms.length ?? 0,
        adminState: this.adminStates.applicationState(app),
        running: !!r?.running && !!st && now - st.lastSeen <= OFFLINE_AFTER_MS,
        admin: r?.admin,
      };
    });
  }

  async serviceState(): Promise<ServiceState> {
    const { version, doc } = await this.config.head();
    const workers = await this.workers();
    const instances = await this.allInstances();
    const apps = new Map(doc.applications.map((a) => [a.name, a]));
    const pairs = new Map<string, PairView>();
    for (const a of doc.applications) {
      if (a.type !== 'sip-server' || !a.backup) continue;
      const b = apps.get(a.backup);
      const forced = [a.name, ...(b ? [b.name] : [])].filter((n) => this.adminStates.serverState(n) === 'out-of-service');
      pairs.set(a.name, {
        name: a.name,
        primary: { name: a.name, host: a.host ?? '', port: a.ports['sip-port'] ?? 0 },
        backup: b ? { name: b.name, host: b.host ?? '', port: b.ports['sip-port'] ?? 0 } : undefined,
        state: 'unknown',
        disagree: false,
        adminOutOfService: forced,
        views: [],
      });
    }
    for (const w of workers) {
      if (!w.online) continue;
      const r = instances.get(w.app)?.find((s) => s.report.instanceId === w.instanceId)?.report;
      for (const p of r?.pairs ?? []) {
        const view = pairs.get(p.name) ?? {
          name: p.name,
          state: 'unknown',
          disagree: false,
          adminOutOfService: p.servers.filter((x) => x.adminOutOfService).map((x) => x.name),
          views: [],
        };
        view.views.push({ worker: w.app, state: p.state, serving: p.serving, since: p.since, servers: p.servers, history: p.history });
        pairs.set(p.name, view);
      }
    }
    for (const p of pairs.values()) {
      const states = new Set(p.views.map((v) => v.state));
      p.disagree = states.size > 1;
      p.state = states.size === 1 ? [...states][0] : states.size === 0 ? 'unknown' : 'disagreement';
    }
    const sites = doc.switches.map((s) => ({
      switch: s.name,
      sipServer: s.sipServer ?? null,
      proxies: doc.applications
        .filter((a) => a.type === 'sip-proxy' && a.options.sipproxy?.['servicing-sipserver'] === s.sipServer)
        .map((a) => a.name),
    }));
    return { generatedAt: new Date().toISOString(), configVersion: version, workers, pairs: [...pairs.values()], sites };
  }

  /** For /api/health: this replica's own view. */
  healthWorkers(): { id: string; app: string; online: boolean; configVersion?: number; restartPending?: boolean }[] {
    const now = Date.now();
    return this.registry.apps().flatMap((app) => {
      const st = this.registry.latest(app);
      return st
        ? [
            {
              id: app,
              app,
              online: now - st.lastSeen <= OFFLINE_AFTER_MS,
              configVersion: this.registry.appliedVersion(st.report),
              restartPending: !!st.report.restartPending,
            },
          ]
        : [];
    });
  }

  /** Every instance heard of recently, here or (through the database) at another replica. */
  private async allInstances(): Promise<Map<string, InstanceState[]>> {
    const out = new Map<string, InstanceState[]>();
    for (const app of this.registry.apps()) out.set(app, this.registry.instancesOf(app));
    try {
      for (const row of await this.repo.recentStates(OFFLINE_AFTER_MS * 2)) {
        const list = out.get(row.app) ?? [];
        if (list.some((s) => s.report.instanceId === row.instanceId)) continue;
        list.push({ report: row.report, lastSeen: row.lastSeenAt.getTime(), kind: 'remote', here: false });
        out.set(row.app, list);
      }
    } catch {
      /* the database is away: this replica's own view */
    }
    return out;
  }
}
