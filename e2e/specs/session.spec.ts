import { ADMIN_PASSWORD } from '../fixtures/product.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { LoginPage } from '../pages/login.page.js';
import { Shell } from '../pages/shell.js';

test.describe('an expired session', () => {
  test.use(asRole('admin'));

  test('returns to the login page with a notice, and back to the page after signing in', async ({ page, context }) => {
    const shell = new Shell(page);
    await page.goto('/versions');
    await expect(shell.heading('Versions')).toBeVisible();
    // The browser loses its session (the shared server-side session stays valid for the other tests).
    await context.clearCookies();
    await shell.navLink('Applications').click();
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole('status')).toContainText('Your session has expired. Sign in again to continue.');
    await new LoginPage(page).signIn('admin', ADMIN_PASSWORD);
    await expect(shell.heading('Applications')).toBeVisible();
  });
});
