import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthUser } from '../../common/auth-context.js';
import { ValidBody, type Infer } from '../../common/validation.js';
import { WorkerTokenCreateBody } from './workers.schemas.js';
import { WorkersService } from './workers.service.js';

@ApiTags('workers')
@Controller('workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Get() list() { return this.workers.workers(); }

  /** Drain transactions in progress, then run on the pending configuration (admins only). */
  @Post(':id/restart') @HttpCode(202) @Roles('admin')
  restart(@Param('id') id: string, @CurrentUser() u: AuthUser) { return this.workers.restart(id, u.username); }

  @Get('tokens') @Roles('admin') tokens() { return this.workers.tokens(); }

  /** A token for a remote worker of `app`: shown once. */
  @Post('tokens') @Roles('admin')
  createToken(@ValidBody(WorkerTokenCreateBody) body: Infer<typeof WorkerTokenCreateBody>, @CurrentUser() u: AuthUser) {
    return this.workers.createToken(body.app, u.username);
  }

  @Delete('tokens/:id') @HttpCode(204) @Roles('admin')
  revoke(@Param('id') id: string) { return this.workers.revokeToken(id); }
}
