import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../test/utils';
import { testSchema, users } from '../test/fakes';
import { liveStore } from '../features/live/liveStore';

const proxy = {
  name: 'SIPProxy_2',
  type: 'sip-proxy',
  host: '127.0.0.1',
  ports: { 'sip-port': 5160 },
  backup: null,
  options: {},
  revision: 2,
};
const server = {
  name: 'SIPServer_A',
  type: 'sip-server',
  host: '127.0.0.1',
  ports: { 'sip-port': 5070 },
  backup: 'SIPServer_A_backup',
  options: {},
  revision: 1,
};
const worker = (applied: string, activeDialogs: number) => ({
  instanceId: 'i1',
  online: true,
  running: true,
  applied,
  activeDialogs,
  flows: 1,
  rejectedDraining: 3,
});

describe('administrative state controls', () => {
  beforeEach(() => liveStore.reset());

  it('an operator drains a proxy after a confirmation and sees its dialogs count down; Stop is for admins only', async () => {
    let state = { name: 'SIPProxy_2', state: 'active', workers: [worker('active', 2)] } as Record<string, unknown>;
    const puts: unknown[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'GET /api/switches': () => json([]),
      'GET /api/applications/SIPProxy_2': () => json(proxy),
      'GET /api/applications/SIPProxy_2/admin-state': () => json(state),
      'PUT /api/applications/SIPProxy_2/admin-state': (_url, init) => {
        puts.push(JSON.parse(String(init.body)));
        state = {
          name: 'SIPProxy_2',
          state: 'drained',
          changedBy: 'operator',
          changedAt: '2026-12-03T17:00:00Z',
          workers: [worker('drained', 1)],
        };
        return json(state);
      },
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPProxy_2');
    const section = await screen.findByRole('region', { name: 'Administrative state' });
    await waitFor(() => expect(within(section).getByText(/never changed/)).toBeInTheDocument());
    expect(within(section).getByTestId('admin-state-badge')).toHaveTextContent('Active');
    expect(within(section).queryByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    await user.click(within(section).getByRole('button', { name: 'Drain' }));
    const dialog = await screen.findByRole('dialog', { name: 'Drain SIPProxy_2?' });
    expect(puts).toEqual([]); // nothing sent before the confirmation
    await user.click(within(dialog).getByRole('button', { name: 'Drain' }));
    await waitFor(() => expect(puts).toEqual([{ state: 'drained' }]));
    await waitFor(() => expect(within(section).getByTestId('admin-state-badge')).toHaveTextContent('Drained by an operator'));
    expect(within(section).getByTestId('active-dialogs')).toHaveTextContent('1');
    expect(within(section).getByTestId('active-flows')).toHaveTextContent('1');
    expect(within(section).getByRole('button', { name: 'Make active' })).toBeInTheDocument();
  });

  it('a viewer sees the state of a SIP Server but no control', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': () => json({ items: [server], total: 1, page: 1, pageSize: 500 }),
      'GET /api/switches': () => json([]),
      'GET /api/applications/SIPServer_A': () => json(server),
      'GET /api/sip-servers/SIPServer_A/admin-state': () =>
        json({
          name: 'SIPServer_A',
          state: 'out-of-service',
          changedBy: 'admin',
          changedAt: '2026-12-03T17:00:00Z',
          pair: 'SIPServer_A',
          role: 'primary',
          proxies: [{ worker: 'SIPProxy_1', pairState: 'backup-active', applied: true }],
        }),
    });
    renderApp('/applications/SIPServer_A');
    await waitFor(() => expect(screen.getByTestId('server-admin-state-badge')).toHaveTextContent('Out of service (maintenance)'));
    expect(screen.getByText(/SIPProxy_1: backup-active/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Return to service' })).not.toBeInTheDocument();
  });
});
