import { Api } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { USERS } from '../fixtures/product.js';
import { setDnOptions } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { snap } from '../pages/shell.js';

test.describe('audit log', () => {
  test.use(asRole('admin'));

  test('a configuration change shows who made it and the version it made', async ({ page, adminApi }) => {
    // A change made by the admin (the journeys may not have run before this one).
    const dn = await adminApi.get<{ options: { TServer: Record<string, unknown> } }>(`/switches/${NAMES.siteA}/dns/${NAMES.voipServiceDn}`);
    const version = await setDnOptions(adminApi, NAMES.siteA, NAMES.voipServiceDn, {
      'oos-force': dn.options.TServer['oos-force'] === 6 ? 5 : 6,
    });
    await page.goto('/audit');
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await page.getByRole('textbox', { name: 'Filter by user' }).fill('admin');
    const table = page.getByRole('table', { name: 'Audit log' });
    const row = table
      .getByRole('row')
      .filter({ hasText: `v${version}` })
      .first();
    await expect(row).toBeVisible();
    await expect(row).toContainText('admin');
  });

  // Worker status reports (one a second per worker) are heartbeats, not user actions: they stay out of the log.
  test('worker status reports are not audited as user actions', async ({ page }) => {
    await page.goto('/audit');
    const table = page.getByRole('table', { name: 'Audit log' });
    await expect(table.getByRole('row').filter({ hasText: '/api/worker-channel/report' })).toHaveCount(0);
  });

  test('actions read as words, sign-ins included; no raw API routes (1280 and 390 px)', async ({ page, env }) => {
    // A sign-in of its own, so the log has one whatever ran before.
    await Api.login(env.url, USERS.operator.username, USERS.operator.password);
    await page.goto('/audit');
    const table = page.getByRole('table', { name: 'Audit log' });
    await page.getByRole('textbox', { name: 'Filter by user' }).fill(USERS.operator.username);
    await expect(
      table
        .getByTestId('audit-action')
        .filter({ hasText: /^Signed in$/ })
        .first(),
    ).toBeVisible();
    await expect(table.getByTestId('audit-action').filter({ hasText: '/api/' })).toHaveCount(0);
    await snap(page, 'audit-readable-1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(
      table
        .getByTestId('audit-action')
        .filter({ hasText: /^Signed in$/ })
        .first(),
    ).toBeVisible();
    await snap(page, 'audit-readable-390');
  });
});
