import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export const SCREENSHOTS = resolve(import.meta.dirname, '../artifacts/screenshots');

/** Saves a full-page screenshot as artifacts/screenshots/<name>.png (looked at by a person after the run). */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // The picture should show the page, not its loading state (the live stream keeps the network busy, so no
  // "network idle": wait for spinners and skeletons to go instead).
  // Page-level loaders are labelled "Loading …" (a button's own spinner is not the page loading).
  await expect(page.locator('[aria-label^="Loading"]:visible, .mantine-Skeleton-root[data-visible="true"]:visible')).toHaveCount(0, { timeout: 10_000 }).catch(() => undefined);
  // A full-page capture of a scrolled page draws the fixed header and the sticky save bar mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true, animations: 'disabled' });
}

/** The application shell every signed-in page shares: main navigation, header, page heading. */
export class Shell {
  readonly nav: Locator;
  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Main navigation' });
  }
  heading(name: string | RegExp): Locator { return this.page.getByRole('heading', { level: 1, name }); }
  navLink(label: string): Locator { return this.nav.getByRole('link', { name: label, exact: true }); }

  /** Opens a page through its navigation link and waits for its h1 (same words as the link). */
  async open(label: string): Promise<void> {
    await this.navLink(label).click();
    await expect(this.heading(label)).toBeVisible();
  }
  async expectRole(role: string): Promise<void> { await expect(this.page.getByTestId('current-role')).toContainText(role); }
  /** Notification toast (Mantine renders them with role=alert). */
  notification(text: string | RegExp): Locator { return this.page.getByRole('alert').filter({ hasText: text }); }
}
