import { asRole, expect, test } from '../fixtures/test.js';
import type { Page } from '@playwright/test';
import { snap } from '../pages/shell.js';

// Creating and deleting an HA pair and a switch through the UI: each step a dry run with its diff, then one commit;
// a delete that would break a reference is refused in its confirm dialog, naming what references the object.
// Names are prefixed E2E_ and removed at the end (and before, if a failed run left them), so other specs see the
// shared deployment unchanged.

const BACKUP = 'E2E_Server_C_backup';
const PRIMARY = 'E2E_Server_C';
const SITE = 'E2E_SiteC';

async function createServer(page: Page, name: string, host: string, port: number, backup?: string) {
  await page.goto('/applications');
  await page.getByRole('button', { name: 'New application' }).click();
  const dialog = page.getByRole('dialog', { name: 'New application' });
  await dialog.getByRole('radio', { name: 'SIP Server' }).check();
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await dialog.getByRole('textbox', { name: 'Host', exact: true }).fill(host);
  await dialog.getByRole('textbox', { name: 'SIP port', exact: true }).fill(String(port));
  if (backup) {
    await dialog.getByRole('combobox', { name: 'Backup server' }).click();
    await page.getByRole('option', { name: backup, exact: true }).click();
  }
  await dialog.getByRole('button', { name: 'Review', exact: true }).click();
  const changes = dialog.getByRole('table', { name: 'Pending changes' });
  await expect(changes).toContainText(name);
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test.describe('create and delete an HA pair and a switch', () => {
  test.use(asRole('operator'));

  test.beforeEach(async ({ adminApi }) => {
    // Left over from a failed run: remove in dependency order (the switch, the primary, its backup).
    for (const path of [`/switches/${SITE}`, `/applications/${PRIMARY}`, `/applications/${BACKUP}`])
      await adminApi.raw(path, { method: 'DELETE' });
  });

  test('an operator creates a pair and a site on it; deleting the primary is refused while the site names it; then both go', async ({
    page,
    adminApi,
  }) => {
    const start = (await adminApi.exportYaml()).version;
    await createServer(page, BACKUP, '127.0.0.3', 5990);
    await createServer(page, PRIMARY, '127.0.0.4', 5990, BACKUP);
    await expect(page.getByRole('combobox', { name: 'Backup server' })).toHaveValue(BACKUP);

    // The pair shows in the HA pairs table.
    await page.goto('/applications');
    const pairs = page.getByRole('table', { name: 'HA pairs' });
    await expect(pairs.getByRole('row').filter({ hasText: PRIMARY }).getByRole('link', { name: BACKUP })).toBeVisible();

    // A switch served by the new pair.
    await page.getByRole('link', { name: 'Switches & DNs', exact: true }).click();
    await page.getByRole('button', { name: 'New switch' }).click();
    const nsw = page.getByRole('dialog', { name: 'New switch' });
    await nsw.getByRole('textbox', { name: 'Switch name' }).fill(SITE);
    await nsw.getByRole('combobox', { name: 'SIP Server (HA pair)' }).click();
    await page.getByRole('option', { name: `${PRIMARY} (backup ${BACKUP})` }).click();
    await nsw.getByRole('button', { name: 'Review', exact: true }).click();
    await expect(nsw.getByRole('table', { name: 'Pending changes' })).toContainText(SITE);
    await snap(page, 'new-switch-review');
    await nsw.getByRole('button', { name: 'Create switch' }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Switch ${SITE}` })).toBeVisible();
    expect((await adminApi.exportYaml()).version).toBe(start + 3);

    // Deleting the primary: the dialog names the switch, and the server's refusal is shown; nothing is deleted.
    await page.goto(`/applications/${PRIMARY}`);
    await page.getByRole('button', { name: 'Delete application' }).click();
    const del = page.getByRole('dialog', { name: `Delete application ${PRIMARY}?` });
    await expect(del.getByTestId('references')).toContainText(`switch ${SITE} is served by it (sip-server)`);
    await expect(del.getByRole('alert')).toContainText('would leave the configuration invalid');
    await expect(del.getByTestId('other-errors')).toContainText(`switch ${SITE} · sip-server`);
    await expect(del.getByRole('button', { name: 'Delete', exact: true })).toBeDisabled();
    await snap(page, 'delete-application-refused');
    await del.getByRole('button', { name: 'Cancel' }).click();

    // Deleting the backup is refused too (the primary names it).
    await page.goto(`/applications/${BACKUP}`);
    await page.getByRole('button', { name: 'Delete application' }).click();
    const delBackup = page.getByRole('dialog', { name: `Delete application ${BACKUP}?` });
    await expect(delBackup.getByTestId('references')).toContainText(`SIP Server ${PRIMARY} names it as its backup`);
    await expect(delBackup.getByTestId('other-errors')).toContainText(`application ${PRIMARY} · backup`);
    await delBackup.getByRole('button', { name: 'Cancel' }).click();
    expect((await adminApi.exportYaml()).version).toBe(start + 3);

    // The switch first (nothing references it), then the primary, then its backup.
    await page.goto(`/switches/${SITE}`);
    await page.getByRole('button', { name: 'Delete switch' }).click();
    const delSw = page.getByRole('dialog', { name: `Delete switch ${SITE}?` });
    await expect(delSw.getByTestId('references')).toContainText('Nothing else in the configuration names it.');
    await delSw.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Switches & DNs' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Switches' }).getByRole('link', { name: SITE })).toHaveCount(0);

    for (const name of [PRIMARY, BACKUP]) {
      await page.goto(`/applications/${name}`);
      await page.getByRole('button', { name: 'Delete application' }).click();
      const d = page.getByRole('dialog', { name: `Delete application ${name}?` });
      await d.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Applications' })).toBeVisible();
      await expect(page.getByRole('table', { name: 'HA pairs' }).getByRole('link', { name, exact: true })).toHaveCount(0);
    }
    expect((await adminApi.exportYaml()).version).toBe(start + 6);
  });
});
