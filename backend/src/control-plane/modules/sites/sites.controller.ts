import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { DryRunQuery } from '../../common/query.js';
import { ValidBody, ValidQuery, type Infer } from '../../common/validation.js';
import { SiteCreateBody } from './sites.schemas.js';
import { SitesService } from './sites.service.js';

/** The same roles as the trunk wizard and the objects it creates (applications, switches, DNs): admins and operators. */
@ApiTags('sites')
@Controller('sites')
export class SitesController {
  constructor(private readonly sites: SitesService) {}
  @Post() @HttpCode(200) @CanEditConfig() create(
    @ValidBody(SiteCreateBody) body: Infer<typeof SiteCreateBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.sites.create(u.username, body, q.dryRun);
  }
}
