import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { nameKey } from '../../../contracts/names.js';
import type { AdminStates, ApplicationAdminState, ServerAdminState } from '../../../contracts/worker-protocol.js';
import type { AuthUser } from '../../common/auth-context.js';
import { AppError, forbidden, notFound } from '../../common/errors.js';
import { Notifications } from '../../database/notifications.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { AdminStateEntity, type AdminStateKind } from './worker.entities.js';

/** One administrative state as the API shows it (`changedBy`/`changedAt` absent: never set, so active). */
export interface AdminStateRecord {
  name: string;
  state: string;
  changedBy?: string;
  changedAt?: string;
}
export interface AdminStateChange {
  kind: AdminStateKind;
  name: string;
  state: string;
}

const key = (kind: AdminStateKind, name: string): string => `${kind}:${nameKey(name)}`;

/**
 * Operators' administrative states (table `admin_states`): a SIP Proxy application drained or stopped, a SIP
 * Server forced out of service. Held in memory on every replica (the workers' snapshots and the supervisor read
 * them on every push), reloaded when any replica changes one (`admin_state_changed`) or the LISTEN connection
 * comes back. Listeners (the snapshot stream, the supervisor) run after each change.
 */
@Injectable()
export class AdminStatesService implements OnModuleInit {
  private readonly logger = new Logger('AdminStates');
  private rows = new Map<string, AdminStateEntity>();
  private loaded = false;
  private readonly listeners: ((c: AdminStateChange | undefined) => void)[] = [];

  constructor(
    @InjectRepository(AdminStateEntity) private readonly repo: Repository<AdminStateEntity>,
    private readonly notifications: Notifications,
    private readonly config: ConfigurationService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.notifications.on('admin_state_changed', (c, meta) => {
      if (!meta.fromHere) void this.reloadAndTell(c);
    });
    this.notifications.onReconnect(() => void this.reloadAndTell(undefined));
    await this.ensureLoaded();
  }

  /** Runs after every change this replica makes or hears of (undefined: reloaded after a gap, anything may differ). */
  onChange(fn: (c: AdminStateChange | undefined) => void): void {
    this.listeners.push(fn);
  }

  /**
   * True once the states were read from PostgreSQL. Until then nothing may act on them: a stopped application
   * must not be started because the table could not be read yet.
   */
  async ensureLoaded(): Promise<boolean> {
    if (this.loaded) return true;
    try {
      await this.reload();
    } catch (e) {
      this.logger.warn(`cannot read the administrative states yet: ${(e as Error).message}`);
    }
    return this.loaded;
  }

  applicationState(app: string): ApplicationAdminState {
    return (this.rows.get(key('application', app))?.state as ApplicationAdminState | undefined) ?? 'active';
  }

  serverState(server: string): ServerAdminState {
    return (this.rows.get(key('sip-server', server))?.state as ServerAdminState | undefined) ?? 'active';
  }

  serversOutOfService(): string[] {
    return [...this.rows.values()]
      .filter((r) => r.kind === 'sip-server' && r.state === 'out-of-service')
      .map((r) => r.name)
      .sort();
  }

  /** What the worker of `app` is sent with its configuration. */
  forWorker(app: string): AdminStates {
    return { application: this.applicationState(app), serversOutOfService: this.serversOutOfService() };
  }

  record(kind: AdminStateKind, name: string): AdminStateRecord {
    const r = this.rows.get(key(kind, name));
    return r ? { name, state: r.state, changedBy: r.changedBy, changedAt: r.changedAt.toISOString() } : { name, state: 'active' };
  }

  /** The configured SIP Proxy application `name` is given as (any case), or 404 / 400. */
  async proxyApplication(name: string): Promise<string> {
    return this.configured(name, 'sip-proxy', 'SIP Proxy application', 'NOT_A_SIP_PROXY');
  }

  /** The configured SIP Server `name` is given as (any case), or 404 / 400. */
  async sipServer(name: string): Promise<string> {
    return this.configured(name, 'sip-server', 'SIP Server', 'NOT_A_SIP_SERVER');
  }

  private async configured(name: string, type: string, what: string, code: string): Promise<string> {
    const { doc } = await this.config.head();
    const a = doc.applications.find((x) => nameKey(x.name) === nameKey(name));
    if (!a) throw notFound(`${what} ${name}`);
    if (a.type !== type) throw new AppError(400, code, `${a.name} is a ${a.type} application, not a ${what}`);
    return a.name;
  }

  /**
   * Sets an application's state. Least privilege: `stopped` ends the worker processes like a restart does, which
   * only admins may order; draining and starting again are operators' daily work.
   */
  async setApplication(name: string, state: ApplicationAdminState, user: AuthUser): Promise<AdminStateRecord> {
    const app = await this.proxyApplication(name);
    if (state === 'stopped' && user.role !== 'admin')
      throw forbidden('Stopping an application ends its workers, like a restart: only an admin may');
    await this.save('application', app, state, user.username);
    return this.record('application', app);
  }

  async setServer(name: string, state: ServerAdminState, user: AuthUser): Promise<AdminStateRecord> {
    const server = await this.sipServer(name);
    await this.save('sip-server', server, state, user.username);
    return this.record('sip-server', server);
  }

  private async save(kind: AdminStateKind, name: string, state: string, actor: string): Promise<void> {
    const previous = this.rows.get(key(kind, name));
    await this.repo.manager.transaction(async (m) => {
      // A row left under another spelling (the object was deleted and created again in another case) goes.
      if (previous && previous.name !== name) await m.delete(AdminStateEntity, { kind, name: previous.name });
      await m.upsert(AdminStateEntity, { kind, name, state, changedBy: actor, changedAt: new Date() }, ['kind', 'name']);
    });
    this.logger.log(`${kind} ${name}: administrative state ${previous?.state ?? 'active'} -> ${state} (by ${actor})`);
    const change = { kind, name, state };
    await this.reloadAndTell(change);
    await this.notifications.notify('admin_state_changed', change).catch((e: unknown) => this.logger.error(`notify failed: ${String(e)}`));
  }

  private async reload(): Promise<void> {
    const rows = await this.repo.find();
    this.rows = new Map(rows.map((r) => [key(r.kind, r.name), r]));
    this.loaded = true;
  }

  private async reloadAndTell(c: AdminStateChange | undefined): Promise<void> {
    try {
      await this.reload();
    } catch (e) {
      this.logger.error(`cannot reload the administrative states: ${(e as Error).message}`);
      return;
    }
    for (const fn of this.listeners) {
      try {
        fn(c);
      } catch (e) {
        this.logger.error(`administrative state listener failed: ${String(e)}`);
      }
    }
  }
}
