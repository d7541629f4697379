import { useQuery } from '@tanstack/react-query';
import { configApi, type AlarmView, type ServiceState } from '../../api/config';
import { liveStore, useLive } from './liveStore';

export const SERVICE_STATE_KEY = ['service-state'] as const;
export const ACTIVE_ALARMS_KEY = ['alarms', 'active'] as const;
export const ALARM_HISTORY_KEY = ['alarms', 'history'] as const;

/** Service state: pushed by the event stream into the cache; polled every 3 s while the stream is down. */
export function useServiceState() {
  const { stream } = useLive();
  return useQuery<ServiceState>({
    queryKey: SERVICE_STATE_KEY,
    queryFn: async () => {
      const s = await configApi.serviceState();
      liveStore.record(s);
      return s;
    },
    refetchInterval: stream === 'open' ? false : 3000,
    staleTime: stream === 'open' ? Infinity : 2000,
  });
}

/** Active alarms: the stream's `alarms`/`alarm` events keep the cache current; polled while the stream is down. */
export function useActiveAlarms() {
  const { stream } = useLive();
  return useQuery<AlarmView[]>({
    queryKey: ACTIVE_ALARMS_KEY,
    queryFn: async () => (await configApi.alarms({ state: 'active' })).active,
    refetchInterval: stream === 'open' ? false : 5000,
    staleTime: stream === 'open' ? Infinity : 2000,
  });
}
