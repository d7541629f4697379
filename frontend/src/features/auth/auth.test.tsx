import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';

const admin = { id: 1, username: 'admin', role: 'admin' };
const operator = { id: 2, username: 'olga', role: 'operator' };
const health = { status: 'ok', database: { mode: 'embedded', up: true }, workers: [] };

describe('login form', () => {
  it('shows "Invalid username or password" in an alert on 401', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json({ message: 'Unauthorized' }, 401),
      'POST /api/auth/login': () => json({ message: 'Invalid credentials' }, 401),
    });
    renderApp('/login');

    await user.type(await screen.findByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Invalid username or password');
    const login = calls.find((c) => c.method === 'POST' && c.url.pathname === '/api/auth/login');
    expect(JSON.parse(String(login?.init.body))).toEqual({ username: 'admin', password: 'wrong' });
    expect(login?.init.credentials).toBe('include');
    // Still on the login page, and a wrong password is not a "session expired".
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('explains rate limiting on 429 with how long to wait (from Retry-After)', async () => {
    const user = userEvent.setup();
    mockFetch({
      'GET /api/auth/me': () => json({ message: 'Unauthorized' }, 401),
      'POST /api/auth/login': () =>
        new Response(JSON.stringify({ code: 'LOGIN_RATE_LIMITED', message: 'Too many failed logins; try again in 240 s' }), {
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '240' },
        }),
    });
    renderApp('/login');
    await user.type(await screen.findByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'x');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in 4 minutes.');
  });

  it('asks for both fields before calling the server', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({ 'GET /api/auth/me': () => json({ message: 'Unauthorized' }, 401) });
    renderApp('/login');
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter your username and password');
    expect(calls.some((c) => c.url.pathname === '/api/auth/login')).toBe(false);
  });
});

describe('route guard', () => {
  it('sends a logged-out user to /login and back to where they were going after login', async () => {
    const user = userEvent.setup();
    let loggedIn = false;
    mockFetch({
      'GET /api/auth/me': () => (loggedIn ? json(admin) : json({ message: 'Unauthorized' }, 401)),
      'POST /api/auth/login': () => {
        loggedIn = true;
        return json({ token: 't', user: admin });
      },
    });
    const { router } = renderApp('/switches?site=A');

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');

    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Switches & DNs' })).toBeInTheDocument();
    expect(router.state.location.pathname + router.state.location.search).toBe('/switches?site=A');
    expect(screen.getByTestId('current-user')).toHaveTextContent('admin');
  });

  it('lets a logged-in user straight through and shows the shell', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(admin), 'GET /api/health': () => json(health) });
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: 'Dashboard' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    for (const name of [
      'Dashboard',
      'Applications',
      'Switches & DNs',
      'Multi-site trunks',
      'Alarms',
      'Versions',
      'Audit log',
      'Users',
      'Import/Export',
    ]) {
      expect(within(nav).getByRole('link', { name })).toBeInTheDocument();
    }
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('button', { name: 'Log out' })).toBeInTheDocument();
    expect(await screen.findByTestId('database-state')).toHaveTextContent('Up');
  });

  it('hides Users from non-admins and refuses the route', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(operator) });
    renderApp('/users');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
    expect(screen.getByTestId('current-role')).toHaveTextContent('operator');
  });

  it('on a 401 from any API call, goes to /login with a session-expired notice and returns afterwards', async () => {
    const user = userEvent.setup();
    // The session is valid when the app starts, then the dashboard's first call finds it gone.
    mockFetch({
      'GET /api/auth/me': () => json(admin),
      'GET /api/health': () => json({ message: 'Unauthorized' }, 401),
      'POST /api/auth/login': () => json({ token: 't', user: admin }),
    });
    const { router } = renderApp('/');

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired');
    expect(router.state.location.pathname).toBe('/login');

    await user.type(screen.getByLabelText('Username'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
  });

  it('logs out and shows the login page', async () => {
    const user = userEvent.setup();
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(admin),
      'GET /api/health': () => json(health),
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    document.cookie = 'csrf=tok123; path=/';
    const { router } = renderApp('/alarms');
    await user.click(await screen.findByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(screen.getByRole('status')).toHaveTextContent('You have been signed out.');
    const logout = calls.find((c) => c.url.pathname === '/api/auth/logout');
    expect((logout?.init.headers as Record<string, string>)['X-CSRF-Token']).toBe('tok123');
  });
});
