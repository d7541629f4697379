import type { Page } from '@playwright/test';
import { NAMES } from '../fixtures/deployment.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { Shell, snap } from '../pages/shell.js';

/**
 * Every page as an admin sees it, saved for a person to look at, with the checks a machine can do on a picture.
 * The journeys save their pages in the states they reach (dashboard-*, alarms-*, trunks-*, users, versions-compare,
 * import-invalid, application-*, dn-*); this pass covers every page in its plain state, quickly.
 */
const NAV_PAGES = [
  'Dashboard',
  'Site map',
  'Applications',
  'Switches & DNs',
  'Multi-site trunks',
  'Alarms',
  'Versions',
  'Audit log',
  'Users',
  'Import/Export',
];
const DETAIL_PAGES: { path: string; heading: string; file: string }[] = [
  { path: `/applications/${NAMES.primary}`, heading: NAMES.primary, file: 'application-sip-server' },
  { path: `/switches/${NAMES.siteA}`, heading: `Switch ${NAMES.siteA}`, file: 'switch-dns' },
  { path: `/pairs/${NAMES.primary}`, heading: `HA pair ${NAMES.primary}`, file: 'ha-pair' },
  { path: '/no-such-page', heading: 'Page not found', file: 'not-found' },
];

const fileName = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Content wider than the window (a horizontal scrollbar) is the commonest way a page looks broken. */
async function expectNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${what}: page is ${scroll}px wide in a ${client}px window`).toBeLessThanOrEqual(client + 1);
}

/** Uncaught errors in the page fail the test that saw them. */
function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

test.describe('screenshots of every page', () => {
  test.use(asRole('admin'));

  test('each page at 1280x800: renders its heading, no error, no horizontal scroll', async ({ page }) => {
    const errors = collectPageErrors(page);
    const shell = new Shell(page);
    await page.goto('/');
    for (const label of NAV_PAGES) {
      await shell.open(label);
      await expect(page.getByRole('alert').filter({ hasText: /failed|could not|error/i })).toHaveCount(0);
      await expect(page.locator('[aria-label^="Loading"]:visible')).toHaveCount(0, { timeout: 15_000 });
      await expectNoHorizontalOverflow(page, label);
      await snap(page, `page-${fileName(label)}`);
    }
    for (const d of DETAIL_PAGES) {
      await page.goto(d.path);
      await expect(shell.heading(d.heading)).toBeVisible();
      await expect(page.locator('[aria-label^="Loading"]:visible')).toHaveCount(0, { timeout: 15_000 });
      await expectNoHorizontalOverflow(page, d.path);
      await snap(page, `page-${d.file}`);
    }
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });

  test('narrow laptop (1024x640) and a phone-sized window: navigation behind the burger, no horizontal scroll', async ({ page }) => {
    const errors = collectPageErrors(page);
    const shell = new Shell(page);
    await page.setViewportSize({ width: 1024, height: 640 });
    await page.goto('/');
    for (const label of ['Dashboard', 'Multi-site trunks']) {
      await shell.open(label);
      await expectNoHorizontalOverflow(page, `${label} at 1024px`);
      await snap(page, `narrow-${fileName(label)}`);
    }
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto('/');
    await expect(shell.heading('Dashboard')).toBeVisible();
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await shell.open('Alarms');
    await expectNoHorizontalOverflow(page, 'Alarms at 390px');
    await snap(page, 'phone-alarms');
    await shell.page.getByRole('button', { name: 'Open navigation' }).click();
    await shell.open('Dashboard');
    await expectNoHorizontalOverflow(page, 'Dashboard at 390px');
    await snap(page, 'phone-dashboard');
    expect(errors, 'uncaught errors in the page').toEqual([]);
  });
});
