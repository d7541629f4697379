import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { enc } from '../../api/commit';
import { SERVICE_STATE_KEY } from '../live/api';
import { WORKERS_QUERY_KEY } from '../workers/api';
import type { ApplicationAdminState, ApplicationAdminStateView, ServerAdminState, ServerAdminStateView } from '../../api/types';

/** React Query keys of administrative states; the service state and workers are refetched after a change too. */
export const ADMIN_STATE_KEY = ['admin-state'] as const;

export const adminStateApi = {
  application: (name: string) => api.get<ApplicationAdminStateView>(`/applications/${enc(name)}/admin-state`),
  setApplication: (name: string, state: ApplicationAdminState) =>
    api.put<ApplicationAdminStateView>(`/applications/${enc(name)}/admin-state`, { state }),
  server: (name: string) => api.get<ServerAdminStateView>(`/sip-servers/${enc(name)}/admin-state`),
  setServer: (name: string, state: ServerAdminState) => api.put<ServerAdminStateView>(`/sip-servers/${enc(name)}/admin-state`, { state }),
};

/** Polled every 2 s: while drained, the dialogs and flows count down. */
export function useApplicationAdminState(name: string) {
  return useQuery({
    queryKey: [...ADMIN_STATE_KEY, 'application', name],
    queryFn: () => adminStateApi.application(name),
    refetchInterval: 2000,
  });
}

export function useServerAdminState(name: string) {
  return useQuery({ queryKey: [...ADMIN_STATE_KEY, 'sip-server', name], queryFn: () => adminStateApi.server(name), refetchInterval: 2000 });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ADMIN_STATE_KEY });
    void qc.invalidateQueries({ queryKey: WORKERS_QUERY_KEY });
    void qc.invalidateQueries({ queryKey: SERVICE_STATE_KEY });
  };
}

export function useSetApplicationAdminState(name: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (state: ApplicationAdminState) => adminStateApi.setApplication(name, state), onSuccess: invalidate });
}

export function useSetServerAdminState(name: string) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: (state: ServerAdminState) => adminStateApi.setServer(name, state), onSuccess: invalidate });
}
