import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { boolQuery } from '../../common/paging.js';
import type { ProvisionRequest } from './trunk-plan.js';
import { TrunksService } from './trunks.service.js';

@ApiTags('trunks')
@Controller('trunks')
export class TrunksController {
  constructor(private readonly trunks: TrunksService) {}
  @Get() list() { return this.trunks.list(); }
  @Post('provision') @HttpCode(200) @CanEditConfig() provision(@Body() body: Partial<ProvisionRequest>, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.trunks.provision(u.username, body ?? {}, boolQuery(dry)); }
}
