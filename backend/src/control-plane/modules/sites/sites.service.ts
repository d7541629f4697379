import { Injectable } from '@nestjs/common';
import { AppError, badRequest } from '../../common/errors.js';
import { ConfigurationService, type CommitResult, type LocatedError } from '../configuration/configuration.service.js';
import { buildSite, type SitePlan, type SiteRequest } from './site-plan.js';

export interface SiteResult {
  plan: SitePlan;
  result?: CommitResult;
  errors: LocatedError[];
}

@Injectable()
export class SitesService {
  constructor(private readonly config: ConfigurationService) {}

  /**
   * Creates a whole site in one reviewed commit (site-plan.ts), validated whole: all of it or nothing. A dry run
   * returns the plan, the diff and every error (located on its object); a real run refuses with the same errors.
   * The commit is the audit entry (author, summary, diff) besides the API's own.
   */
  async create(actor: string, req: SiteRequest, dryRun: boolean): Promise<SiteResult> {
    const { doc } = await this.config.head();
    const plan = buildSite(structuredClone(doc), req);
    if (plan.problems.length && !dryRun)
      throw badRequest(
        'SITE_PLAN_INVALID',
        plan.problems.join('; '),
        plan.problems.map((p) => ({ path: '', code: 'site-plan', message: p })),
      );
    if (plan.problems.length) return { plan, errors: plan.problems.map((p) => ({ path: '', code: 'site-plan', message: p })) };
    try {
      const result = await this.config.commit(
        actor,
        `new site ${req.name}: HA pair ${req.primary.name}/${req.backup.name}, ${req.proxies.length} proxy(ies)`,
        (d) => {
          buildSite(d, req);
        },
        { dryRun },
      );
      return { plan, result, errors: [] };
    } catch (e) {
      if (dryRun && e instanceof AppError && e.code === 'CONFIG_INVALID') return { plan, errors: e.errors ?? [] };
      throw e;
    }
  }
}
