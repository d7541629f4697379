import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { DeleteQuery, DryRunQuery } from '../../common/query.js';
import { ValidBody, ValidQuery, type Infer } from '../../common/validation.js';
import { SwitchCreateBody, SwitchPatchBody } from './switches.schemas.js';
import { SwitchesService } from './switches.service.js';

@ApiTags('switches')
@Controller('switches')
export class SwitchesController {
  constructor(private readonly switches: SwitchesService) {}

  @Get() list() {
    return this.switches.list();
  }
  @Get(':name') get(@Param('name') name: string) {
    return this.switches.get(name);
  }
  @Post() @CanEditConfig() create(
    @ValidBody(SwitchCreateBody) body: Infer<typeof SwitchCreateBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.switches.create(u.username, body, q.dryRun);
  }
  @Patch(':name') @CanEditConfig() update(
    @Param('name') name: string,
    @ValidBody(SwitchPatchBody) body: Infer<typeof SwitchPatchBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.switches.update(u.username, name, body, q.dryRun);
  }
  @Delete(':name') @HttpCode(200) @CanEditConfig() remove(
    @Param('name') name: string,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DeleteQuery) q: Infer<typeof DeleteQuery>,
  ) {
    return this.switches.remove(u.username, name, q.revision, q.dryRun);
  }
}
