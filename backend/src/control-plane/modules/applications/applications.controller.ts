import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { DeleteQuery, DryRunQuery, ListQuerySchema } from '../../common/query.js';
import { ValidBody, ValidQuery, type Infer } from '../../common/validation.js';
import { ApplicationCreateBody, ApplicationPatchBody } from './applications.schemas.js';
import { ApplicationsService } from './applications.service.js';

@ApiTags('applications')
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly apps: ApplicationsService) {}

  @Get() list(@ValidQuery(ListQuerySchema) q: Infer<typeof ListQuerySchema>) {
    return this.apps.list(q);
  }
  @Get(':name') get(@Param('name') name: string) {
    return this.apps.get(name);
  }
  @Post() @CanEditConfig() create(
    @ValidBody(ApplicationCreateBody) body: Infer<typeof ApplicationCreateBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.apps.create(u.username, body, q.dryRun);
  }
  @Patch(':name') @CanEditConfig() update(
    @Param('name') name: string,
    @ValidBody(ApplicationPatchBody) body: Infer<typeof ApplicationPatchBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.apps.update(u.username, name, body, q.dryRun);
  }
  @Delete(':name') @HttpCode(200) @CanEditConfig() remove(
    @Param('name') name: string,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DeleteQuery) q: Infer<typeof DeleteQuery>,
  ) {
    return this.apps.remove(u.username, name, q.revision, q.dryRun);
  }
}
