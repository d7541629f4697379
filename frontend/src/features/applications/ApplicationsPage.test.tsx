import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { testSchema, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const server = (name: string, backup: string | null, host: string) => ({
  name,
  type: 'sip-server',
  host,
  ports: { 'sip-port': 5070 },
  backup,
  options: {},
  revision: 1,
});
const proxy = {
  name: 'SIPProxy_1',
  type: 'sip-proxy',
  host: '127.0.0.1',
  ports: { 'sip-port': 5060 },
  backup: null,
  options: { sipproxy: { 'sip-port': 5060 } },
  revision: 4,
};

describe('Applications', () => {
  beforeEach(() => liveStore.reset());

  it('groups SIP Servers into HA pairs and pages the proxy pool on the server', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/applications': (url) =>
        url.searchParams.get('type') === 'sip-server'
          ? json({
              items: [server('SIPServer_A', 'SIPServer_A_backup', '10.0.0.1'), server('SIPServer_A_backup', null, '10.0.0.2')],
              total: 2,
              page: 1,
              pageSize: 500,
            })
          : json({ items: [proxy], total: 1, page: 1, pageSize: 25 }),
    });
    const user = userEvent.setup();
    renderApp('/applications');
    const pairs = await screen.findByRole('table', { name: 'HA pairs' });
    const rows = within(pairs).getAllByRole('row');
    expect(rows).toHaveLength(2); // header + one pair
    expect(within(rows[1]!).getByRole('link', { name: 'SIPServer_A' })).toBeInTheDocument();
    expect(within(rows[1]!).getByRole('link', { name: 'SIPServer_A_backup' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'SIPProxy_1' })).toBeInTheDocument();

    await user.type(screen.getByRole('searchbox', { name: 'Search SIP proxies' }), 'Proxy');
    await waitFor(() =>
      expect(calls.some((c) => c.url.searchParams.get('type') === 'sip-proxy' && c.url.searchParams.get('q') === 'Proxy')).toBe(true),
    );
  });

  it('application detail: a port error from the server lands on the port field', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications/SIPProxy_1': () => json(proxy),
      'PATCH /api/applications/SIPProxy_1': () =>
        json(
          {
            statusCode: 400,
            code: 'CONFIG_INVALID',
            message: 'refused',
            errors: [
              {
                path: 'applications[0].ports.sip-port',
                message: 'SIPProxy_2 already listens on 127.0.0.1:5160',
                object: { kind: 'application', name: 'SIPProxy_1' },
                field: 'ports.sip-port',
              },
            ],
          },
          400,
        ),
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPProxy_1');
    const port = await screen.findByRole('textbox', { name: 'SIP port' });
    await user.clear(port);
    await user.type(port, '5160');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'SIP port' })).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByTestId('field-errors')).toHaveTextContent('ports.sip-port: SIPProxy_2 already listens on 127.0.0.1:5160');
    // The option of the same name in the editor shows its takes-effect badge.
    expect(screen.getAllByTestId('takes-effect-badge').some((b) => b.textContent === 'after restart')).toBe(true);
  });

  it('the review dialog says when a change needs a restart', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications/SIPProxy_1': () => json(proxy),
      'PATCH /api/applications/SIPProxy_1': () =>
        json({
          version: 9,
          committed: false,
          dryRun: true,
          changes: [
            { op: 'change', object: 'application', name: 'SIPProxy_1', field: 'options.sipproxy.sip-port', before: 5060, after: 5062 },
          ],
        }),
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPProxy_1');
    const opt = await screen.findByRole('textbox', { name: 'sip-port' });
    await user.clear(opt);
    await user.type(opt, '5062');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Review changes to application SIPProxy_1' });
    expect(within(dialog).getByTestId('restart-warning')).toBeInTheDocument();
    expect(within(dialog).getByTestId('takes-effect-badge')).toHaveTextContent('after restart');
  });

  it('the review dialog opens at once with its spinner inside while the dry run runs', async () => {
    let answer: (r: Response) => void = () => undefined;
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications/SIPProxy_1': () => json(proxy),
      'PATCH /api/applications/SIPProxy_1': () =>
        new Promise<Response>((r) => {
          answer = r;
        }),
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPProxy_1');
    const host = await screen.findByRole('textbox', { name: 'Host' });
    await user.clear(host);
    await user.type(host, '127.0.0.9');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    const dialog = await screen.findByRole('dialog', { name: 'Review changes to application SIPProxy_1' });
    expect(within(dialog).getByLabelText('Checking the changes')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save' })).toBeDisabled();
    answer(
      json({
        version: 9,
        committed: false,
        dryRun: true,
        changes: [{ op: 'change', object: 'application', name: 'SIPProxy_1', field: 'host', before: '127.0.0.1', after: '127.0.0.9' }],
      }),
    );
    expect(await within(dialog).findByRole('table', { name: 'Pending changes' })).toBeInTheDocument();
    expect(within(dialog).queryByLabelText('Checking the changes')).not.toBeInTheDocument();
  });
});
