import type { Api } from '../fixtures/api.js';
import { expect, test } from '../fixtures/test.js';
import { LoginPage } from '../pages/login.page.js';
import { Shell, snap } from '../pages/shell.js';

/**
 * The live stream (/api/events) ends with its session, and the page says so: an admin resetting the user's password or
 * removing the user ends the session on the server; the open dashboard leaves LIVE and shows the sign-in page with
 * the expired notice, without the user clicking anything (issue 19, "the live stream outlives the session").
 */
const USER = 'e2e_streamer';

async function removeUser(api: Api): Promise<void> {
  const users = await api.get<{ id: string; username: string }[]>('/users');
  for (const u of users.filter((x) => x.username === USER)) await api.json(`/users/${u.id}`, { method: 'DELETE' }, 204);
}

async function signInOnDashboard(page: import('@playwright/test').Page, password: string): Promise<void> {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(USER, password);
  await expect(new Shell(page).heading('Dashboard')).toBeVisible();
  await expect(page.getByTestId('live-state')).toHaveText(/live/i);
}

async function expectSignInPage(page: import('@playwright/test').Page): Promise<void> {
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Your session has expired. Sign in again to continue.');
}

test.describe('the live stream ends with the session', () => {
  test.afterAll(async ({ adminApi }) => {
    await removeUser(adminApi);
  });

  test('password reset, then user removed: the open dashboard goes to the sign-in page (1280 and 390 px)', async ({ page, adminApi }) => {
    await removeUser(adminApi);
    const created = await adminApi.post<{ id: string }>('/users', { username: USER, password: 'Stream-pass-0192', role: 'viewer' });

    await signInOnDashboard(page, 'Stream-pass-0192');
    await snap(page, 'live-session-dashboard-1280');
    // An admin resets the password: every session of the user ends, and with it the stream.
    await adminApi.patch(`/users/${created.id}`, { password: 'Stream-pass-0193' });
    await expectSignInPage(page);
    await snap(page, 'live-session-ended-password-1280');

    await page.setViewportSize({ width: 390, height: 844 });
    await signInOnDashboard(page, 'Stream-pass-0193');
    // The user is removed: the session goes with them.
    await adminApi.json(`/users/${created.id}`, { method: 'DELETE' }, 204);
    await expectSignInPage(page);
    await snap(page, 'live-session-ended-removed-390');
  });

  test('logout in one tab ends the stream of the other tab of the same session (390 px)', async ({ context, adminApi }) => {
    await removeUser(adminApi);
    await adminApi.post('/users', { username: USER, password: 'Stream-pass-0192', role: 'viewer' });
    const first = await context.newPage();
    await first.setViewportSize({ width: 390, height: 844 });
    await signInOnDashboard(first, 'Stream-pass-0192');
    const second = await context.newPage();
    await second.goto('/');
    await expect(new Shell(second).heading('Dashboard')).toBeVisible();
    await snap(first, 'live-session-two-tabs-390');
    // The second tab logs out: the session both tabs share ends.
    await second.getByRole('button', { name: 'Log out' }).click();
    await expect(second.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(first).toHaveURL(/\/login/);
    await expect(first.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await snap(first, 'live-session-ended-logout-390');
  });
});
