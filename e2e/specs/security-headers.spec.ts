import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD } from '../fixtures/product.js';
import { LoginPage } from '../pages/login.page.js';

// The built UI works under the control plane's Content-Security-Policy: Chromium reports no violation while an
// admin signs in and visits the main pages, and the API docs page loads.
test('the UI runs under the Content-Security-Policy without violations', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await new LoginPage(page).signIn('admin', ADMIN_PASSWORD);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  for (const path of ['/applications', '/switches', '/users', '/audit']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  await page.goto('/api/docs');
  await expect(page.getByText('SIP Edge control plane').first()).toBeVisible();
  expect(violations).toEqual([]);
});
