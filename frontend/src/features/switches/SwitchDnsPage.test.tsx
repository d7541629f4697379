import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { testSchema, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const dns = Array.from({ length: 50 }, (_, i) => ({
  switch: 'SiteA',
  number: String(1000 + i),
  type: 'extension',
  options: {},
  revision: 1,
}));

describe('DN table', () => {
  beforeEach(() => liveStore.reset());

  it('pages, searches by number and filters by type on the server (10,000 DNs)', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/switches/SiteA/dns': (url) =>
        json({ items: dns, total: 10_000, page: Number(url.searchParams.get('page') ?? 1), pageSize: 50 }),
    });
    const user = userEvent.setup();
    renderApp('/switches/SiteA');
    const table = await screen.findByRole('table', { name: 'DNs of SiteA' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(screen.getByTestId('table-range')).toHaveTextContent('1–50 of 10,000');
    expect(screen.queryByRole('button', { name: 'New DN' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(calls.some((c) => c.url.searchParams.get('page') === '2')).toBe(true));

    await user.type(screen.getByRole('searchbox', { name: 'Search DNs of SiteA' }), '1042');
    await waitFor(() =>
      expect(calls.some((c) => c.url.searchParams.get('q') === '1042' && c.url.searchParams.get('page') === '1')).toBe(true),
    );

    await user.click(screen.getByRole('combobox', { name: 'Filter by DN type' }));
    await user.click(await screen.findByRole('option', { name: 'Trunk' }));
    await waitFor(() => expect(calls.some((c) => c.url.searchParams.get('type') === 'trunk')).toBe(true));
  }, 40_000);

  it('a new switch: the New DN dialog proposes its pool DN with the options it needs, reviewed (dry run, diff) then created', async () => {
    const schema = {
      ...testSchema,
      options: [
        ...testSchema.options,
        {
          name: 'service-type',
          section: 'TServer',
          objects: ['voip-service'],
          type: 'string',
          default: null,
          takesEffect: 'after-restart',
          description: 'Kind of service.',
        },
        {
          name: 'external-contact',
          section: 'TServer',
          objects: ['voip-service'],
          type: 'host-port',
          default: null,
          takesEffect: 'after-restart',
          description: 'Pool address.',
        },
      ],
    } as typeof testSchema;
    const posts: { dry: boolean; body: Record<string, unknown> }[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(schema),
      'GET /api/switches/SiteC': () => json({ name: 'SiteC', sipServer: 'SIPServer_C', revision: 1 }),
      'GET /api/switches/SiteC/dns': () => json({ items: [], total: 0, page: 1, pageSize: 50 }),
      'POST /api/switches/SiteC/dns': (url, init) => {
        const dry = url.searchParams.get('dryRun') === 'true';
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        posts.push({ dry, body });
        // First try: the server refuses a missing option on its field.
        if (posts.length === 1) {
          return json(
            {
              statusCode: 400,
              code: 'CONFIG_INVALID',
              message: 'refused',
              errors: [
                {
                  path: 'switches[2].dns[0].options.TServer.contact',
                  message: 'needs [TServer] contact',
                  object: { kind: 'dn', name: 'SiteC/sipproxy-pool' },
                  field: 'options.TServer.contact',
                },
              ],
            },
            400,
          );
        }
        return json({
          version: dry ? 9 : 10,
          committed: !dry,
          dryRun: dry,
          changes: [{ op: 'add', object: 'dn', name: 'SiteC/sipproxy-pool' }],
        });
      },
    });
    const user = userEvent.setup();
    const { router } = renderApp('/switches/SiteC');
    expect(await screen.findByText('No DNs')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'New DN' }));
    const dialog = await screen.findByRole('dialog', { name: 'New DN on SiteC' });
    expect(await within(dialog).findByTestId('pool-dn-notice')).toHaveTextContent('contact, external-contact, oos-check, oos-force');
    expect(within(dialog).getByRole('textbox', { name: 'service-type' })).toHaveValue('sip-outbound-proxy');
    await user.type(within(dialog).getByRole('textbox', { name: 'DN number' }), 'sipproxy-pool');
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    // The server's refusal lands on the field, as when editing.
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'contact' })).toHaveAttribute('aria-invalid', 'true'));
    await user.type(within(dialog).getByRole('textbox', { name: 'contact' }), '127.0.0.1:5060');
    await user.type(within(dialog).getByRole('textbox', { name: 'external-contact' }), '127.0.0.1:5060');
    await user.type(within(dialog).getByRole('textbox', { name: 'oos-check' }), '2');
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    expect(await within(dialog).findByRole('table', { name: 'Pending changes' })).toBeInTheDocument();
    expect(posts[1]).toEqual({
      dry: true,
      body: {
        number: 'sipproxy-pool',
        type: 'voip-service',
        options: {
          TServer: {
            'service-type': 'sip-outbound-proxy',
            contact: '127.0.0.1:5060',
            'external-contact': '127.0.0.1:5060',
            'oos-check': 2,
          },
        },
      },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Create DN' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/switches/SiteC/dns/sipproxy-pool'));
    expect(posts[2]).toEqual({ ...posts[1], dry: false });
  }, 40_000);

  it('a switch that has its pool DN: an extension by default, no notice', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/switches/SiteA': () => json({ name: 'SiteA', sipServer: 'SIPServer_A', revision: 1 }),
      'GET /api/switches/SiteA/dns': (url) =>
        json({
          items:
            url.searchParams.get('type') === 'voip-service'
              ? [
                  {
                    switch: 'SiteA',
                    number: 'pool',
                    type: 'voip-service',
                    options: { TServer: { 'service-type': 'sip-outbound-proxy' } },
                    revision: 1,
                  },
                ]
              : [],
          total: 0,
          page: 1,
          pageSize: 50,
        }),
    });
    const user = userEvent.setup();
    renderApp('/switches/SiteA');
    await user.click(await screen.findByRole('button', { name: 'New DN' }));
    const dialog = await screen.findByRole('dialog', { name: 'New DN on SiteA' });
    expect(await within(dialog).findByRole('textbox', { name: 'contact' })).toBeInTheDocument();
    expect(within(dialog).getByRole('combobox', { name: 'DN type' })).toHaveValue('Extension');
    expect(within(dialog).queryByTestId('pool-dn-notice')).not.toBeInTheDocument();
  });
});
