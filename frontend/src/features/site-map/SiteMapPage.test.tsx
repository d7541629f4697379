import { beforeEach, describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { json, mockFetch, renderApp } from '../../test/utils';
import { installFakeEventSource, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const pair = (name: string, state: string) => ({ name, state, disagree: false, views: [] });
const link = (sw: string, number: string, remote: string) => ({
  switch: sw,
  number,
  remoteSwitch: remote,
  contact: 'x',
  peerProxyContact: 'y',
  peerProxyProtocol: 'udp',
  mode: 'dns',
});

function serviceState() {
  return {
    generatedAt: '2026-12-03T10:00:00Z',
    configVersion: 4,
    workers: [
      { id: 'SIPProxy_1', app: 'SIPProxy_1', online: true, restartPending: false, restartPendingOptions: [] },
      { id: 'SIPProxy_2', app: 'SIPProxy_2', online: false, restartPending: false, restartPendingOptions: [] },
    ],
    pairs: [pair('SIPServer_A', 'primary-active'), pair('SIPServer_B', 'backup-active'), pair('SIPServer_C', 'out-of-service')],
    sites: [
      { switch: 'SiteA', sipServer: 'SIPServer_A', proxies: ['SIPProxy_1'] },
      { switch: 'SiteB', sipServer: 'SIPServer_B', proxies: ['SIPProxy_2'] },
      { switch: 'SiteC', sipServer: 'SIPServer_C', proxies: [] },
    ],
  };
}

describe('Site map', () => {
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
  });

  it('draws the sites with their pairs and pools and the trunks between them with their state', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/service-state': () => json(serviceState()),
      'GET /api/trunks': () =>
        json([
          link('SiteA', 'to-SiteB', 'SiteB'),
          link('SiteB', 'to-SiteA', 'SiteA'),
          link('SiteA', 'to-SiteC', 'SiteC'),
          link('SiteB', 'to-SiteC', 'SiteC'),
          link('SiteC', 'to-SiteB', 'SiteB'),
        ]),
    });
    renderApp('/sites');
    const map = await screen.findByRole('img', { name: /^Map: 3 sites/ });
    expect(map).toHaveAccessibleName(/SiteA–SiteB both ends in service/);

    const siteA = screen.getByRole('region', { name: 'SiteA' });
    expect(within(siteA).getByRole('link', { name: 'SIPServer_A' })).toHaveAttribute('href', '/pairs/SIPServer_A');
    expect(within(siteA).getByText('Primary active')).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Proxy pool of SiteB' })).getByRole('link', { name: 'SIPProxy_2 · offline' }),
    ).toHaveAttribute('href', '/applications/SIPProxy_2');
    expect(within(screen.getByRole('region', { name: 'SiteC' })).getByText('No proxies serve this site.')).toBeInTheDocument();

    const table = screen.getByRole('table', { name: 'Trunks between sites' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => [r.getAttribute('data-road'), r.getAttribute('data-state')])).toEqual([
      ['SiteA-SiteB', 'up'],
      ['SiteA-SiteC', 'down'],
      ['SiteB-SiteC', 'down'],
    ]);
    expect(within(rows[0]!).getByRole('link', { name: 'to-SiteA' })).toHaveAttribute('href', '/switches/SiteB/dns/to-SiteA');
  });

  it('calls a trunk provisioned at one end only one-way', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/service-state': () => json({ ...serviceState(), sites: serviceState().sites.slice(0, 2) }),
      'GET /api/trunks': () => json([link('SiteA', 'to-SiteB', 'SiteB')]),
    });
    renderApp('/sites');
    const table = await screen.findByRole('table', { name: 'Trunks between sites' });
    expect(within(table).getByText('provisioned one way only')).toBeInTheDocument();
  });

  it('says there are no sites yet', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/service-state': () => json({ ...serviceState(), pairs: [], sites: [] }),
      'GET /api/trunks': () => json([]),
    });
    renderApp('/sites');
    expect(await screen.findByText('No sites')).toBeInTheDocument();
  });
});
