import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Query } from '../../api/commit';
import type { AuditEntry, Page } from '../../api/types';

export const AUDIT_KEY = ['audit'] as const;

export const auditApi = {
  list: (q: Query) => api.get<Page<AuditEntry>>('/audit', { query: q }),
};

/** One page of the audit log, newest first; `actor` filters by who did it. */
export function useAuditPage(page: number, pageSize: number, actor: string) {
  return useQuery({
    queryKey: [...AUDIT_KEY, page, pageSize, actor],
    queryFn: () => auditApi.list({ page, pageSize, actor: actor || undefined }),
    placeholderData: keepPreviousData,
  });
}
