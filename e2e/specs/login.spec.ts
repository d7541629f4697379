import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../fixtures/product.js';
import { LoginPage } from '../pages/login.page.js';
import { snap } from '../pages/shell.js';

test.describe('signing in', () => {
  test('admin logs in, sees the dashboard, and logs out', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
    await page.screenshot({ path: 'artifacts/screenshots/login.png', fullPage: true });
    const login = new LoginPage(page);
    await login.signIn('admin', ADMIN_PASSWORD);
    await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
    await page.screenshot({ path: 'artifacts/screenshots/dashboard.png', fullPage: true });
    await page.getByRole('button', { name: /log out|sign out/i }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
  });

  test('a wrong password is refused with a message', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn('admin', 'not-the-password');
    await login.expectError('Invalid username or password');
    await expect(page).toHaveURL(/\/login/);
  });

  test('after too many failures the lockout message says how long to wait (1280 and 390 px)', async ({ page }) => {
    // Failures are counted per (address, user name): a name of its own locks nobody else out.
    const username = 'e2e_lockout';
    for (let i = 0; i < 12; i++) {
      const r = await page.request.post('/api/auth/login', { data: { username, password: `wrong-${i}` }, failOnStatusCode: false });
      if (r.status() === 429) break;
    }
    const login = new LoginPage(page);
    await login.goto();
    await login.signIn(username, 'wrong-again');
    await login.expectError(/Too many sign-in attempts\. Try again in \d+ (seconds|minutes)\./);
    await snap(page, 'login-lockout-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await snap(page, 'login-lockout-390');
  });
});
