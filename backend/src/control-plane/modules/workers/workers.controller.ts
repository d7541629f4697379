import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { CloseConnectionAnswer, ConnectionsAnswer } from '../../../contracts/worker-query.js';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, Roles, type AuthUser } from '../../common/auth-context.js';
import { objectName } from '../../common/fields.js';
import { uuidParam } from '../../common/fields.js';
import { ValidBody, ValidParam, ValidQuery, type Infer } from '../../common/validation.js';
import { RestartFanoutService } from './restart-fanout.service.js';
import { ServiceStateService } from './service-state.service.js';
import { WorkerTokensService } from './worker-tokens.service.js';
import { WorkerQueryService } from './worker-query.service.js';
import { connectionIdParam, ConnectionsQuery, WorkerTokenCreateBody } from './workers.schemas.js';

@ApiTags('workers')
@Controller('workers')
export class WorkersController {
  constructor(
    private readonly state: ServiceStateService,
    private readonly restarts: RestartFanoutService,
    private readonly tokensService: WorkerTokensService,
    private readonly queries: WorkerQueryService,
  ) {}

  @Get() list() {
    return this.state.workers();
  }

  /** Drain transactions in progress, then run on the pending configuration (admins only). */
  @Post(':id/restart')
  @HttpCode(202)
  @Roles('admin')
  restart(@Param('id') id: string, @CurrentUser() u: AuthUser) {
    return this.restarts.restart(id, u.username);
  }

  /**
   * The connection inspector: the worker's TCP/TLS connections with the registrations stuck to each (AOR, instance,
   * Flow-Timer), TLS peers' certificates, UDP flows; filtered (`transport`, `q`) and paged. Operators and admins.
   */
  @Get(':id/connections')
  @CanEditConfig()
  connections(@ValidParam('id', objectName) id: string, @ValidQuery(ConnectionsQuery) q: Infer<typeof ConnectionsQuery>) {
    return this.queries.ask<ConnectionsAnswer>(id, 'connections', q);
  }

  /** Closes one connection (its flows fail: requests for them get 430 until the UA registers again). Admins; audited. */
  @Delete(':id/connections/:connectionId')
  @Roles('admin')
  closeConnection(@ValidParam('id', objectName) id: string, @ValidParam('connectionId', connectionIdParam) connectionId: string) {
    return this.queries.ask<CloseConnectionAnswer>(id, 'close-connection', { id: connectionId });
  }

  @Get('tokens') @Roles('admin') tokens() {
    return this.tokensService.tokens();
  }

  /** A token for a remote worker of `app`: shown once. */
  @Post('tokens')
  @Roles('admin')
  createToken(@ValidBody(WorkerTokenCreateBody) body: Infer<typeof WorkerTokenCreateBody>, @CurrentUser() u: AuthUser) {
    return this.tokensService.createToken(body.app, u.username);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  @Roles('admin')
  revoke(@ValidParam('id', uuidParam) id: string) {
    return this.tokensService.revokeToken(id);
  }
}
