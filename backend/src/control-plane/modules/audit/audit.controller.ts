import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { pageArgs } from '../../common/paging.js';
import { AuditRepository } from './audit.repository.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly repo: AuditRepository) {}
  @Get() list(@Query() q: Record<string, unknown>) { const { page, pageSize } = pageArgs(q); return this.repo.list(page, pageSize, typeof q.actor === 'string' ? q.actor : undefined); }
}
