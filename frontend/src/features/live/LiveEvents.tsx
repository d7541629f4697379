import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle } from '@tabler/icons-react';
import { api } from '../../api/client';
import type { AlarmView, ServiceState } from '../../api';
import { liveStore } from './liveStore';
import { ACTIVE_ALARMS_KEY, ALARM_HISTORY_KEY } from '../alarms/api';
import { SERVICE_STATE_KEY } from './api';

const SEVERITY_COLOR: Record<string, string> = { critical: 'red', major: 'orange', minor: 'yellow', warning: 'blue' };

function parse<T>(e: MessageEvent): T | undefined {
  try {
    return JSON.parse(String(e.data)) as T;
  } catch {
    return undefined;
  }
}

/**
 * The one live channel (`EventSource('/api/events')`, cookie auth) for the whole signed-in app: writes service state
 * and alarms into the React Query cache and pops a notification for each new alarm. While it is down, the pages'
 * queries poll instead (see useServiceState, useActiveAlarms); EventSource reconnects by itself.
 */
export function LiveEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      liveStore.setStream('unsupported');
      return;
    }
    const es = new EventSource('/api/events', { withCredentials: true });
    liveStore.setStream('connecting');
    es.onopen = () => liveStore.setStream('open');
    es.onerror = () => {
      liveStore.setStream('down');
      // The server ends the stream when the session ends (expiry, logout elsewhere, password change, user removed);
      // EventSource cannot see the 401 of its reconnect. Ask once: a 401 here ends the session in the UI and shows the
      // sign-in page, whatever page is open (pages without live queries would otherwise never notice).
      api.get('/auth/me').catch(() => undefined);
      // The queries now poll; fetch once right away so the page does not wait for the first interval.
      void qc.invalidateQueries({ queryKey: SERVICE_STATE_KEY });
    };
    es.addEventListener('service-state', (e) => {
      const s = parse<ServiceState>(e as MessageEvent);
      if (!s) return;
      liveStore.setStream('open');
      liveStore.record(s);
      qc.setQueryData(SERVICE_STATE_KEY, s);
    });
    es.addEventListener('alarms', (e) => {
      const list = parse<AlarmView[]>(e as MessageEvent);
      if (!list) return;
      liveStore.setStream('open');
      qc.setQueryData(ACTIVE_ALARMS_KEY, list);
    });
    es.addEventListener('alarm', (e) => {
      const msg = parse<{ action: 'raised' | 'cleared' | 'acknowledged'; alarm: AlarmView }>(e as MessageEvent);
      if (!msg?.alarm) return;
      const { action, alarm } = msg;
      qc.setQueryData<AlarmView[]>(ACTIVE_ALARMS_KEY, (prev = []) => {
        const rest = prev.filter((a) => a.id !== alarm.id);
        if (action === 'cleared' || alarm.active === false) return rest;
        return action === 'raised' ? [alarm, ...rest] : prev.map((a) => (a.id === alarm.id ? alarm : a));
      });
      void qc.invalidateQueries({ queryKey: ALARM_HISTORY_KEY });
      if (action === 'raised') {
        notifications.show({
          color: SEVERITY_COLOR[alarm.severity] ?? 'red',
          title: `Alarm: ${alarm.eventName || alarm.reason}`,
          message: `${alarm.source}: ${alarm.reason}`,
          icon: <IconAlertTriangle size={18} aria-hidden />,
          autoClose: 10_000,
        });
      } else if (action === 'cleared') {
        notifications.show({ color: 'green', title: 'Alarm cleared', message: `${alarm.source}: ${alarm.reason}`, autoClose: 5000 });
      }
    });
    return () => es.close();
  }, [qc]);
  return null;
}
