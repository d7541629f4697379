import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { installFakeEventSource, users } from '../../test/fakes';
import { liveStore } from '../live/liveStore';

const hits = [
  { kind: 'switch', name: 'SiteA', sipServer: 'SIPServer_A', dnCount: 3 },
  { kind: 'dn', name: 'sipproxy-pool', switch: 'SiteA', type: 'voip-service' },
  {
    kind: 'option',
    name: 'oos-check',
    section: 'sipproxy, TServer',
    objects: ['sip-proxy', 'voip-service'],
    description: '',
    setOn: [
      { object: 'application', name: 'SIPProxy_1' },
      { object: 'dn', switch: 'SiteA', name: 'sipproxy-pool' },
    ],
    setOnCount: 2,
  },
];

describe('header search', () => {
  let queries: string[];
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
    queries = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/health': () => json({ status: 'ok', database: { mode: 'embedded', up: true }, workers: [] }),
      'GET /api/service-state': () => json({ generatedAt: '', configVersion: 1, workers: [], pairs: [], sites: [] }),
      'GET /api/alarms': () => json({ active: [], history: { items: [], total: 0 } }),
      'GET /api/switches': () => json([]),
      'GET /api/search': (url) => {
        queries.push(url.search);
        const page = Number(url.searchParams.get('page'));
        return json({
          items: page === 1 ? hits : [{ kind: 'application', name: 'SIPProxy_9', type: 'sip-proxy', host: '10.0.0.9' }],
          total: 21,
          page,
          pageSize: 20,
        });
      },
    });
  });

  it('opens with Ctrl+K, moves with the arrow keys and opens the chosen result with Enter', async () => {
    const { router } = renderApp('/');
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });
    fireEvent.keyDown(document.documentElement, { key: 'k', ctrlKey: true });
    const box = await screen.findByRole('combobox', { name: 'Search applications, switches, DNs and options' });
    await waitFor(() => expect(box).toHaveFocus());
    await userEvent.type(box, 'si');
    const list = screen.getByRole('listbox', { name: 'Search results' });
    await waitFor(() => expect(within(list).getAllByRole('option')).toHaveLength(4));
    expect(screen.getByTestId('search-count')).toHaveTextContent('21 matches for “si”');
    expect(queries[0]).toContain('q=si');
    const options = within(list).getAllByRole('option');
    expect(options[0]).toHaveAttribute('aria-selected', 'true');
    expect(options[2]).toHaveTextContent('oos-check[sipproxy, TServer] set on SIPProxy_1');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
    expect(box).toHaveAttribute('aria-activedescendant', options[3]!.id);
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe('/switches/SiteA/dns/sipproxy-pool'));
    expect(screen.queryByRole('combobox')).not.toBeInTheDocument();
  });

  it('loads more results on request and opens one with a click', async () => {
    const { router } = renderApp('/');
    await userEvent.click(await screen.findByRole('button', { name: 'Search everything' }));
    await userEvent.type(await screen.findByRole('combobox'), 'si');
    await userEvent.click(await screen.findByRole('button', { name: 'More results' }));
    const last = await screen.findByRole('option', { name: /SIPProxy_9/ });
    await userEvent.click(last);
    await waitFor(() => expect(router.state.location.pathname).toBe('/applications/SIPProxy_9'));
  });
});
