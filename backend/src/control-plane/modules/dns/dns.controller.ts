import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { boolQuery, listQuery, optionalInt } from '../../common/paging.js';
import { DnsService, type DnBody } from './dns.service.js';

@ApiTags('dns')
@Controller()
export class DnsController {
  constructor(private readonly dns: DnsService) {}

  /** All DNs across switches: paged, sorted (number, type, switch), filtered (q on the number, type). */
  @Get('dns') listAll(@Query() q: Record<string, unknown>) { return this.dns.list(typeof q.switch === 'string' && q.switch ? q.switch : undefined, listQuery(q)); }
  @Get('switches/:sw/dns') list(@Param('sw') sw: string, @Query() q: Record<string, unknown>) { return this.dns.list(sw, listQuery(q)); }
  @Get('switches/:sw/dns/:number') get(@Param('sw') sw: string, @Param('number') n: string) { return this.dns.get(sw, n); }
  @Post('switches/:sw/dns') @CanEditConfig() create(@Param('sw') sw: string, @Body() body: DnBody, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.dns.create(u.username, sw, body ?? {}, boolQuery(dry)); }
  @Patch('switches/:sw/dns/:number') @CanEditConfig() update(@Param('sw') sw: string, @Param('number') n: string, @Body() body: DnBody, @CurrentUser() u: AuthUser, @Query('dryRun') dry?: string) { return this.dns.update(u.username, sw, n, body ?? {}, boolQuery(dry)); }
  @Delete('switches/:sw/dns/:number') @HttpCode(200) @CanEditConfig() remove(@Param('sw') sw: string, @Param('number') n: string, @CurrentUser() u: AuthUser, @Query('revision') revision?: string) { return this.dns.remove(u.username, sw, n, optionalInt('revision', revision)); }
}
