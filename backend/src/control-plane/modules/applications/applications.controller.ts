import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { boolQuery, listQuery, optionalInt } from '../../common/paging.js';
import { ApplicationsService, type ApplicationBody } from './applications.service.js';

@ApiTags('applications')
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly apps: ApplicationsService) {}

  @Get() list(@Query() q: Record<string, unknown>) { return this.apps.list(listQuery(q)); }
  @Get(':name') get(@Param('name') name: string) { return this.apps.get(name); }
  @Post() @CanEditConfig() create(@Body() body: ApplicationBody, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.apps.create(u.username, body ?? {}, boolQuery(dry)); }
  @Patch(':name') @CanEditConfig() update(@Param('name') name: string, @Body() body: ApplicationBody, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.apps.update(u.username, name, body ?? {}, boolQuery(dry)); }
  @Delete(':name') @HttpCode(200) @CanEditConfig() remove(@Param('name') name: string, @CurrentUser() u: AuthUser, @Query('revision') revision?: string, @Query('dryRun') dry?: string) { return this.apps.remove(u.username, name, optionalInt('revision', revision), boolQuery(dry)); }
}
