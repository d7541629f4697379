import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { uuidParam } from '../../common/fields.js';
import { ValidParam, ValidQuery, type Infer } from '../../common/validation.js';
import { AlarmListQuery } from './alarms.schemas.js';
import { AlarmsService } from './alarms.service.js';

@ApiTags('alarms')
@Controller('alarms')
export class AlarmsController {
  constructor(private readonly alarms: AlarmsService) {}

  /** Active alarms, and the paged history of cleared ones. */
  @Get()
  list(@ValidQuery(AlarmListQuery) q: Infer<typeof AlarmListQuery>) {
    return this.alarms.list(q.state, q.page, q.pageSize);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @CanEditConfig()
  acknowledge(@ValidParam('id', uuidParam) id: string, @CurrentUser() u: AuthUser) {
    return this.alarms.acknowledge(id, u.username);
  }
}
