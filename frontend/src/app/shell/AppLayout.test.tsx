import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';

const viewer = { id: 3, username: 'vera', role: 'viewer' };
const health = { status: 'ok', database: { mode: 'embedded', up: true }, workers: [] };

describe('AppLayout', () => {
  it('navigates with the nav links, marks the current one and moves focus to the page', async () => {
    const user = userEvent.setup();
    mockFetch({ 'GET /api/auth/me': () => json(viewer), 'GET /api/health': () => json(health) });
    const { router } = renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    await user.click(within(nav).getByRole('link', { name: 'Multi-site trunks' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Multi-site trunks' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/trunks');
    expect(within(nav).getByRole('link', { name: 'Multi-site trunks' })).toHaveAttribute('aria-current', 'page');
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).not.toHaveAttribute('aria-current');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('main')));
    expect(screen.getByRole('heading', { name: 'Provision a multi-site trunk' })).toBeInTheDocument();
  });

  it('shows the user, the role, a theme switch and a skip link', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(viewer), 'GET /api/health': () => json(health) });
    renderApp('/alarms');
    expect(await screen.findByRole('heading', { level: 1, name: 'Alarms' })).toBeInTheDocument();
    expect(screen.getByTestId('current-user')).toHaveTextContent('vera');
    expect(screen.getByTestId('current-role')).toHaveTextContent('viewer');
    expect(screen.getByRole('button', { name: /Switch to (dark|light) theme/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main-content');
    expect(screen.getByText('SIP Edge')).toBeInTheDocument();
  });

  it('shows a not-found page inside the shell for unknown paths', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(viewer) });
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
  });
});
