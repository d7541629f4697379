import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';
import { age, daysLeft } from './ConnectionsPage';

const proxy = {
  name: 'SIPProxy_1',
  type: 'sip-proxy',
  host: '127.0.0.1',
  ports: { 'sip-port': 5060 },
  backup: null,
  options: {},
  revision: 1,
};
const conn = (id: string, peer: string, extra: Record<string, unknown> = {}) => ({
  id,
  transport: id.split('-')[0],
  direction: 'inbound',
  state: 'open',
  local: '127.0.0.1:5060',
  peer,
  since: '2026-12-03T19:00:00Z',
  ageS: 125,
  lastActivity: '2026-12-03T19:02:00Z',
  lastReceived: '2026-12-03T19:02:00Z',
  messagesIn: 3,
  messagesOut: 2,
  bytesIn: 900,
  bytesOut: 400,
  flows: [],
  ...extra,
});
const tls = conn('tls-4', '127.0.0.1:40001', {
  flows: [
    {
      aor: 'sip:2001@example.com',
      instance: '<urn:uuid:00000000-0000-0000-0000-000000000001>',
      regId: 1,
      contact: '<sip:2001@127.0.0.1:40001;transport=tls>',
      registeredAt: '2026-12-03T19:00:01Z',
      expiresAt: '2026-12-03T20:00:01Z',
      flowTimerS: 120,
    },
  ],
  flowTimerS: 120,
  tlsPeer: {
    subject: 'CN=phone-2001',
    san: ['DNS:phone-2001.example.com'],
    issuer: 'CN=Test CA',
    validFrom: '2026-01-01T00:00:00Z',
    validTo: '2099-01-01T00:00:00Z',
    fingerprint256: 'AA:BB',
  },
});
const page = (items: unknown[], total = items.length) => ({
  instanceId: 'i-7',
  total,
  offset: 0,
  limit: 25,
  items,
  udpFlows: [],
  keepAlive: { enabled: true, idleS: 30, intervalS: 10, count: 3 },
});

describe('connection inspector', () => {
  it('an admin sees connections with flows and the TLS peer, filters by transport and text, pages, and closes one after a confirmation', async () => {
    let items: unknown[] = [conn('tcp-1', '127.0.0.1:40000'), tls];
    const lists: URL[] = [];
    const deletes: string[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'GET /api/workers/SIPProxy_1/connections': (url) => {
        lists.push(url);
        return json(page(items, 60));
      },
      'DELETE /api/workers/SIPProxy_1/connections/tls-4': (url) => {
        deletes.push(url.pathname);
        items = [conn('tcp-1', '127.0.0.1:40000')];
        return json({ instanceId: 'i-7', closed: true });
      },
    });
    const user = userEvent.setup();
    renderApp('/connections?app=SIPProxy_1');
    const table = await screen.findByRole('table', { name: 'Connections of SIPProxy_1' });
    const row = within(table).getByText('tls-4').closest('tr')!;
    expect(row).toHaveTextContent('sip:2001@example.com · <urn:uuid:00000000-0000-0000-0000-000000000001> · reg-id 1 · Flow-Timer 120 s');
    expect(within(row as HTMLElement).getByTestId('tls-peer')).toHaveTextContent('CN=phone-2001');
    expect(row).toHaveTextContent('SAN DNS:phone-2001.example.com');
    expect(row).toHaveTextContent('issued by CN=Test CA');
    expect(row).toHaveTextContent('2 min 5 s');
    expect(screen.getByTestId('connections-summary')).toHaveTextContent('TCP keep-alive on (idle 30 s, every 10 s, 3 probes)');
    expect(lists[0]!.searchParams.get('limit')).toBe('25');
    expect(lists[0]!.searchParams.get('offset')).toBe('0');

    await user.click(screen.getByRole('radio', { name: 'TLS' }));
    await waitFor(() => expect(lists.at(-1)!.searchParams.get('transport')).toBe('tls'));
    await user.type(screen.getByRole('textbox', { name: 'Peer, AOR, instance or certificate' }), '2001');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    await waitFor(() => expect(lists.at(-1)!.searchParams.get('q')).toBe('2001'));
    await user.click(screen.getByRole('button', { name: '2' }));
    await waitFor(() => expect(lists.at(-1)!.searchParams.get('offset')).toBe('25'));

    await user.click(within(row as HTMLElement).getByRole('button', { name: 'Close tls-4' }));
    const dialog = await screen.findByRole('dialog', { name: 'Close tls-4?' });
    expect(dialog).toHaveTextContent('1 registration (sip:2001@example.com) stuck to it fail');
    expect(deletes).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Close connection' }));
    await waitFor(() => expect(deletes).toEqual(['/api/workers/SIPProxy_1/connections/tls-4']));
    await waitFor(() => expect(screen.queryByText('tls-4')).not.toBeInTheDocument());
  });

  it('an operator sees connections but has no close button (closing is for admins, as the API enforces)', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'GET /api/workers/SIPProxy_1/connections': () => json(page([tls])),
    });
    renderApp('/connections?app=SIPProxy_1');
    const table = await screen.findByRole('table', { name: 'Connections of SIPProxy_1' });
    expect(within(table).getByText('tls-4')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Close (tcp|tls)-/ })).not.toBeInTheDocument();
  });

  it('viewers are not let in (the API answers them 403)', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(users.viewer) });
    renderApp('/connections');
    expect(await screen.findByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
  });

  it('says ages and days to expiry in words', () => {
    expect(age(42)).toBe('42 s');
    expect(age(3725)).toBe('1 h 2 min');
    expect(daysLeft('2026-12-13T00:00:00Z', Date.parse('2026-12-03T00:00:00Z'))).toBe(10);
    expect(daysLeft('2026-12-01T00:00:00Z', Date.parse('2026-12-03T00:00:00Z'))).toBe(-2);
  });
});
