import { NAMES } from '../fixtures/deployment.js';
import { setDnOptions } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { snap } from '../pages/shell.js';

test.describe('audit log', () => {
  test.use(asRole('admin'));

  test('a configuration change shows who made it and the version it made', async ({ page, adminApi }) => {
    // A change made by the admin (the journeys may not have run before this one).
    const dn = await adminApi.get<{ options: { TServer: Record<string, unknown> } }>(`/switches/${NAMES.siteA}/dns/${NAMES.voipServiceDn}`);
    const version = await setDnOptions(adminApi, NAMES.siteA, NAMES.voipServiceDn, { 'oos-force': dn.options.TServer['oos-force'] === 6 ? 5 : 6 });
    await page.goto('/audit');
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    await page.getByRole('textbox', { name: 'Filter by user' }).fill('admin');
    const table = page.getByRole('table', { name: 'Audit log' });
    const row = table.getByRole('row').filter({ hasText: `v${version}` }).first();
    await expect(row).toBeVisible();
    await expect(row).toContainText('admin');
  });

  // Worker status reports (one a second per worker) are heartbeats, not user actions: they stay out of the log.
  test('worker status reports are not audited as user actions', async ({ page }) => {
    await page.goto('/audit');
    const table = page.getByRole('table', { name: 'Audit log' });
    await expect(table.getByRole('row').filter({ hasText: '/api/worker-channel/report' })).toHaveCount(0);
  });
});
