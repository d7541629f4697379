import { beforeEach, describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const dns = Array.from({ length: 50 }, (_, i) => ({ switch: 'SiteA', number: String(1000 + i), type: 'extension', options: {}, revision: 1 }));

describe('DN table', () => {
  beforeEach(() => liveStore.reset());

  it('pages, searches by number and filters by type on the server (10,000 DNs)', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/switches/SiteA/dns': (url) => json({ items: dns, total: 10_000, page: Number(url.searchParams.get('page') ?? 1), pageSize: 50 }),
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
    await waitFor(() => expect(calls.some((c) => c.url.searchParams.get('q') === '1042' && c.url.searchParams.get('page') === '1')).toBe(true));

    await user.click(screen.getByRole('combobox', { name: 'Filter by DN type' }));
    await user.click(await screen.findByRole('option', { name: 'Trunk' }));
    await waitFor(() => expect(calls.some((c) => c.url.searchParams.get('type') === 'trunk')).toBe(true));
  }, 40_000);

  it('an operator creates a DN and lands on it', async () => {
    const { calls, } = mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/switches/SiteA/dns': () => json({ items: [], total: 0, page: 1, pageSize: 50 }),
      'POST /api/switches/SiteA/dns': () => json({ version: 4, committed: true, dryRun: false, changes: [] }),
    });
    const user = userEvent.setup();
    const { router } = renderApp('/switches/SiteA');
    expect(await screen.findByText('No DNs')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'New DN' }));
    const dialog = await screen.findByRole('dialog', { name: 'New DN on SiteA' });
    await user.type(within(dialog).getByRole('textbox', { name: 'DN number' }), '2001');
    await user.click(within(dialog).getByRole('button', { name: 'Create DN' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/switches/SiteA/dns/2001'));
    expect(JSON.parse(String(calls.find((c) => c.method === 'POST')!.init.body))).toEqual({ number: '2001', type: 'extension', options: {} });
  });
});
