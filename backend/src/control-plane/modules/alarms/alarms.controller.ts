import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { badRequest } from '../../common/errors.js';
import { pageArgs } from '../../common/paging.js';
import { AlarmsService } from './alarms.service.js';

@ApiTags('alarms')
@Controller('alarms')
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  /** `?state=active|history|all` (default all): active alarms, and the paged history of cleared ones. */
  @Get()
  list(@Query() q: Record<string, unknown>) {
    const state = (q.state ?? 'all') as string;
    if (!['active', 'history', 'all'].includes(state)) throw badRequest('INVALID_QUERY', 'state must be active, history or all');
    const { page, pageSize } = pageArgs(q);
    return this.alarms.list(state as 'active' | 'history' | 'all', page, pageSize);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @CanEditConfig()
  acknowledge(@Param('id') id: string, @CurrentUser() u: AuthUser) { return this.alarms.acknowledge(id, u.username); }
}
