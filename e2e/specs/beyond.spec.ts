import { waitFor } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { ensurePrimaryActive } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { bothWidths, Shell } from '../pages/shell.js';

/**
 * Issue 19 "Beyond": the site map, the HA pair page (each server's own health and the history, over real SIPp
 * servers going down and coming back) and the header search, each at 1280 and 390 px wide.
 */
test.describe('site map, HA pair page and search', () => {
  test.use(asRole('operator'));

  // SiteA on its primary before and after: an earlier journey (a manual switchover) may have left it on its backup,
  // and with no failback only the backup failing moves it back.
  test.beforeAll(async ({ adminApi, sipp }) => {
    await ensurePrimaryActive(adminApi, sipp);
  });

  test.afterAll(async ({ adminApi, sipp }) => {
    await ensurePrimaryActive(adminApi, sipp);
  });

  test('the site map shows both sites, their pairs and pools; the pair link opens the HA pair page', async ({ page }) => {
    const shell = new Shell(page);
    await page.goto('/');
    await shell.open('Site map');
    await expect(page.getByRole('img', { name: /^Map: \d+ sites?:/ })).toBeVisible();
    const siteA = page.getByRole('region', { name: NAMES.siteA, exact: true });
    await expect(siteA).toHaveAttribute('data-state', 'primary-active');
    await expect(
      siteA.getByRole('list', { name: `Proxy pool of ${NAMES.siteA}` }).getByRole('link', { name: `${NAMES.proxy} · online` }),
    ).toBeVisible();
    await expect(page.getByRole('region', { name: NAMES.siteB, exact: true })).toBeVisible();
    await bothWidths(page, 'beyond-site-map');
    await siteA.getByRole('link', { name: NAMES.primary, exact: true }).click();
    await expect(shell.heading(`HA pair ${NAMES.primary}`)).toBeVisible();
  });

  test('the HA pair page: primary down, backup active; primary back: answering, standby, no failback; the history says why', async ({
    page,
    sipp,
  }) => {
    const shell = new Shell(page);
    await page.goto(`/pairs/${NAMES.primary}`);
    await expect(shell.heading(`HA pair ${NAMES.primary}`)).toBeVisible();
    const primary = page.getByRole('region', { name: NAMES.primary, exact: true });
    const backup = page.getByRole('region', { name: NAMES.backup, exact: true });
    await expect(primary).toHaveAttribute('data-health', 'answering');
    await expect(primary.getByTestId('last-answer')).toContainText(/\(200, [\d.]+ ms\)/);
    await expect(
      page.getByRole('table', { name: `Probes of ${NAMES.primary} per proxy` }).locator(`tr[data-proxy="${NAMES.proxy}"]`),
    ).toHaveCount(2);

    await sipp.primary.kill();
    await expect(primary).toHaveAttribute('data-health', 'not-answering', { timeout: 20_000 });
    await expect(backup.getByText('active', { exact: true })).toBeVisible();
    const history = page.getByRole('list', { name: `State changes of ${NAMES.primary}` });
    await expect(history.getByRole('listitem').first()).toHaveAttribute('data-to', 'backup-active');
    await expect(history.getByRole('listitem').first()).toContainText(/Trigger \S+ on the primary/);

    await sipp.primary.start();
    await expect(primary).toHaveAttribute('data-health', 'answering', { timeout: 20_000 });
    await expect(primary.getByText('standby', { exact: true })).toBeVisible();
    await expect(backup.getByText('active', { exact: true })).toBeVisible();
    await expect(page.getByTestId('failback-rule')).toContainText('no automatic failback');
    await bothWidths(page, 'beyond-ha-pair');
  });

  test('manual switchover from the HA pair page: the backup is taken out of service, then returned', async ({ page, adminApi }) => {
    // After the previous journey SiteA runs on its backup (no failback); switching over from it moves it back.
    const shell = new Shell(page);
    await page.goto(`/pairs/${NAMES.primary}`);
    await expect(shell.heading(`HA pair ${NAMES.primary}`)).toBeVisible();
    const pairState = async () => (await adminApi.serviceState()).pairs.find((p) => p.name === NAMES.primary)?.state;
    const from = (await pairState()) === 'backup-active' ? NAMES.backup : NAMES.primary;
    const to = from === NAMES.backup ? 'primary-active' : 'backup-active';
    await page.getByRole('button', { name: `Switch over from ${from}` }).click();
    const dialog = page.getByRole('dialog', { name: `Take ${from} out of service?` });
    await expect(dialog).toContainText('they switch over to');
    await dialog.getByRole('button', { name: 'Take out of service' }).click();
    const card = page.getByRole('region', { name: from, exact: true });
    await expect(card.getByTestId('forced-out')).toBeVisible({ timeout: 20_000 });
    await waitFor(async () => (await pairState()) === to, 20_000, `switched over to ${to}`);
    await bothWidths(page, 'beyond-ha-pair-switchover');
    await card.getByRole('button', { name: `Return ${from} to service` }).click();
    await expect(card.getByTestId('forced-out')).toBeHidden({ timeout: 20_000 });
    expect(await pairState(), 'returning a server does not move traffic back (no failback)').toBe(to);
  });

  test('search from the header with the keyboard: a DN number, an option name, a switch', async ({ page }) => {
    const shell = new Shell(page);
    await page.goto('/');
    await expect(shell.heading('Dashboard')).toBeVisible();
    await page.keyboard.press('Control+K');
    const box = page.getByRole('combobox', { name: 'Search applications, switches, DNs and options' });
    await expect(box).toBeFocused();
    await box.fill(NAMES.voipServiceDn);
    const results = page.getByRole('listbox', { name: 'Search results' });
    await expect(results.getByRole('option').first()).toContainText(NAMES.voipServiceDn);
    await bothWidths(page, 'beyond-search');
    await page.keyboard.press('Enter');
    await expect(shell.heading(`DN ${NAMES.voipServiceDn}`)).toBeVisible();

    await page.getByRole('button', { name: 'Search everything' }).click();
    await box.fill('oos-forc');
    await expect(results.getByRole('option', { name: /oos-force/ }).first()).toBeVisible();
    await box.fill(NAMES.siteB);
    await expect(results.getByRole('option').first()).toContainText('Switch');
    await page.keyboard.press('Enter');
    await expect(shell.heading(`Switch ${NAMES.siteB}`)).toBeVisible();

    await page.keyboard.press('/');
    await box.fill('no-such-thing-anywhere');
    await expect(page.getByTestId('search-count')).toHaveText('Nothing matches “no-such-thing-anywhere”.');
    await page.keyboard.press('Escape');
    await expect(box).toBeHidden();
  });
});
