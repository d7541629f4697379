import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ServiceState } from '../../api/types';
import { liveStore, useLive } from './liveStore';

/** `['service-state']`: written by the event stream (LiveEvents), polled while the stream is down. */
export const SERVICE_STATE_KEY = ['service-state'] as const;

export const serviceStateApi = {
  get: () => api.get<ServiceState>('/service-state'),
};

/** Service state: pushed by the event stream into the cache; polled every 3 s while the stream is down. */
export function useServiceState() {
  const { stream } = useLive();
  return useQuery<ServiceState>({
    queryKey: SERVICE_STATE_KEY,
    queryFn: async () => {
      const s = await serviceStateApi.get();
      liveStore.record(s);
      return s;
    },
    refetchInterval: stream === 'open' ? false : 3000,
    staleTime: stream === 'open' ? Infinity : 2000,
  });
}
