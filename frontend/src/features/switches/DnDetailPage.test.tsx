import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { testSchema, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const dn = {
  switch: 'SiteA',
  number: 'sipproxy-pool',
  type: 'voip-service',
  options: { TServer: { 'oos-check': 5, contact: 'proxy.site-a.example' } },
  revision: 3,
};

function stubs(role: keyof typeof users, extra: Record<string, Parameters<typeof mockFetch>[0][string]> = {}) {
  return mockFetch({
    'GET /api/auth/me': () => json(users[role]),
    'GET /api/options/schema': () => json(testSchema),
    'GET /api/switches/SiteA/dns/sipproxy-pool': () => json(dn),
    'GET /api/workers': () =>
      json([
        { id: 'w1', app: 'SIPProxy_1', online: true, configVersion: 8, restartPending: false, restartPendingOptions: [] },
        { id: 'w2', app: 'SIPProxy_2', online: true, configVersion: 8, restartPending: true, restartPendingOptions: ['sip-port'] },
        { id: 'w3', app: 'SIPProxy_3', online: true, configVersion: 7, restartPending: true, restartPendingOptions: ['sip-port'] },
        {
          id: 'w4',
          app: 'SIPProxy_4',
          online: true,
          configVersion: 7,
          restartPending: false,
          restartPendingOptions: [],
          refused: { configVersion: 8, reason: 'cannot bind 127.0.0.1:5060' },
        },
      ]),
    ...extra,
  });
}

async function editOosCheck(value: string) {
  const user = userEvent.setup();
  const field = await screen.findByRole('textbox', { name: 'oos-check' });
  await user.clear(field);
  await user.type(field, value);
  return user;
}

describe('DN options save flow', () => {
  beforeEach(() => liveStore.reset());

  it('dry-runs, shows the diff, then saves with the revision and shows workers applying it', async () => {
    const { calls } = stubs('admin', {
      'PATCH /api/switches/SiteA/dns/sipproxy-pool': (url) =>
        url.searchParams.get('dryRun') === 'true'
          ? json({
              version: 7,
              committed: false,
              dryRun: true,
              changes: [
                { op: 'change', object: 'dn', name: 'SiteA/sipproxy-pool', field: 'options.TServer.oos-check', before: 5, after: 9 },
              ],
            })
          : json({ version: 8, committed: true, dryRun: false, changes: [] }),
    });
    renderApp('/switches/SiteA/dns/sipproxy-pool');
    expect(await screen.findByRole('heading', { level: 1, name: 'DN sipproxy-pool' })).toBeInTheDocument();
    const user = await editOosCheck('9');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));

    const dialog = await screen.findByRole('dialog', { name: 'Review changes to DN sipproxy-pool' });
    const diff = within(dialog).getByRole('table', { name: 'Pending changes' });
    expect(within(diff).getByText('options.TServer.oos-check')).toBeInTheDocument();
    expect(within(diff).getByText('9')).toBeInTheDocument();
    const dry = calls.filter((c) => c.method === 'PATCH');
    expect(dry).toHaveLength(1);
    expect(dry[0]!.url.searchParams.get('dryRun')).toBe('true');
    expect(JSON.parse(String(dry[0]!.init.body))).toEqual({ revision: 3, options: { TServer: { 'oos-check': 9 } } });

    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(2));
    const real = calls.filter((c) => c.method === 'PATCH')[1]!;
    expect(real.url.searchParams.get('dryRun')).toBeNull();
    expect(JSON.parse(String(real.init.body)).revision).toBe(3);

    const panel = await screen.findByRole('region', { name: 'Version 8 on the workers' });
    const workers = await within(panel).findByRole('table', { name: 'Workers after saving' });
    expect(within(workers).getAllByText('applied')).toHaveLength(2);
    expect(within(workers).getAllByText('restart pending')).toHaveLength(2);
    expect(within(workers).getByText('needs restart')).toBeInTheDocument();
    expect(within(workers).getByText('refused')).toBeInTheDocument();
    expect(within(workers).getByTestId('worker-refusal')).toHaveTextContent('cannot bind 127.0.0.1:5060');
    expect(within(workers).getByRole('button', { name: 'Restart worker SIPProxy_2' })).toBeInTheDocument();
  });

  it('puts the server’s cross-object error on the field it names and saves nothing', async () => {
    const { calls } = stubs('operator', {
      'PATCH /api/switches/SiteA/dns/sipproxy-pool': () =>
        json(
          {
            statusCode: 400,
            code: 'CONFIG_INVALID',
            message: 'The change was refused',
            errors: [
              {
                path: 'switches[0].dns[0].options.TServer.contact',
                code: 'bad',
                message: 'contact must name the proxy pool of SiteA',
                object: { kind: 'dn', name: 'SiteA/sipproxy-pool' },
                field: 'options.TServer.contact',
              },
              {
                path: 'applications[4].options.sipproxy.applications',
                message: 'SIPProxy_1 no longer monitors it',
                object: { kind: 'application', name: 'SIPProxy_1' },
                field: 'options.sipproxy.applications',
              },
            ],
          },
          400,
        ),
    });
    renderApp('/switches/SiteA/dns/sipproxy-pool');
    const user = userEvent.setup();
    const contact = await screen.findByRole('textbox', { name: 'contact' });
    await user.clear(contact);
    await user.type(contact, 'elsewhere.example');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));

    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'contact' })).toHaveAccessibleDescription(/contact must name the proxy pool of SiteA/),
    );
    expect(screen.getByRole('textbox', { name: 'contact' })).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('other-errors')).toHaveTextContent('application SIPProxy_1');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH' && c.url.searchParams.get('dryRun') !== 'true')).toHaveLength(0);
  });

  it('on 409 says someone else changed it and offers a reload', async () => {
    let gets = 0;
    const { calls } = stubs('operator', {
      'GET /api/switches/SiteA/dns/sipproxy-pool': () => {
        gets += 1;
        return json(gets === 1 ? dn : { ...dn, revision: 4, options: { TServer: { 'oos-check': 30 } } });
      },
      'PATCH /api/switches/SiteA/dns/sipproxy-pool': (url) =>
        url.searchParams.get('dryRun') === 'true'
          ? json({
              version: 7,
              committed: false,
              dryRun: true,
              changes: [
                { op: 'change', object: 'dn', name: 'SiteA/sipproxy-pool', field: 'options.TServer.oos-check', before: 5, after: 9 },
              ],
            })
          : json({ statusCode: 409, code: 'STALE_REVISION', message: 'stale' }, 409),
    });
    renderApp('/switches/SiteA/dns/sipproxy-pool');
    const user = await editOosCheck('9');
    await user.click(screen.getByRole('button', { name: 'Review changes' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Changed by someone else');
    await user.click(within(alert).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'oos-check' })).toHaveValue('30'));
    expect(calls.filter((c) => c.method === 'GET' && c.url.pathname.endsWith('/sipproxy-pool'))).toHaveLength(2);
  });

  it('checks values as typed: out of range blocks the review', async () => {
    stubs('operator');
    renderApp('/switches/SiteA/dns/sipproxy-pool');
    await editOosCheck('999');
    expect(await screen.findByText('Must be between 0 and 300')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Review changes' })).toBeDisabled();
  });

  it('a viewer sees the options read-only with no way to save or delete', async () => {
    stubs('viewer');
    renderApp('/switches/SiteA/dns/sipproxy-pool');
    const field = await screen.findByRole('textbox', { name: 'oos-check' });
    expect(field).toHaveAttribute('readonly');
    expect(screen.getByTestId('read-only-notice')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Review changes' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete DN' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Reset .* to default/ })).not.toBeInTheDocument();
  });

  it('asks before leaving with unsaved edits', async () => {
    stubs('operator', { 'GET /api/switches/SiteA/dns': () => json({ items: [], total: 0, page: 1, pageSize: 50 }) });
    const { router } = renderApp('/switches/SiteA/dns/sipproxy-pool');
    const user = await editOosCheck('7');
    await user.click(screen.getByRole('link', { name: 'SiteA' }));
    const dialog = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    await user.click(within(dialog).getByRole('button', { name: 'Stay on this page' }));
    expect(router.state.location.pathname).toBe('/switches/SiteA/dns/sipproxy-pool');
    expect(screen.getByRole('textbox', { name: 'oos-check' })).toHaveValue('7');
    await user.click(screen.getByRole('link', { name: 'SiteA' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Leave without saving?' })).getByRole('button', {
        name: 'Discard changes and leave',
      }),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/switches/SiteA'));
  });

  it('deletes through the shared dialog: a dry run first, then the delete with the revision read', async () => {
    const { calls } = stubs('operator', {
      'DELETE /api/switches/SiteA/dns/sipproxy-pool': (url) =>
        json({
          version: url.searchParams.get('dryRun') === 'true' ? 8 : 9,
          committed: url.searchParams.get('dryRun') !== 'true',
          dryRun: url.searchParams.get('dryRun') === 'true',
          changes: [],
        }),
      'GET /api/switches/SiteA': () => json({ name: 'SiteA', sipServer: 'SIPServer_A', dnCount: 0, revision: 1 }),
      'GET /api/switches/SiteA/dns': () => json({ items: [], total: 0, page: 1, pageSize: 50 }),
    });
    const { router } = renderApp('/switches/SiteA/dns/sipproxy-pool');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete DN' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete DN sipproxy-pool?' });
    expect(await within(dialog).findByTestId('delete-check')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/switches/SiteA'));
    const deletes = calls.filter((c) => c.method === 'DELETE');
    expect(deletes.map((c) => [c.url.searchParams.get('revision'), c.url.searchParams.get('dryRun')])).toEqual([
      ['3', 'true'],
      ['3', null],
    ]);
  });
});
