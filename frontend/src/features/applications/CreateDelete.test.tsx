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
  options: { sipproxy: { 'sipproxy-role': 10, applications: 'SIPServer_A,SIPServer_B', 'servicing-sipserver': 'SIPServer_A' } },
  revision: 4,
};
const servers = [
  server('SIPServer_A', 'SIPServer_A_backup', '10.0.0.1'),
  server('SIPServer_A_backup', null, '10.0.0.2'),
  server('SIPServer_B', null, '10.0.0.3'),
  server('Spare', null, '10.0.0.4'),
];
const switches = [
  { name: 'SiteA', sipServer: 'SIPServer_A', dnCount: 3, revision: 2 },
  { name: 'SiteB', sipServer: 'SIPServer_B', dnCount: 1, revision: 5 },
];
const page = <T,>(items: T[]) => json({ items, total: items.length, page: 1, pageSize: 500 });
const commit = (dryRun: boolean, op: string, object: string, name: string) =>
  json({ version: dryRun ? 7 : 8, committed: !dryRun, dryRun, changes: [{ op, object, name }] });
const invalid = (errors: unknown[]) => json({ statusCode: 400, code: 'CONFIG_INVALID', message: 'refused', errors }, 400);
const bodyOf = (init: RequestInit) => JSON.parse(String(init.body)) as Record<string, unknown>;

const listApps = (url: URL) =>
  url.searchParams.get('type') === 'sip-server'
    ? page(servers)
    : url.searchParams.get('type') === 'sip-proxy'
      ? page([proxy])
      : page([...servers, proxy]);

