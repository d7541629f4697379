import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { SERVICE_STATE_KEY } from '../live/api';

export type ServerAdminState = 'active' | 'out-of-service';

export const haPairsApi = {
  /** `PUT /api/sip-servers/{name}/admin-state`: out-of-service for maintenance (a switchover when it is active). */
  setServerState: (name: string, state: ServerAdminState) =>
    api.put<{ name: string; state: string }>(`/sip-servers/${encodeURIComponent(name)}/admin-state`, { state }),
};

/** Forces a SIP Server out of service or returns it; the service state shows the proxies applying it. */
export function useSetServerState() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, state }: { name: string; state: ServerAdminState }) => haPairsApi.setServerState(name, state),
    onSuccess: () => void qc.invalidateQueries({ queryKey: SERVICE_STATE_KEY }),
  });
}
