import { api } from '../../api/client';
import { dryRunQuery } from '../../api/commit';
import type { CommitResult, LocatedError } from '../../api/types';

const YAML = 'application/yaml';

/** The whole configuration as one YAML document (the format `docs/config-format.md` describes). */
export const importExportApi = {
  exportYaml: () => api.get<string>('/config/export', { responseType: 'text', headers: { Accept: YAML } }),
  validate: (yaml: string) =>
    api.post<{ valid: boolean; errors: LocatedError[] }>('/config/validate', yaml, { headers: { 'Content-Type': YAML } }),
  importYaml: (yaml: string, dryRun: boolean) =>
    api.post<CommitResult>('/config/import', yaml, { headers: { 'Content-Type': YAML }, query: dryRunQuery(dryRun) }),
};
