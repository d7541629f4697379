import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { installFakeEventSource, users } from '../../test/fakes';
import { serverSchemaJson } from '../../test/serverSchema';
import { liveStore } from '../live/liveStore';

const objects = [
  { kind: 'application', name: 'SrvC', action: 'create', summary: 'primary SIP Server 127.0.0.1:5270, backup SrvC_backup' },
  { kind: 'application', name: 'SrvC_backup', action: 'create', summary: 'backup SIP Server 127.0.0.2:5270' },
  { kind: 'switch', name: 'SiteC', action: 'create', summary: 'served by SrvC' },
  { kind: 'dn', name: 'SiteC/sipproxy-pool', action: 'create', summary: 'sip-outbound-proxy VoIP Service DN' },
  { kind: 'application', name: 'SIPProxy_1', action: 'update', summary: 'applications += SrvC (monitors the new pair after its restart)' },
  { kind: 'application', name: 'ProxyC', action: 'create', summary: 'SIP Proxy of the pool' },
];
const changes = [
  { op: 'add', object: 'switch', name: 'SiteC', after: { name: 'SiteC', 'sip-server': 'SrvC', dns: 1 } },
  {
    op: 'change',
    object: 'application',
    name: 'SIPProxy_1',
    field: 'options.sipproxy.applications',
    before: 'SIPServer_A',
    after: 'SIPServer_A,SrvC',
  },
];

/** Pastes (one input event) rather than types: the form is long and jsdom is slow. */
async function fill(user: ReturnType<typeof userEvent.setup>, el: HTMLElement | Promise<HTMLElement>, text: string) {
  await user.click(await el);
  await user.paste(text);
}

async function fillForm(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByRole('heading', { level: 1, name: 'New site' });
  await fill(user, screen.getByRole('textbox', { name: /^Site name/ }), 'SiteC');
  await fill(user, screen.getByRole('textbox', { name: /^SIP port/ }), '5270');
  await fill(user, screen.getByRole('textbox', { name: /^Primary SIP Server/ }), 'SrvC');
  await fill(user, screen.getByRole('textbox', { name: /^Primary host/ }), '127.0.0.1');
  await fill(user, screen.getByRole('textbox', { name: /^Backup SIP Server/ }), 'SrvC_backup');
  await fill(user, screen.getByRole('textbox', { name: /^Backup host/ }), '127.0.0.2');
  await fill(user, await screen.findByRole('textbox', { name: 'contact' }), 'proxy.site-c.example');
  await fill(user, screen.getByRole('textbox', { name: 'external-contact' }), '127.0.0.1:5260');
  await fill(user, screen.getByRole('textbox', { name: 'oos-check' }), '5');
  await fill(user, screen.getByRole('textbox', { name: 'oos-force' }), '5');
  await fill(user, screen.getByRole('textbox', { name: /^Proxy name/ }), 'ProxyC');
  await fill(user, screen.getByRole('textbox', { name: /^Proxy host/ }), '127.0.0.1');
  await fill(user, screen.getByRole('textbox', { name: /^Proxy SIP port/ }), '5260');
}

describe('New site wizard', () => {
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
  });

  it('reviews the whole site as one dry run (objects and diff), applies it, then shows it per worker', async () => {
    const schema = await serverSchemaJson();
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(schema),
      'GET /api/workers': () =>
        json([
          { id: 'w1', app: 'SIPProxy_1', online: true, configVersion: 6, restartPending: true, restartPendingOptions: ['applications'] },
        ]),
      'POST /api/sites': (url) =>
        json(
          url.searchParams.get('dryRun') === 'true'
            ? {
                plan: { site: 'SiteC', objects, problems: [] },
                result: { version: 6, committed: false, dryRun: true, changes },
                errors: [],
              }
            : {
                plan: { site: 'SiteC', objects, problems: [] },
                result: { version: 7, committed: true, dryRun: false, changes },
                errors: [],
              },
        ),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/sites/new');
    expect(await screen.findByRole('heading', { level: 1, name: 'New site' })).toBeInTheDocument();
    await fillForm(user);
    expect(screen.getByRole('button', { name: 'Create site' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Review' }));

    const table = await screen.findByRole('table', { name: 'Site objects' });
    expect(within(table).getByText('switch SiteC')).toBeInTheDocument();
    expect(within(table).getByText('application SIPProxy_1')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Pending changes' })).toHaveTextContent('SIPProxy_1');
    const dry = calls.find((c) => c.method === 'POST')!;
    expect(dry.url.searchParams.get('dryRun')).toBe('true');
    expect(JSON.parse(String(dry.init.body))).toEqual({
      name: 'SiteC',
      primary: { name: 'SrvC', host: '127.0.0.1', sipPort: 5270 },
      backup: { name: 'SrvC_backup', host: '127.0.0.2', sipPort: 5270 },
      pool: {
        number: 'sipproxy-pool',
        options: { contact: 'proxy.site-c.example', 'external-contact': '127.0.0.1:5260', 'oos-check': 5, 'oos-force': 5 },
      },
      proxies: [{ name: 'ProxyC', host: '127.0.0.1', sipPort: 5260 }],
    });

    await user.click(screen.getByRole('button', { name: 'Create site' }));
    expect(await screen.findByText(/saved as configuration version 7/)).toBeInTheDocument();
    const workers = await screen.findByRole('table', { name: 'Workers after saving' });
    // What the worker reports, not a guess: SIPProxy_1 runs version 6 and needs a restart for applications.
    expect(within(workers).getByText('SIPProxy_1')).toBeInTheDocument();
    expect(within(workers).getByText('needs restart')).toBeInTheDocument();
  });

  it('takes the pool DN limits from the registry: oos-check 0 is refused there (mandatoryMin), Review stays disabled', async () => {
    const schema = await serverSchemaJson();
    mockFetch({ 'GET /api/auth/me': () => json(users.operator), 'GET /api/options/schema': () => json(schema) });
    const user = userEvent.setup({ delay: null });
    renderApp('/sites/new');
    await fillForm(user);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Review' })).toBeEnabled());
    const oos = screen.getByRole('textbox', { name: 'oos-check' });
    await user.clear(oos);
    await user.type(oos, '0');
    expect(await screen.findByText(/Must be between 1 and/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Review' })).toBeDisabled();
  });

  it('names every error of the dry run on its object', async () => {
    const schema = await serverSchemaJson();
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(schema),
      'POST /api/sites': () =>
        json({
          plan: { site: 'SiteC', objects, problems: ['application SrvC already exists'] },
          errors: [
            { path: '', code: 'site-plan', message: 'application SrvC already exists' },
            {
              path: 'applications[1].ports.sip-port',
              code: 'ha-sip-port-mismatch',
              message: 'both servers need one sip-port',
              object: { kind: 'application', name: 'SrvC_backup' },
              field: 'ports.sip-port',
            },
          ],
        }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/sites/new');
    await fillForm(user);
    await user.click(screen.getByRole('button', { name: 'Review' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('application SrvC already exists');
    expect(alert).toHaveTextContent('application SrvC_backup · ports.sip-port: both servers need one sip-port');
    expect(screen.getByRole('button', { name: 'Create site' })).toBeDisabled();
  });

  it('offers "New site" on the site map to editors only', async () => {
    const state = { generatedAt: 'x', configVersion: 0, workers: [], pairs: [], sites: [] };
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/service-state': () => json(state),
      'GET /api/trunks': () => json([]),
    });
    renderApp('/sites');
    expect(await screen.findByRole('heading', { level: 1, name: 'Site map' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'New site' })).not.toBeInTheDocument();
  });
});
