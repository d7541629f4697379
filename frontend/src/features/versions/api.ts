import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Query } from '../../api/commit';
import type { CommitResult, DocumentChange, Page, VersionDetail, VersionSummary } from '../../api/types';

export const VERSIONS_KEY = ['versions'] as const;

export const versionsApi = {
  list: (q: Query) => api.get<Page<VersionSummary>>('/config/versions', { query: q }),
  get: (v: number) => api.get<VersionDetail>(`/config/versions/${v}`),
  diff: (from: number, to: number) =>
    api.get<{ from: number; to: number; changes: DocumentChange[] }>('/config/diff', { query: { from, to } }),
  /** `baseVersion`: the current version the diff was reviewed against; the server refuses (409) if it moved. */
  rollback: (v: number, baseVersion: number) => api.post<CommitResult>(`/config/versions/${v}/rollback?baseVersion=${baseVersion}`),
  head: () => api.get<{ version: number }>('/config/head'),
};

export function useVersion(version: number | null) {
  return useQuery({ queryKey: [...VERSIONS_KEY, 'one', version], queryFn: () => versionsApi.get(version!), enabled: version !== null });
}

export function useHeadVersion(enabled: boolean) {
  return useQuery({ queryKey: [...VERSIONS_KEY, 'head'], queryFn: versionsApi.head, enabled, staleTime: 0 });
}

export function useDiff(from: number | null | undefined, to: number | null | undefined) {
  return useQuery({
    queryKey: [...VERSIONS_KEY, 'diff', from, to],
    queryFn: () => versionsApi.diff(from!, to!),
    enabled: from != null && to != null,
  });
}

export function useVersionsPage(page: number, pageSize: number) {
  return useQuery({
    queryKey: [...VERSIONS_KEY, page, pageSize],
    queryFn: () => versionsApi.list({ page, pageSize }),
    placeholderData: keepPreviousData,
  });
}
