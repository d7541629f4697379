import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { testSchema, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';
import { workerCommand } from './WorkerTokensSection';

const proxy = {
  name: 'SIPProxy_2',
  type: 'sip-proxy',
  host: '127.0.0.1',
  ports: { 'sip-port': 5160 },
  backup: null,
  options: {},
  revision: 2,
};
const token = (id: string, app: string, kind: 'remote' | 'embedded', lastUsedAt: string | null = null) => ({
  id,
  app,
  kind,
  createdBy: 'admin',
  createdAt: '2026-11-20T10:00:00Z',
  lastUsedAt,
});

describe('remote worker tokens', () => {
  beforeEach(() => liveStore.reset());

  it('the command names this control plane instead of <URL>', () => {
    expect(
      workerCommand(
        {
          id: '1',
          app: 'P',
          token: 'swt_x',
          command: 'SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane <URL> --app P',
        },
        'http://cp:8080',
      ),
    ).toBe('SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane http://cp:8080 --app P');
  });

  it('an admin lists the remote tokens of the proxy, creates one (shown once, with the command) and revokes one', async () => {
    let list = [
      token('aaaaaaaa-1111', 'SIPProxy_2', 'remote', '2026-11-21T08:00:00Z'),
      token('bbbbbbbb-2222', 'SIPProxy_2', 'embedded'),
      token('cccccccc-3333', 'SIPProxy_1', 'remote'),
    ];
    const revoked: string[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'GET /api/switches': () => json([]),
      'GET /api/applications/SIPProxy_2': () => json(proxy),
      'GET /api/workers/tokens': () => json(list),
      'POST /api/workers/tokens': (_url, init) => {
        expect(JSON.parse(String(init.body))).toEqual({ app: 'SIPProxy_2' });
        list = [token('dddddddd-4444', 'SIPProxy_2', 'remote'), ...list];
        return json(
          {
            id: 'dddddddd-4444',
            app: 'SIPProxy_2',
            token: 'swt_secret',
            command: 'SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane <URL> --app SIPProxy_2',
          },
          201,
        );
      },
      'DELETE /api/workers/tokens/aaaaaaaa-1111': () => {
        revoked.push('aaaaaaaa-1111');
        list = list.filter((t) => t.id !== 'aaaaaaaa-1111');
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPProxy_2');
    const section = await screen.findByRole('region', { name: 'Remote worker tokens' });
    const table = await within(section).findByRole('table', { name: 'Worker tokens of SIPProxy_2' });
    // Only this proxy's remote tokens: the embedded worker's own and other proxies' are not listed.
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(within(table).getByText('aaaaaaaa')).toBeInTheDocument();

    await user.click(within(section).getByRole('button', { name: 'New worker token' }));
    const dialog = await screen.findByRole('dialog', { name: 'Worker token for SIPProxy_2' });
    expect(within(dialog).getByTestId('worker-token')).toHaveTextContent('swt_secret');
    expect(within(dialog).getByTestId('worker-command')).toHaveTextContent(
      `SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane ${window.location.origin} --app SIPProxy_2`,
    );
    expect(within(dialog).getByRole('button', { name: 'Copy command' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(3));

    await user.click(within(table).getByRole('button', { name: 'Revoke token aaaaaaaa' }));
    const confirm = await screen.findByRole('dialog', { name: 'Revoke token aaaaaaaa?' });
    await user.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(revoked).toEqual(['aaaaaaaa-1111']));
    await waitFor(() => expect(within(table).queryByText('aaaaaaaa')).not.toBeInTheDocument());
  });

  it('operators do not see tokens (admin only)', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'GET /api/switches': () => json([]),
      'GET /api/applications/SIPProxy_2': () => json(proxy),
    });
    renderApp('/applications/SIPProxy_2');
    expect(await screen.findByRole('button', { name: 'Delete application' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Remote worker tokens' })).not.toBeInTheDocument();
  });
});
