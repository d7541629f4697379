import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { DryRunQuery } from '../../common/query.js';
import { ValidBody, ValidQuery, type Infer } from '../../common/validation.js';
import { TrunkProvisionBody } from './trunks.schemas.js';
import { TrunksService } from './trunks.service.js';

@ApiTags('trunks')
@Controller('trunks')
export class TrunksController {
  constructor(private readonly trunks: TrunksService) {}
  @Get() list() {
    return this.trunks.list();
  }
  @Post('provision') @HttpCode(200) @CanEditConfig() provision(
    @ValidBody(TrunkProvisionBody) body: Infer<typeof TrunkProvisionBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.trunks.provision(u.username, body, q.dryRun);
  }
}
