import { Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApplicationAdminState, ServerAdminState } from '../../../contracts/worker-protocol.js';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { objectName } from '../../common/fields.js';
import { ValidBody, ValidParam, type Infer } from '../../common/validation.js';
import { ApplicationAdminStateBody, ServerAdminStateBody } from './admin-state.schemas.js';
import { AdminStatesService, type AdminStateRecord } from './admin-states.service.js';
import { ServiceStateService } from './service-state.service.js';

/** An application's state with what each of its workers applies and what counts down while drained. */
export interface ApplicationAdminStateView extends AdminStateRecord {
  workers: {
    instanceId?: string;
    online: boolean;
    running: boolean;
    applied?: string;
    activeDialogs: number;
    flows: number;
    rejectedDraining: number;
  }[];
}
/** A SIP Server's state, its HA pair and role, and each proxy's view of that pair. */
export interface ServerAdminStateView extends AdminStateRecord {
  pair?: string;
  role?: 'primary' | 'backup';
  proxies: { worker: string; pairState: string; applied: boolean }[];
}

/**
 * Administrative states (issue 17): `PUT/GET /api/applications/{name}/admin-state` (active, drained, stopped) and
 * `PUT/GET /api/sip-servers/{name}/admin-state` (active, out-of-service). Writes are audited by the audit
 * interceptor; operators and admins may write, and only admins may stop (AdminStatesService).
 */
@ApiTags('admin-state')
@Controller()
export class AdminStateController {
  constructor(
    private readonly states: AdminStatesService,
    private readonly service: ServiceStateService,
  ) {}

  @Get('applications/:name/admin-state')
  async getApplication(@ValidParam('name', objectName) name: string): Promise<ApplicationAdminStateView> {
    return this.applicationView(await this.states.proxyApplication(name));
  }

  @Put('applications/:name/admin-state')
  @CanEditConfig()
  async putApplication(
    @ValidParam('name', objectName) name: string,
    @ValidBody(ApplicationAdminStateBody) body: Infer<typeof ApplicationAdminStateBody>,
    @CurrentUser() u: AuthUser,
  ): Promise<ApplicationAdminStateView> {
    const r = await this.states.setApplication(name, body.state as ApplicationAdminState, u);
    return this.applicationView(r.name);
  }

  @Get('sip-servers/:name/admin-state')
  async getServer(@ValidParam('name', objectName) name: string): Promise<ServerAdminStateView> {
    return this.serverView(await this.states.sipServer(name));
  }

  @Put('sip-servers/:name/admin-state')
  @CanEditConfig()
  async putServer(
    @ValidParam('name', objectName) name: string,
    @ValidBody(ServerAdminStateBody) body: Infer<typeof ServerAdminStateBody>,
    @CurrentUser() u: AuthUser,
  ): Promise<ServerAdminStateView> {
    const r = await this.states.setServer(name, body.state as ServerAdminState, u);
    return this.serverView(r.name);
  }

  private async applicationView(app: string): Promise<ApplicationAdminStateView> {
    const w = (await this.service.workers()).find((x) => x.app === app);
    const workers = w?.instanceId
      ? [
          {
            instanceId: w.instanceId,
            online: w.online,
            running: w.running,
            applied: w.admin?.state,
            activeDialogs: w.admin?.activeDialogs ?? 0,
            flows: w.admin?.flows ?? 0,
            rejectedDraining: w.admin?.rejectedDraining ?? 0,
          },
        ]
      : [];
    return { ...this.states.record('application', app), workers };
  }

  private async serverView(server: string): Promise<ServerAdminStateView> {
    const st = await this.service.serviceState();
    const pair = st.pairs.find(
      (p) => p.primary?.name === server || p.backup?.name === server || p.views.some((v) => v.servers.some((s) => s.name === server)),
    );
    const role = pair
      ? pair.primary?.name === server
        ? 'primary'
        : pair.backup?.name === server
          ? 'backup'
          : (pair.views[0]?.servers.find((s) => s.name === server)?.role as 'primary' | 'backup' | undefined)
      : undefined;
    const proxies = (pair?.views ?? []).map((v) => ({
      worker: v.worker,
      pairState: v.state,
      applied: v.servers.some((s) => s.name === server && s.adminOutOfService === true),
    }));
    return { ...this.states.record('sip-server', server), pair: pair?.name, role, proxies };
  }
}
