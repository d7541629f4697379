import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { dryRunQuery, enc, type Query } from '../../api/commit';
import type { Application, CommitResult, CreatedWorkerToken, NewApplication, Page, WorkerToken } from '../../api/types';

/** React Query keys of the applications feature: everything under `['applications']` is refetched after a write. */
export const APPLICATIONS_KEY = ['applications'] as const;
export const WORKER_TOKENS_KEY = ['workers', 'tokens'] as const;

export const applicationsApi = {
  list: (q: Query) => api.get<Page<Application>>('/applications', { query: q }),
  get: (name: string) => api.get<Application>(`/applications/${enc(name)}`),
  patch: (name: string, body: Record<string, unknown>, dryRun?: boolean) =>
    api.patch<CommitResult>(`/applications/${enc(name)}`, body, { query: dryRunQuery(dryRun) }),
  create: (body: NewApplication, dryRun?: boolean) => api.post<CommitResult>('/applications', body, { query: dryRunQuery(dryRun) }),
  remove: (name: string, revision?: number, dryRun?: boolean) =>
    api.delete<CommitResult>(`/applications/${enc(name)}`, { query: { revision, ...dryRunQuery(dryRun) } }),

  workerTokens: () => api.get<WorkerToken[]>('/workers/tokens'),
  createWorkerToken: (app: string) => api.post<CreatedWorkerToken>('/workers/tokens', { app }),
  revokeWorkerToken: (id: string) => api.delete<void>(`/workers/tokens/${enc(id)}`),
};

export function useApplication(name: string) {
  return useQuery({ queryKey: [...APPLICATIONS_KEY, 'one', name], queryFn: () => applicationsApi.get(name) });
}

/** Every application (up to 500, by name): what the reference lists of the delete dialogs read. */
export function useAllApplications() {
  return useQuery({ queryKey: [...APPLICATIONS_KEY, 'all'], queryFn: () => applicationsApi.list({ pageSize: 500, sort: 'name' }) });
}

/** The SIP Servers (HA pair members), by name. */
export function useSipServers(enabled = true) {
  return useQuery({
    queryKey: [...APPLICATIONS_KEY, 'servers'],
    queryFn: () => applicationsApi.list({ type: 'sip-server', pageSize: 500, sort: 'name' }),
    enabled,
  });
}

/** One page of the SIP Proxy pool (server-paged, `params` from the table's state). */
export function useProxiesPage(params: Query) {
  return useQuery({
    queryKey: [...APPLICATIONS_KEY, 'proxies', params],
    queryFn: () => applicationsApi.list({ ...params, type: 'sip-proxy' }),
    placeholderData: keepPreviousData,
  });
}

export function useWorkerTokens() {
  return useQuery({ queryKey: WORKER_TOKENS_KEY, queryFn: applicationsApi.workerTokens });
}
