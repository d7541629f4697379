import { Controller, Get, Header, HttpCode, Post, Res } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CanEditConfig, CurrentUser, type AuthUser } from '../../common/auth-context.js';
import { forbidden } from '../../common/errors.js';
import { PageQuery, versionNumber } from '../../common/query.js';
import { ValidBody, ValidParam, ValidQuery, type Infer } from '../../common/validation.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { DiffQuery, ExportQuery, ImportQuery, RollbackQuery, YamlDocumentBody } from './configuration.schemas.js';
import { ConfigurationService } from './configuration.service.js';

@ApiTags('configuration')
@Controller('config')
export class ConfigurationController {
  constructor(
    private readonly config: ConfigurationService,
    private readonly audit: AuditRepository,
  ) {}

  @Get('head')
  async head() {
    const h = await this.config.head();
    return { version: h.version };
  }

  /** Replace the whole configuration with a YAML document; all-or-nothing, every error with its path. */
  @Post('import')
  @HttpCode(200)
  @CanEditConfig()
  @ApiConsumes('application/yaml')
  import(@ValidBody(YamlDocumentBody) yaml: string, @CurrentUser() user: AuthUser, @ValidQuery(ImportQuery) q: Infer<typeof ImportQuery>) {
    return this.config.importYaml(user.username, yaml, { dryRun: q.dryRun, baseVersion: q.baseVersion });
  }

  /**
   * The configuration as YAML. Secret option values are references (`secret:sha256:…`), which an import keeps;
   * `?secrets=include` is an admin's explicit, audited choice to get the values themselves.
   */
  @Get('export')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  async export(
    @Res({ passthrough: true }) res: Response,
    @CurrentUser() user: AuthUser,
    @ValidQuery(ExportQuery) q: Infer<typeof ExportQuery>,
  ): Promise<string> {
    const withSecrets = q.secrets === 'include';
    if (withSecrets && user.role !== 'admin') throw forbidden('Only an admin may export the configuration with its secrets');
    const { version, yaml } = await this.config.exportYaml({ withSecrets });
    if (withSecrets)
      await this.audit.record(
        user.username,
        'config.export-with-secrets',
        `configuration v${version}`,
        { secrets: 'include' },
        `configuration v${version} with its secrets`,
      );
    res.setHeader('X-Config-Version', String(version));
    res.setHeader('Content-Disposition', `inline; filename="sip-edge-v${version}.yaml"`);
    return yaml;
  }

  @Post('validate')
  @HttpCode(200)
  @ApiConsumes('application/yaml')
  async validate(@ValidBody(YamlDocumentBody) yaml: string, @CurrentUser() user: AuthUser) {
    // A viewer may check a document but not make the control plane open files (FIFOs, devices, large files).
    const errors = await this.config.validateYaml(yaml, { openFiles: user.role !== 'viewer' });
    return { valid: errors.length === 0, errors };
  }

  @Get('versions')
  versions(@ValidQuery(PageQuery) q: Infer<typeof PageQuery>) {
    return this.config.listVersions(q.page, q.pageSize);
  }

  @Get('versions/:version')
  version(@ValidParam('version', versionNumber) v: number) {
    return this.config.version(v);
  }

  @Get('diff')
  diff(@ValidQuery(DiffQuery) q: Infer<typeof DiffQuery>) {
    return this.config.diff(q.from, q.to);
  }

  @Post('versions/:version/rollback')
  @HttpCode(200)
  @CanEditConfig()
  rollback(
    @ValidParam('version', versionNumber) v: number,
    @CurrentUser() user: AuthUser,
    @ValidQuery(RollbackQuery) q: Infer<typeof RollbackQuery>,
  ) {
    return this.config.rollback(user.username, v, { baseVersion: q.baseVersion });
  }
}
