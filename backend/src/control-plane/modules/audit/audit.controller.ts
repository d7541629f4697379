import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ValidQuery, type Infer } from '../../common/validation.js';
import { AuditListQuery } from './audit.schemas.js';
import { AuditRepository } from './audit.repository.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly repo: AuditRepository) {}
  @Get() list(@ValidQuery(AuditListQuery) q: Infer<typeof AuditListQuery>) {
    return this.repo.list(q.page, q.pageSize, q.actor);
  }
}
