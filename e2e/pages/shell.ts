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
  await expect(page.locator('[aria-label^="Loading"]:visible, .mantine-Skeleton-root[data-visible="true"]:visible'))
    .toHaveCount(0, { timeout: 10_000 })
    .catch(() => undefined);
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
  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }
  navLink(label: string): Locator {
    return this.nav.getByRole('link', { name: label, exact: true });
  }

  /** Opens a page through its navigation link and waits for its h1 (same words as the link). */
  async open(label: string): Promise<void> {
    await this.navLink(label).click();
    await expect(this.heading(label)).toBeVisible();
  }
  async expectRole(role: string): Promise<void> {
    await expect(this.page.getByTestId('current-role')).toContainText(role);
  }
  /** Notification toast (Mantine renders them with role=alert). */
  notification(text: string | RegExp): Locator {
    return this.page.getByRole('alert').filter({ hasText: text });
  }
}

/** Fails when the page is wider than the window (a phone scrolling sideways), naming what sticks out. */
export async function noHorizontalOverflow(page: Page, what: string): Promise<void> {
  // Measured once the layout has settled: after a resize the shell's main area slides over 200 ms (AppShell's
  // padding transition) and a frame taken mid-way is narrower than any real layout.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'), null, { timeout: 5_000 });
  const { scroll, client, widest } = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    // What sticks out (outside a scroll container of its own), so a failure names the element to fix.
    const widest = Array.from(document.querySelectorAll('body *'))
      .filter(
        (el) =>
          el.getBoundingClientRect().right > client + 1 &&
          !el.closest('.mantine-ScrollArea-root, .mantine-TableScrollContainer-scrollContainer'),
      )
      .slice(-3)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 40)}" (right ${Math.round(el.getBoundingClientRect().right)}px)`,
      );
    return { scroll: document.documentElement.scrollWidth, client, widest };
  });
  expect(scroll, `${what}: page is ${scroll}px wide in a ${client}px window; sticking out: ${widest.join('; ')}`).toBeLessThanOrEqual(
    client + 1,
  );
}

/** Checks and screenshots the page at 1280 and 390 px wide (<name>-1280.png, <name>-390.png). */
export async function bothWidths(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await noHorizontalOverflow(page, `${name} at 1280px`);
  await snap(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 800 });
  await noHorizontalOverflow(page, `${name} at 390px`);
  // The fixed header hides what spills out of it, which the page width does not show: its last control must fit.
  const logout = await page.getByRole('button', { name: 'Log out' }).boundingBox();
  expect(logout!.x + logout!.width, `${name}: the header's Log out button is cut off at 390px`).toBeLessThanOrEqual(390);
  await snap(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}
