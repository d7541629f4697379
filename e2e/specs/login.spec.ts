import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../fixtures/product.js';
import { LoginPage } from '../pages/login.page.js';

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
});
