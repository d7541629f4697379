import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { dryRunQuery, enc, type Query } from '../../api/commit';
import type { CommitResult, Dn, OptionsPatch, Page, RawOptions, SwitchView } from '../../api/types';

/** React Query keys of switches and their DNs: a write invalidates the whole prefix. */
export const SWITCHES_KEY = ['switches'] as const;
export const DNS_KEY = ['dns'] as const;

export const switchesApi = {
  list: () => api.get<SwitchView[]>('/switches'),
  get: (name: string) => api.get<SwitchView>(`/switches/${enc(name)}`),
  create: (body: { name: string; sipServer: string }, dryRun?: boolean) =>
    api.post<CommitResult>('/switches', body, { query: dryRunQuery(dryRun) }),
  remove: (name: string, revision?: number, dryRun?: boolean) =>
    api.delete<CommitResult>(`/switches/${enc(name)}`, { query: { revision, ...dryRunQuery(dryRun) } }),

  dns: (sw: string, q: Query) => api.get<Page<Dn>>(`/switches/${enc(sw)}/dns`, { query: q }),
  dn: (sw: string, number: string) => api.get<Dn>(`/switches/${enc(sw)}/dns/${enc(number)}`),
  patchDn: (sw: string, number: string, body: Record<string, unknown>, dryRun?: boolean) =>
    api.patch<CommitResult>(`/switches/${enc(sw)}/dns/${enc(number)}`, body, { query: dryRunQuery(dryRun) }),
  createDn: (sw: string, body: { number: string; type: string; options: RawOptions | OptionsPatch }, dryRun?: boolean) =>
    api.post<CommitResult>(`/switches/${enc(sw)}/dns`, body, { query: dryRunQuery(dryRun) }),
  removeDn: (sw: string, number: string, revision?: number, dryRun?: boolean) =>
    api.delete<CommitResult>(`/switches/${enc(sw)}/dns/${enc(number)}`, { query: { revision, ...dryRunQuery(dryRun) } }),
};

export function useSwitches(enabled = true) {
  return useQuery({ queryKey: SWITCHES_KEY, queryFn: switchesApi.list, enabled });
}

export function useSwitch(name: string, enabled = true) {
  return useQuery({ queryKey: [...SWITCHES_KEY, 'one', name], queryFn: () => switchesApi.get(name), enabled });
}

/** One page of a switch's DNs (server-paged, `params` from the table's state), optionally of one DN type. */
export function useDnsPage(sw: string, params: Query, type: string | null) {
  return useQuery({
    queryKey: [...DNS_KEY, sw, params, type],
    queryFn: () => switchesApi.dns(sw, { ...params, type: type ?? undefined }),
    placeholderData: keepPreviousData,
  });
}

export function useDn(sw: string, number: string) {
  return useQuery({ queryKey: [...DNS_KEY, 'one', sw, number], queryFn: () => switchesApi.dn(sw, number) });
}
