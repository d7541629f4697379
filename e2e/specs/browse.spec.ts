import { NAMES } from '../fixtures/deployment.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { Shell } from '../pages/shell.js';

test.describe('browsing the configuration', () => {
  test.use(asRole('viewer'));

  test('switch -> DNs (search, filter by type) -> a DN', async ({ page }) => {
    const shell = new Shell(page);
    await page.goto('/');
    await shell.open('Switches & DNs');
    await page.getByRole('table', { name: 'Switches' }).getByRole('link', { name: NAMES.siteA, exact: true }).click();
    await expect(shell.heading(`Switch ${NAMES.siteA}`)).toBeVisible();
    const dns = page.getByRole('table', { name: `DNs of ${NAMES.siteA}` });
    await expect(dns.getByRole('link', { name: '1001', exact: true })).toBeVisible();
    await page.getByRole('searchbox', { name: `Search DNs of ${NAMES.siteA}` }).fill('pool');
    await expect(dns.getByRole('link', { name: '1001', exact: true })).toHaveCount(0);
    await expect(dns.getByRole('link', { name: NAMES.voipServiceDn, exact: true })).toBeVisible();
    await page.getByRole('searchbox', { name: `Search DNs of ${NAMES.siteA}` }).fill('');
    await page.getByRole('combobox', { name: 'Filter by DN type' }).click();
    await page.getByRole('option', { name: 'extension' }).click();
    await expect(dns.getByRole('link', { name: '1001', exact: true })).toBeVisible();
    await expect(dns.getByRole('link', { name: NAMES.voipServiceDn, exact: true })).toHaveCount(0);
    await dns.getByRole('link', { name: '1001', exact: true }).click();
    await expect(shell.heading('DN 1001')).toBeVisible();
  });

  // A link inside a clickable row is the link's: the backup's link opens the backup, not the row's primary.
  test('applications -> HA pair -> the backup server', async ({ page }) => {
    const shell = new Shell(page);
    await page.goto('/');
    await shell.open('Applications');
    const pairs = page.getByRole('table', { name: 'HA pairs' });
    await expect(pairs.getByRole('row').filter({ hasText: NAMES.backup })).toContainText(NAMES.primary);
    await pairs.getByRole('link', { name: NAMES.backup, exact: true }).click();
    await expect(shell.heading(NAMES.backup)).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Host' })).toHaveValue('127.0.0.2');
  });
});
