import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { badRequest, forbidden } from '../../common/errors.js';
import { boolQuery, intParam, optionalInt, pageArgs } from '../../common/paging.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { ConfigurationService } from './configuration.service.js';

@ApiTags('configuration')
@Controller('config')
export class ConfigurationController {
  constructor(private readonly config: ConfigurationService, private readonly audit: AuditRepository) {}

  @Get('head')
  async head() { const h = await this.config.head(); return { version: h.version }; }

  /** Replace the whole configuration with a YAML document; all-or-nothing, every error with its path. */
  @Post('import')
  @HttpCode(200)
  @CanEditConfig()
  @ApiConsumes('application/yaml')
  import(@Body() body: unknown, @CurrentUser() user: AuthUser, @Query() q: Record<string, unknown>) {
    return this.config.importYaml(user.username, typeof body === 'string' ? body : '', { dryRun: boolQuery(q.dryRun), baseVersion: optionalInt('baseVersion', q.baseVersion) });
  }

  /**
   * The configuration as YAML. Secret option values are references (`secret:sha256:…`), which an import keeps;
   * `?secrets=include` is an admin's explicit, audited choice to get the values themselves.
   */
  @Get('export')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  async export(@Res({ passthrough: true }) res: Response, @CurrentUser() user: AuthUser, @Query('secrets') secrets?: string): Promise<string> {
    if (secrets !== undefined && secrets !== 'include' && secrets !== 'mask') throw badRequest('INVALID_QUERY', 'secrets must be include or mask');
    const withSecrets = secrets === 'include';
    if (withSecrets && user.role !== 'admin') throw forbidden('Only an admin may export the configuration with its secrets');
    const { version, yaml } = await this.config.exportYaml({ withSecrets });
    if (withSecrets) await this.audit.record(user.username, 'config.export-with-secrets', `configuration v${version}`, { secrets: 'include' }, `configuration v${version} with its secrets`);
    res.setHeader('X-Config-Version', String(version));
    res.setHeader('Content-Disposition', `inline; filename="sip-edge-v${version}.yaml"`);
    return yaml;
  }

  @Post('validate')
  @HttpCode(200)
  @ApiConsumes('application/yaml')
  async validate(@Body() body: unknown, @CurrentUser() user: AuthUser) {
    // A viewer may check a document but not make the control plane open files (FIFOs, devices, large files).
    const errors = await this.config.validateYaml(typeof body === 'string' ? body : '', { openFiles: user.role !== 'viewer' });
    return { valid: errors.length === 0, errors };
  }

  @Get('versions')
  versions(@Query() q: Record<string, unknown>) { const { page, pageSize } = pageArgs(q); return this.config.listVersions(page, pageSize); }

  @Get('versions/:version')
  version(@Param('version') v: string) { return this.config.version(intParam('version', v)); }

  @Get('diff')
  diff(@Query('from') from: string, @Query('to') to: string) { return this.config.diff(intParam('from', from), intParam('to', to)); }

  @Post('versions/:version/rollback')
  @HttpCode(200)
  @CanEditConfig()
  rollback(@Param('version') v: string, @CurrentUser() user: AuthUser) { return this.config.rollback(user.username, intParam('version', v)); }
}
