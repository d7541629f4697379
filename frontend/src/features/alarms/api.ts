import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Query } from '../../api/commit';
import type { AlarmView, AlarmsResponse } from '../../api/types';
import { useLive } from '../live/liveStore';

/** `['alarms','active']` is written by the event stream; `['alarms','history']` is invalidated by it. */
export const ACTIVE_ALARMS_KEY = ['alarms', 'active'] as const;
export const ALARM_HISTORY_KEY = ['alarms', 'history'] as const;

export const alarmsApi = {
  list: (q: Query) => api.get<AlarmsResponse>('/alarms', { query: q }),
  acknowledge: (id: AlarmView['id']) => api.post<unknown>(`/alarms/${id}/acknowledge`),
};

/** Active alarms: the stream's `alarms`/`alarm` events keep the cache current; polled while the stream is down. */
export function useActiveAlarms() {
  const { stream } = useLive();
  return useQuery<AlarmView[]>({
    queryKey: ACTIVE_ALARMS_KEY,
    queryFn: async () => (await alarmsApi.list({ state: 'active' })).active,
    refetchInterval: stream === 'open' ? false : 5000,
    staleTime: stream === 'open' ? Infinity : 2000,
  });
}

export function useAlarmHistory(page: number, pageSize: number) {
  return useQuery({
    queryKey: [...ALARM_HISTORY_KEY, page, pageSize],
    queryFn: () => alarmsApi.list({ state: 'history', page, pageSize }),
    placeholderData: keepPreviousData,
  });
}
