import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { boolQuery, intParam, optionalInt, pageArgs } from '../../common/paging.js';
import { ConfigurationService } from './configuration.service.js';

@ApiTags('configuration')
@Controller('config')
export class ConfigurationController {
  constructor(private readonly config: ConfigurationService) {}

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

  @Get('export')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  async export(@Res({ passthrough: true }) res: Response): Promise<string> {
    const { version, yaml } = await this.config.exportYaml();
    res.setHeader('X-Config-Version', String(version));
    res.setHeader('Content-Disposition', `inline; filename="sip-edge-v${version}.yaml"`);
    return yaml;
  }

  @Post('validate')
  @HttpCode(200)
  @ApiConsumes('application/yaml')
  validate(@Body() body: unknown) { const errors = this.config.validateYaml(typeof body === 'string' ? body : ''); return { valid: errors.length === 0, errors }; }

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
