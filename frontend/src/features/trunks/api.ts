import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { dryRunQuery } from '../../api/commit';
import type { ProvisionRequest, ProvisionResponse, TrunkLink } from '../../api/types';

export const TRUNKS_KEY = ['trunks'] as const;

export const trunksApi = {
  links: () => api.get<TrunkLink[]>('/trunks'),
  provision: (body: ProvisionRequest, dryRun: boolean) =>
    api.post<ProvisionResponse>('/trunks/provision', body, { query: dryRunQuery(dryRun) }),
};

/** The multi-site links (trunk DNs that lead to another site). */
export function useTrunkLinks() {
  return useQuery({ queryKey: TRUNKS_KEY, queryFn: trunksApi.links });
}
