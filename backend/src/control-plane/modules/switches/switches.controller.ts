import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { boolQuery, optionalInt } from '../../common/paging.js';
import { ValidBody, type Infer } from '../../common/validation.js';
import { SwitchCreateBody, SwitchPatchBody } from './switches.schemas.js';
import { SwitchesService } from './switches.service.js';

@ApiTags('switches')
@Controller('switches')
export class SwitchesController {
  constructor(private readonly switches: SwitchesService) {}

  @Get() list() { return this.switches.list(); }
  @Get(':name') get(@Param('name') name: string) { return this.switches.get(name); }
  @Post() @CanEditConfig() create(@ValidBody(SwitchCreateBody) body: Infer<typeof SwitchCreateBody>, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.switches.create(u.username, body, boolQuery(dry)); }
  @Patch(':name') @CanEditConfig() update(@Param('name') name: string, @ValidBody(SwitchPatchBody) body: Infer<typeof SwitchPatchBody>, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.switches.update(u.username, name, body, boolQuery(dry)); }
  @Delete(':name') @HttpCode(200) @CanEditConfig() remove(@Param('name') name: string, @CurrentUser() u: AuthUser, @Query('revision') revision?: string, @Query('dryRun') dry?: string) { return this.switches.remove(u.username, name, optionalInt('revision', revision), boolQuery(dry)); }
}
