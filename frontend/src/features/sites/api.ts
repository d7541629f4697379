import { api } from '../../api/client';
import { dryRunQuery } from '../../api/commit';
import type { SiteRequest, SiteResponse } from '../../api/types';

export const sitesApi = {
  /** One reviewed change: `dryRun` returns the plan, the diff and every error; without it the site is saved whole or not at all. */
  create: (body: SiteRequest, dryRun: boolean) => api.post<SiteResponse>('/sites', body, { query: dryRunQuery(dryRun) }),
};
