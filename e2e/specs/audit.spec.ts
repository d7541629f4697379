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

  // Worker status reports (POST /api/worker-channel/report, every second per worker) are written as "anonymous"
  // user actions: 168 rows in a 4-minute run bury the real changes (AuditInterceptor's SKIP list lacks them).
  test.fixme('worker status reports are not audited as user actions', async ({ page }) => {
    await page.goto('/audit');
    const table = page.getByRole('table', { name: 'Audit log' });
    await expect(table.getByRole('row').filter({ hasText: '/api/worker-channel/report' })).toHaveCount(0);
  });
});
