import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { installFakeEventSource, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

// SIPProxy_1 failed over to the backup; the primary answers again (standby, no failback). SIPProxy_2 has not probed
// the backup yet.
function serviceState() {
  return {
    generatedAt: '2026-12-03T10:00:00Z',
    configVersion: 4,
    workers: [],
    pairs: [
      {
        name: 'SIPServer_A',
        primary: { name: 'SIPServer_A', host: '127.0.0.1', port: 5070 },
        backup: { name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070 },
        state: 'disagreement',
        disagree: true,
        views: [
          {
            worker: 'SIPProxy_1',
            state: 'backup-active',
            serving: true,
            since: '2026-12-03T09:58:00Z',
            servers: [
              {
                role: 'primary',
                name: 'SIPServer_A',
                host: '127.0.0.1',
                port: 5070,
                up: true,
                standby: true,
                lastCode: 200,
                lastRttMs: 4.012,
                lastProbeAt: '2026-12-03T09:59:50Z',
                lastSeenAt: '2026-12-03T09:59:50Z',
              },
              {
                role: 'backup',
                name: 'SIPServer_A_backup',
                host: '127.0.0.2',
                port: 5070,
                up: true,
                lastCode: 200,
                lastRttMs: 2,
                lastProbeAt: '2026-12-03T09:59:55Z',
                lastSeenAt: '2026-12-03T09:59:55Z',
              },
            ],
            history: [
              {
                at: '2026-12-03T09:50:00Z',
                from: 'unknown',
                to: 'primary-active',
                trigger: 'probe-ok',
                server: 'primary',
                code: 200,
                rttMs: 3,
              },
              { at: '2026-12-03T09:58:00Z', from: 'primary-active', to: 'backup-active', trigger: 'probe-timeout', server: 'primary' },
            ],
          },
          {
            worker: 'SIPProxy_2',
            state: 'primary-active',
            serving: false,
            since: '2026-12-03T09:51:00Z',
            servers: [
              {
                role: 'primary',
                name: 'SIPServer_A',
                host: '127.0.0.1',
                port: 5070,
                up: true,
                lastCode: 200,
                lastRttMs: 5,
                lastProbeAt: '2026-12-03T09:59:40Z',
              },
              { role: 'backup', name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070 },
            ],
            history: [
              {
                at: '2026-12-03T09:51:00Z',
                from: 'unknown',
                to: 'primary-active',
                trigger: 'probe-ok',
                server: 'primary',
                code: 200,
                rttMs: 5,
              },
            ],
          },
        ],
      },
    ],
    sites: [{ switch: 'SiteA', sipServer: 'SIPServer_A', proxies: ['SIPProxy_1'] }],
  };
}

describe('HA pair page', () => {
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/service-state': () => json(serviceState()),
    });
  });

  it('shows each server’s own health, the failback rule, every proxy’s probes and the history newest first', async () => {
    renderApp('/pairs/SIPServer_A');
    expect(await screen.findByRole('heading', { level: 1, name: 'HA pair SIPServer_A' })).toBeInTheDocument();
    expect(await screen.findByText('Proxies disagree')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'SiteA' })).toHaveAttribute('href', '/switches/SiteA');

    const primary = screen.getByRole('region', { name: 'SIPServer_A' });
    expect(primary).toHaveAttribute('data-health', 'answering');
    expect(within(primary).getByText('standby')).toBeInTheDocument();
    expect(within(primary).getByTestId('last-answer')).toHaveTextContent(/\(200, 4\.0 ms\)/);
    expect(within(primary).getByText(/2 answering, 0 not answering, 0 not probed · active for SIPProxy_2/)).toBeInTheDocument();
    const backup = screen.getByRole('region', { name: 'SIPServer_A_backup' });
    expect(within(backup).getByText(/1 answering, 0 not answering, 1 not probed · active for SIPProxy_1/)).toBeInTheDocument();
    expect(screen.getByTestId('failback-rule')).toHaveTextContent(/no automatic failback/);

    const probes = screen.getByRole('table', { name: 'Probes of SIPServer_A per proxy' });
    const notProbed = within(probes)
      .getAllByRole('row')
      .find((r) => r.getAttribute('data-proxy') === 'SIPProxy_2' && r.getAttribute('data-server') === 'SIPServer_A_backup');
    expect(notProbed).toHaveTextContent('not probed');

    const history = screen.getByRole('list', { name: 'State changes of SIPServer_A' });
    const items = within(history).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveAttribute('data-to', 'backup-active');
    expect(items[0]).toHaveTextContent(/SIPProxy_1/);
    expect(items[0]).toHaveTextContent(/Trigger probe-timeout on the primary/);
    expect(items[2]).toHaveTextContent(/code 200, RTT 3\.0 ms/);
    // A viewer: no switchover or maintenance buttons.
    expect(screen.queryByRole('button', { name: /Switch over|out of service|to service/ })).not.toBeInTheDocument();
  });

  it('a viewer gets no controls; an operator switches over from the active server after confirming, and returns a forced one', async () => {
    let forced = false;
    const puts: unknown[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/service-state': () => {
        const st = serviceState();
        if (forced) Object.assign(st.pairs[0]!, { adminOutOfService: ['SIPServer_A'] });
        return json(st);
      },
      'PUT /api/sip-servers/SIPServer_A/admin-state': (_u, init) => {
        puts.push(JSON.parse(String(init.body)));
        forced = JSON.parse(String(init.body)).state === 'out-of-service';
        return json({ name: 'SIPServer_A', state: forced ? 'out-of-service' : 'active' });
      },
    });
    renderApp('/pairs/SIPServer_A');
    await userEvent.click(await screen.findByRole('button', { name: 'Switch over from SIPServer_A' }));
    const dialog = await screen.findByRole('dialog', { name: 'Take SIPServer_A out of service?' });
    expect(dialog).toHaveTextContent('It is active for SIPProxy_2: they switch over to SIPServer_A_backup.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Take out of service' }));
    await waitFor(() => expect(puts).toEqual([{ state: 'out-of-service' }]));
    expect(await screen.findByTestId('forced-out')).toHaveTextContent('out of service by an operator');
    await userEvent.click(screen.getByRole('button', { name: 'Return SIPServer_A to service' }));
    await waitFor(() => expect(puts).toEqual([{ state: 'out-of-service' }, { state: 'active' }]));
    await waitFor(() => expect(screen.queryByTestId('forced-out')).not.toBeInTheDocument());
  });

  it('says so when no pair has that name', async () => {
    renderApp('/pairs/Nope');
    expect(await screen.findByText('No such HA pair')).toBeInTheDocument();
  });
});