describe('create and delete applications and switches', () => {
  beforeEach(() => liveStore.reset());

  it('an operator creates a SIP Proxy for a site: dry run, the diff, then the commit, and lands on it', async () => {
    const posts: { dry: boolean; body: Record<string, unknown> }[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': listApps,
      'GET /api/switches': () => json(switches),
      'POST /api/applications': (url, init) => {
        const dry = url.searchParams.get('dryRun') === 'true';
        posts.push({ dry, body: bodyOf(init) });
        return commit(dry, 'add', 'application', 'SIPProxy_9');
      },
      'GET /api/applications/SIPProxy_9': () => json({ ...proxy, name: 'SIPProxy_9', revision: 1 }),
    });
    const user = userEvent.setup();
    renderApp('/applications');
    await user.click(await screen.findByRole('button', { name: 'New application' }));
    const dialog = await screen.findByRole('dialog', { name: 'New application' });
    expect(within(dialog).getByRole('radio', { name: 'SIP Proxy instance' })).toBeChecked();
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'SIPProxy_9');
    await user.type(within(dialog).getByRole('textbox', { name: 'Host' }), '127.0.0.9');
    await user.type(within(dialog).getByRole('textbox', { name: 'SIP port' }), '5260');
    expect(within(dialog).getByRole('button', { name: 'Review' })).toBeDisabled(); // no site yet
    await user.click(within(dialog).getByRole('combobox', { name: 'Site' }));
    await user.click(await screen.findByRole('option', { name: 'SiteB (SIPServer_B)' }));
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    expect(await within(dialog).findByRole('table', { name: 'Pending changes' })).toBeInTheDocument();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      dry: true,
      body: {
        name: 'SIPProxy_9',
        type: 'sip-proxy',
        host: '127.0.0.9',
        ports: { 'sip-port': 5260 },
        options: { sipproxy: { 'sipproxy-role': 10, applications: 'SIPServer_A,SIPServer_B', 'servicing-sipserver': 'SIPServer_B' } },
      },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Create application' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'SIPProxy_9' })).toBeInTheDocument();
    expect(posts.map((p) => p.dry)).toEqual([true, false]);
    expect(posts[1]!.body).toEqual(posts[0]!.body);
  });

  it("a SIP Server's refused backup lands on the Backup server field; other objects' errors are listed", async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/applications': listApps,
      'GET /api/switches': () => json(switches),
      'POST /api/applications': () =>
        invalid([
          {
            path: 'applications[5].backup',
            code: 'ha-sip-port-mismatch',
            message: 'Both SIP Servers of an HA pair must have the same sip-port',
            object: { kind: 'application', name: 'SIPServer_C' },
            field: 'backup',
          },
          {
            path: 'switches[0].sip-server',
            code: 'x',
            message: 'something else',
            object: { kind: 'switch', name: 'SiteA' },
            field: 'sip-server',
          },
        ]),
    });
    const user = userEvent.setup();
    renderApp('/applications');
    await user.click(await screen.findByRole('button', { name: 'New application' }));
    const dialog = await screen.findByRole('dialog', { name: 'New application' });
    await user.click(within(dialog).getByRole('radio', { name: 'SIP Server' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'SIPServer_C');
    await user.type(within(dialog).getByRole('textbox', { name: 'Host' }), '10.0.0.5');
    await user.type(within(dialog).getByRole('textbox', { name: 'SIP port' }), '5071');
    expect(within(dialog).queryByRole('textbox', { name: 'HTTP port' })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('combobox', { name: 'Backup server' }));
    // Only servers that are neither a backup nor a primary with a backup can become one.
    expect(screen.queryByRole('option', { name: 'SIPServer_A_backup' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'Spare' }));
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'Backup server' })).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('nothing was created');
    expect(within(dialog).getByTestId('other-errors')).toHaveTextContent('switch SiteA · sip-server: something else');
  });

  it('deleting a SIP Server lists what names it, shows the server refusal from the dry run and keeps Delete off', async () => {
    const deletes: URL[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': listApps,
      'GET /api/switches': () => json(switches),
      'GET /api/applications/SIPServer_B': () => json(servers[2]),
      'DELETE /api/applications/SIPServer_B': (url) => {
        deletes.push(url);
        return invalid([
          {
            path: 'switches[1].sip-server',
            code: 'unknown-reference',
            message: '"sip-server" of switch "SiteB" names "SIPServer_B", which is not an application',
            object: { kind: 'switch', name: 'SiteB' },
            field: 'sip-server',
          },
        ]);
      },
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPServer_B');
    await user.click(await screen.findByRole('button', { name: 'Delete application' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete application SIPServer_B?' });
    const refs = await within(dialog).findByTestId('references');
    expect(refs).toHaveTextContent('switch SiteB is served by it (sip-server)');
    expect(refs).toHaveTextContent('SIP Proxy SIPProxy_1 monitors it');
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('would leave the configuration invalid');
    expect(within(dialog).getByTestId('other-errors')).toHaveTextContent('switch SiteB · sip-server');
    expect(within(dialog).getByRole('button', { name: 'Delete' })).toBeDisabled();
    expect(deletes[0]!.searchParams.get('dryRun')).toBe('true');
    expect(deletes[0]!.searchParams.get('revision')).toBe('1');
  });

  it('deletes a proxy with its revision after a clean dry run; a stale revision asks for a reload', async () => {
    let stale = true;
    const deletes: URL[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': listApps,
      'GET /api/switches': () => json(switches),
      'GET /api/applications/SIPProxy_1': () => json(proxy),
      'DELETE /api/applications/SIPProxy_1': (url) => {
        deletes.push(url);
        const dry = url.searchParams.get('dryRun') === 'true';
        if (!dry && stale) {
          stale = false;
          return json({ statusCode: 409, code: 'STALE_REVISION', message: 'changed' }, 409);
        }
        return commit(dry, 'remove', 'application', 'SIPProxy_1');
      },
    });
    const user = userEvent.setup();
    renderApp('/applications/SIPProxy_1');
    await user.click(await screen.findByRole('button', { name: 'Delete application' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete application SIPProxy_1?' });
    expect(await within(dialog).findByText('Nothing else in the configuration names it.')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Delete' })).toBeEnabled());
    expect(within(dialog).getByTestId('delete-check')).toHaveTextContent('the configuration stays valid without it');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Changed by someone else');
    await user.click(within(dialog).getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Delete' })).toBeEnabled());
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Applications' })).toBeInTheDocument();
    expect(deletes.filter((u) => u.searchParams.get('dryRun') !== 'true').map((u) => u.searchParams.get('revision'))).toEqual(['4', '4']);
  });

  it('a viewer gets neither New application nor Delete application', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/options/schema': () => json(testSchema),
      'GET /api/applications': listApps,
      'GET /api/applications/SIPProxy_1': () => json(proxy),
    });
    renderApp('/applications/SIPProxy_1');
    expect(await screen.findByTestId('read-only-notice')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete application' })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Remote worker tokens' })).not.toBeInTheDocument();
  });

  it('creates a switch served by a primary, and deleting a site lists its DNs, trunks to it and its pool', async () => {
    const posts: boolean[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/applications': listApps,
      'GET /api/switches': () => json(switches),
      'GET /api/switches/SiteC': () => json({ name: 'SiteC', sipServer: 'SIPServer_A', revision: 1 }),
      'GET /api/switches/SiteC/dns': () => page([]),
      'GET /api/switches/SiteB': () => json({ name: 'SiteB', sipServer: 'SIPServer_B', revision: 5 }),
      'GET /api/switches/SiteB/dns': () => page([]),
      'GET /api/trunks': () =>
        json([
          {
            switch: 'SiteA',
            number: 'to-site-b',
            remoteSwitch: 'SiteB',
            contact: 'x',
            peerProxyContact: 'y',
            peerProxyProtocol: 'udp',
            mode: 'dns',
          },
        ]),
      'POST /api/switches': (url, init) => {
        posts.push(url.searchParams.get('dryRun') === 'true');
        expect(bodyOf(init)).toEqual({ name: 'SiteC', sipServer: 'SIPServer_A' });
        return commit(url.searchParams.get('dryRun') === 'true', 'add', 'switch', 'SiteC');
      },
      'DELETE /api/switches/SiteB': () =>
        invalid([
          {
            path: 'switches[0].dns[1].options.TServer.peer-proxy-contact',
            code: 'peer-proxy-contact-mismatch',
            message: 'not the external-contact of another switch',
            object: { kind: 'dn', name: 'SiteA/to-site-b' },
            field: 'options.TServer.peer-proxy-contact',
          },
        ]),
    });
    const user = userEvent.setup();
    const { router } = renderApp('/switches');
    await user.click(await screen.findByRole('button', { name: 'New switch' }));
    const dialog = await screen.findByRole('dialog', { name: 'New switch' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Switch name' }), 'SiteC');
    await user.click(within(dialog).getByRole('combobox', { name: 'SIP Server (HA pair)' }));
    // Backups cannot serve a switch.
    expect(screen.queryByRole('option', { name: 'SIPServer_A_backup' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'SIPServer_A (backup SIPServer_A_backup)' }));
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    await user.click(await within(dialog).findByRole('button', { name: 'Create switch' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Switch SiteC' })).toBeInTheDocument();
    expect(posts).toEqual([true, false]);

    await router.navigate('/switches/SiteB');
    expect(await screen.findByRole('heading', { level: 1, name: 'Switch SiteB' })).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Delete switch' }));
    const del = await screen.findByRole('dialog', { name: 'Delete switch SiteB?' });
    const refs = await within(del).findByTestId('references');
    expect(refs).toHaveTextContent('its 1 DN (deleted with it)');
    expect(refs).toHaveTextContent('trunk to-site-b of switch SiteA leads to it');
    expect(await within(del).findByTestId('other-errors')).toHaveTextContent('dn SiteA/to-site-b');
    expect(within(del).getByRole('button', { name: 'Delete' })).toBeDisabled();
  });
});
