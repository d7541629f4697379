import { beforeEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import { json, mockFetch, renderApp } from '../../test/utils';
import { FakeEventSource, installFakeEventSource, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const srv = (role: string, name: string, host: string, up = true) => ({ role, name, host, port: 5070, up, lastRttMs: 3, lastCode: 200 });

function serviceState(overrides: { stateA?: string; viewB1?: string } = {}) {
  return {
    generatedAt: new Date().toISOString(),
    configVersion: 7,
    workers: [
      {
        id: 'SIPProxy_1',
        app: 'SIPProxy_1',
        kind: 'embedded',
        online: true,
        configVersion: 7,
        restartPending: false,
        restartPendingOptions: [],
        counters: { callsPerSecond: 4, responses503: 1 },
      },
      {
        id: 'SIPProxy_3',
        app: 'SIPProxy_3',
        kind: 'embedded',
        online: false,
        configVersion: 6,
        restartPending: true,
        restartPendingOptions: ['sip-port'],
        counters: { callsPerSecond: 0, responses503: 0 },
      },
    ],
    pairs: [
      {
        name: 'SIPServer_A',
        primary: { name: 'SIPServer_A', host: '127.0.0.1', port: 5070 },
        backup: { name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070 },
        state: overrides.stateA ?? 'disagreement',
        disagree: (overrides.stateA ?? 'disagreement') === 'disagreement',
        views: [
          {
            worker: 'SIPProxy_1',
            state: 'primary-active',
            serving: true,
            since: '2026-11-22T00:00:00Z',
            servers: [srv('primary', 'SIPServer_A', '127.0.0.1'), srv('backup', 'SIPServer_A_backup', '127.0.0.2')],
            history: [],
          },
          {
            worker: 'SIPProxy_3',
            state: overrides.viewB1 ?? 'backup-active',
            serving: true,
            since: '2026-11-22T00:00:00Z',
            servers: [srv('primary', 'SIPServer_A', '127.0.0.1', false), srv('backup', 'SIPServer_A_backup', '127.0.0.2')],
            history: [],
          },
        ],
      },
    ],
    sites: [{ switch: 'SiteA', sipServer: 'SIPServer_A', proxies: ['SIPProxy_1', 'SIPProxy_3'] }],
  };
}

describe('Dashboard', () => {
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
  });

  it('draws each site with its pair and every proxy’s view, disagreements highlighted, and the workers', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/health': () => json({ status: 'ok', database: { mode: 'external', up: false }, workers: [] }),
      'GET /api/service-state': () => json(serviceState()),
      'GET /api/alarms': () => json({ active: [], history: { items: [], total: 0 } }),
    });
    renderApp('/');
    expect(await screen.findByTestId('database-state')).toHaveTextContent('Down');
    expect(screen.getByTestId('database-mode')).toHaveTextContent('external');

    const site = await screen.findByRole('region', { name: 'SiteA' });
    expect(within(site).getByText('Proxies disagree')).toBeInTheDocument();
    const proxies = within(site).getByRole('list', { name: 'Proxies of SiteA' });
    const items = within(proxies).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveAttribute('data-view', 'primary-active');
    expect(items[1]).toHaveAttribute('data-view', 'backup-active');
    expect(within(site).getAllByText('differs').length).toBeGreaterThan(0);

    const workers = screen.getByRole('region', { name: 'Proxy workers' });
    expect(within(workers).getByText('SIPProxy_1')).toBeInTheDocument();
    expect(within(workers).getByText('offline')).toBeInTheDocument();
    expect(within(workers).getByText('restart pending')).toBeInTheDocument();
    expect(within(workers).getByText('v7')).toBeInTheDocument();
    expect(within(workers).getByRole('button', { name: 'Restart worker SIPProxy_3' })).toBeInTheDocument();
    expect(within(workers).getByRole('img', { name: /Calls per second of SIPProxy_1: 4.0/ })).toBeInTheDocument();
  });

  it('updates from the live stream and shows out of service in red', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/health': () => json({ status: 'ok', database: { mode: 'embedded', up: true }, workers: [] }),
      'GET /api/service-state': () => json(serviceState({ stateA: 'primary-active', viewB1: 'primary-active' })),
      'GET /api/alarms': () => json({ active: [], history: { items: [], total: 0 } }),
    });
    renderApp('/');
    const site = await screen.findByRole('region', { name: 'SiteA' });
    await waitFor(() => expect(site).toHaveAttribute('data-state', 'primary-active'));
    await waitFor(() => expect(FakeEventSource.instances.length).toBeGreaterThan(0));
    act(() => {
      FakeEventSource.last.open();
      FakeEventSource.last.emit('service-state', serviceState({ stateA: 'out-of-service', viewB1: 'out-of-service' }));
    });
    await waitFor(() => expect(screen.getByRole('region', { name: 'SiteA' })).toHaveAttribute('data-state', 'out-of-service'));
    expect(screen.getByText('1 pair out of service')).toBeInTheDocument();
    // A viewer gets no restart button.
    expect(screen.queryByRole('button', { name: /Restart worker/ })).not.toBeInTheDocument();
  });

  it('says when the health check itself fails', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/health': () => json({ statusCode: 500, message: 'boom' }, 500),
      'GET /api/service-state': () => json(serviceState()),
      'GET /api/alarms': () => json({ active: [], history: { items: [], total: 0 } }),
    });
    renderApp('/');
    expect(await screen.findByRole('alert', {}, { timeout: 10000 })).toHaveTextContent('Health check failed');
  });

  it('falls back to polling GET /service-state when the stream drops', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/health': () => json({ status: 'ok', database: { mode: 'embedded', up: true }, workers: [] }),
      'GET /api/service-state': () => json(serviceState()),
      'GET /api/alarms': () => json({ active: [], history: { items: [], total: 0 } }),
    });
    renderApp('/');
    await screen.findByRole('region', { name: 'SiteA' });
    await waitFor(() => expect(FakeEventSource.instances.length).toBeGreaterThan(0));
    act(() => FakeEventSource.last.open());
    expect(await screen.findByTestId('live-state')).toHaveTextContent('live');
    const before = calls.filter((c) => c.url.pathname === '/api/service-state').length;
    act(() => FakeEventSource.last.fail());
    expect(await screen.findByTestId('live-state')).toHaveTextContent('polling');
    await waitFor(() => expect(calls.filter((c) => c.url.pathname === '/api/service-state').length).toBeGreaterThan(before + 1), {
      timeout: 15_000,
    });
  });
});
