import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { enc } from '../../api/commit';
import type { WorkerView } from '../../api/types';

/** The proxy workers the control plane knows (embedded and remote); the dashboard and the save flow's panel read it. */
export const WORKERS_QUERY_KEY = ['workers'] as const;

export const workersApi = {
  list: () => api.get<WorkerView[]>('/workers'),
  restart: (id: string) => api.post<unknown>(`/workers/${enc(id)}/restart`),
};

/** Polled every 2 s: how far a saved version has got to the workers. */
export function useWorkers() {
  return useQuery({ queryKey: WORKERS_QUERY_KEY, queryFn: workersApi.list, refetchInterval: 2000 });
}
