import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { DeleteQuery, DryRunQuery, ListQuerySchema } from '../../common/query.js';
import { ValidBody, ValidQuery, type Infer } from '../../common/validation.js';
import { DnCreateBody, DnListQuery, DnPatchBody } from './dns.schemas.js';
import { DnsService } from './dns.service.js';

@ApiTags('dns')
@Controller()
export class DnsController {
  constructor(private readonly dns: DnsService) {}

  /** All DNs across switches: paged, sorted (number, type, switch), filtered (q on the number, type, switch). */
  @Get('dns') listAll(@ValidQuery(DnListQuery) q: Infer<typeof DnListQuery>) {
    return this.dns.list(q.switch, q);
  }
  @Get('switches/:sw/dns') list(@Param('sw') sw: string, @ValidQuery(ListQuerySchema) q: Infer<typeof ListQuerySchema>) {
    return this.dns.list(sw, q);
  }
  @Get('switches/:sw/dns/:number') get(@Param('sw') sw: string, @Param('number') n: string) {
    return this.dns.get(sw, n);
  }
  @Post('switches/:sw/dns') @CanEditConfig() create(
    @Param('sw') sw: string,
    @ValidBody(DnCreateBody) body: Infer<typeof DnCreateBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.dns.create(u.username, sw, body, q.dryRun);
  }
  @Patch('switches/:sw/dns/:number') @CanEditConfig() update(
    @Param('sw') sw: string,
    @Param('number') n: string,
    @ValidBody(DnPatchBody) body: Infer<typeof DnPatchBody>,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DryRunQuery) q: Infer<typeof DryRunQuery>,
  ) {
    return this.dns.update(u.username, sw, n, body, q.dryRun);
  }
  @Delete('switches/:sw/dns/:number') @HttpCode(200) @CanEditConfig() remove(
    @Param('sw') sw: string,
    @Param('number') n: string,
    @CurrentUser() u: AuthUser,
    @ValidQuery(DeleteQuery) q: Infer<typeof DeleteQuery>,
  ) {
    return this.dns.remove(u.username, sw, n, q.revision, q.dryRun);
  }
}
