import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';
import { serverSchemaJson } from '../../test/serverSchema';

const switches = [
  { name: 'SiteA', sipServer: 'SIPServer_A', dnCount: 4, revision: 1 },
  { name: 'SiteB', sipServer: 'SIPServer_B', dnCount: 3, revision: 1 },
];
const plan = {
  plan: {
    trunks: [
      { number: 'to-SiteB-primary', action: 'create', options: { contact: '127.0.0.1:5170', 'oos-check': 5 } },
      { number: 'to-SiteB-backup', action: 'create', options: { contact: '127.0.0.2:5170', 'oos-check': 5 } },
    ],
    problems: [],
  },
  errors: [],
};

async function pick(user: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  await user.click(screen.getByRole('combobox', { name: label }));
  await user.click(await screen.findByRole('option', { name: option }));
}

describe('multi-site trunk stepper', () => {
  beforeEach(() => liveStore.reset());

  it('previews the trunks the dry run plans, then applies', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/switches': () => json(switches),
      'GET /api/trunks': () => json([]),
      'GET /api/service-state': () => json({ generatedAt: 'x', configVersion: 1, workers: [], pairs: [], sites: [] }),
      'POST /api/trunks/provision': (url) =>
        json(
          url.searchParams.get('dryRun') === 'true'
            ? plan
            : { ...plan, result: { version: 5, committed: true, dryRun: false, changes: [] } },
        ),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/trunks');
    expect(await screen.findByRole('heading', { level: 1, name: 'Multi-site trunks' })).toBeInTheDocument();
    expect(await screen.findByText('No multi-site trunks')).toBeInTheDocument();

    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Local switch' })).toBeEnabled());
    await pick(user, 'Local switch', 'SiteA');
    await pick(user, 'Remote site', 'SiteB');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    await user.click(screen.getByRole('radio', { name: 'One trunk per server of the remote HA pair' }));
    await user.click(screen.getByRole('switch', { name: 'Use TLS' }));
    await user.click(screen.getByRole('button', { name: 'Preview' }));

    const table = await screen.findByRole('table', { name: 'Planned trunks' });
    expect(within(table).getByText('to-SiteB-primary')).toBeInTheDocument();
    expect(within(table).getByText('to-SiteB-backup')).toBeInTheDocument();
    expect(within(table).getAllByText('create')).toHaveLength(2);
    const dry = calls.find((c) => c.method === 'POST')!;
    expect(dry.url.searchParams.get('dryRun')).toBe('true');
    expect(JSON.parse(String(dry.init.body))).toEqual({ switch: 'SiteA', remoteSwitch: 'SiteB', mode: 'per-server', tls: true });

    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText(/Saved as configuration version 5/)).toBeInTheDocument();
    const applied = calls.filter((c) => c.method === 'POST');
    expect(applied).toHaveLength(2);
    expect(applied[1]!.url.searchParams.get('dryRun')).toBeNull();
  }, 60_000);

  it("takes oos-check and oos-force limits from the server's schema (trunk DN ranges, oos-check not 0)", async () => {
    const schema = await serverSchemaJson();
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/switches': () => json(switches),
      'GET /api/trunks': () => json([]),
      'GET /api/options/schema': () => json(schema),
      'GET /api/service-state': () => json({ generatedAt: 'x', configVersion: 1, workers: [], pairs: [], sites: [] }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/trunks');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Local switch' })).toBeEnabled());
    await pick(user, 'Local switch', 'SiteA');
    await pick(user, 'Remote site', 'SiteB');
    await user.click(screen.getByRole('button', { name: 'Next' }));

    const check = screen.getByRole('textbox', { name: /OOS check interval/ });
    const force = screen.getByRole('textbox', { name: /OOS force interval/ });
    // The server refuses oos-check 0 on a multi-site trunk and oos-force above 30 on a DN.
    await user.type(check, '0');
    await user.type(force, '300');
    expect(await screen.findByText('Must be between 1 and 300')).toBeInTheDocument();
    expect(screen.getByText('Must be between 0 and 30')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Preview' })).toBeDisabled();

    await user.clear(check);
    await user.type(check, '10');
    await user.clear(force);
    await user.type(force, '30');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Preview' })).toBeEnabled());
  });

  it('shows validation problems and will not apply', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/switches': () => json(switches),
      'GET /api/trunks': () => json([]),
      'GET /api/service-state': () => json({ generatedAt: 'x', configVersion: 1, workers: [], pairs: [], sites: [] }),
      'POST /api/trunks/provision': () => json({ plan: { trunks: [], problems: ['SiteB has no sip-outbound-proxy DN'] }, errors: [] }),
    });
    const user = userEvent.setup({ delay: null });
    renderApp('/trunks');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Local switch' })).toBeEnabled());
    await pick(user, 'Local switch', 'SiteA');
    await pick(user, 'Remote site', 'SiteB');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.type(screen.getByRole('textbox', { name: 'Remote FQDN contact' }), 'not a name');
    expect(screen.getByText(/Enter a fully qualified domain name/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Preview' })).toBeDisabled();
    await user.clear(screen.getByRole('textbox', { name: 'Remote FQDN contact' }));
    await user.type(screen.getByRole('textbox', { name: 'Remote FQDN contact' }), 'sipserver.site-b.example');
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText('SiteB has no sip-outbound-proxy DN')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
  }, 60_000);
});
