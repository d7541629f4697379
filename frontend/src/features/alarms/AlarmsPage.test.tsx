import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { notifications } from '@mantine/notifications';
import { json, mockFetch, renderApp } from '../../test/utils';
import { FakeEventSource, installFakeEventSource, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const alarm = {
  id: 41,
  key: 'oos:SIPServer_A',
  eventId: 40010,
  eventName: 'SIP Server out of service',
  severity: 'critical',
  source: 'SIPProxy_1',
  reason: 'SIPServer_A and its backup do not answer',
  trigger: 'OPTIONS timeout',
  raisedAt: '2026-11-22T01:00:00Z',
  clearedAt: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
  active: true,
};

describe('alarms page, live', () => {
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
  });
  afterEach(() => {
    act(() => notifications.clean());
  });

  it('shows a raised alarm at once with a notification, and moves a cleared one to history', async () => {
    let history: unknown[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/alarms': (url) =>
        json(
          url.searchParams.get('state') === 'history'
            ? { active: [], history: { items: history, total: history.length } }
            : { active: [], history: { items: [], total: 0 } },
        ),
    });
    renderApp('/alarms');
    expect(await screen.findByText('No active alarms')).toBeInTheDocument();
    await waitFor(() => expect(FakeEventSource.instances.length).toBeGreaterThan(0));
    const es = FakeEventSource.last;
    expect(es.url).toBe('/api/events');
    expect(es.withCredentials).toBe(true);
    act(() => {
      es.open();
      es.emit('alarms', []);
    });
    expect(await screen.findByTestId('live-state')).toHaveTextContent('live');

    act(() => es.emit('alarm', { action: 'raised', alarm }));
    const active = await screen.findByRole('table', { name: 'Active alarms' });
    expect(within(active).getByText('SIPServer_A and its backup do not answer')).toBeInTheDocument();
    expect(within(active).getByText('critical')).toBeInTheDocument();
    expect(within(active).getByRole('button', { name: /Acknowledge alarm SIPProxy_1/ })).toBeInTheDocument();
    expect(await screen.findByText('Alarm: SIP Server out of service')).toBeInTheDocument();

    history = [{ ...alarm, active: false, clearedAt: '2026-11-22T01:05:00Z' }];
    act(() => es.emit('alarm', { action: 'cleared', alarm: history[0] }));
    expect(await screen.findByText('No active alarms')).toBeInTheDocument();
    const hist = await screen.findByRole('table', { name: 'Alarm history' });
    expect(within(hist).getByText('SIPServer_A and its backup do not answer')).toBeInTheDocument();
  });

  it('a viewer sees alarms but cannot acknowledge', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/alarms': () => json({ active: [alarm], history: { items: [], total: 0 } }),
    });
    renderApp('/alarms');
    const active = await screen.findByRole('table', { name: 'Active alarms' });
    expect(within(active).getByText('not yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Acknowledge/ })).not.toBeInTheDocument();
  });
});
