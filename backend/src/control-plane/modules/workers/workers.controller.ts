import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthUser } from '../../common/auth-context.js';
import { uuidParam } from '../../common/fields.js';
import { ValidBody, ValidParam, type Infer } from '../../common/validation.js';
import { RestartFanoutService } from './restart-fanout.service.js';
import { ServiceStateService } from './service-state.service.js';
import { WorkerTokensService } from './worker-tokens.service.js';
import { WorkerTokenCreateBody } from './workers.schemas.js';

@ApiTags('workers')
@Controller('workers')
export class WorkersController {
  constructor(private readonly state: ServiceStateService, private readonly restarts: RestartFanoutService, private readonly tokensService: WorkerTokensService) {}

  @Get() list() { return this.state.workers(); }

  /** Drain transactions in progress, then run on the pending configuration (admins only). */
  @Post(':id/restart') @HttpCode(202) @Roles('admin')
  restart(@Param('id') id: string, @CurrentUser() u: AuthUser) { return this.restarts.restart(id, u.username); }

  @Get('tokens') @Roles('admin') tokens() { return this.tokensService.tokens(); }

  /** A token for a remote worker of `app`: shown once. */
  @Post('tokens') @Roles('admin')
  createToken(@ValidBody(WorkerTokenCreateBody) body: Infer<typeof WorkerTokenCreateBody>, @CurrentUser() u: AuthUser) {
    return this.tokensService.createToken(body.app, u.username);
  }

  @Delete('tokens/:id') @HttpCode(204) @Roles('admin')
  revoke(@ValidParam('id', uuidParam) id: string) { return this.tokensService.revokeToken(id); }
}
