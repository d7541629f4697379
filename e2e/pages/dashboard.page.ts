import { expect, type Locator, type Page } from '@playwright/test';
import { Shell } from './shell.js';

/** The dashboard: a card per site (HA pair + proxy pool, live), the workers, the database. */
export class DashboardPage extends Shell {
  readonly liveState: Locator;
  readonly alarmCount: Locator;
  constructor(page: Page) {
    super(page);
    this.liveState = page.getByTestId('live-state');
    this.alarmCount = page.getByTestId('dashboard-alarm-count');
  }
  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.heading('Dashboard')).toBeVisible();
  }
  /** The card of one site (section named by the switch). */
  site(sw: string): Locator {
    return this.page.getByRole('region', { name: sw, exact: true });
  }
  /** The pair-state badge of a site ("Primary active", "Backup active", "Out of service"). */
  siteState(sw: string): Locator {
    return this.site(sw).locator('[data-status]').first();
  }
  /** One proxy's view of the site's pair (list item in the site's proxy pool). */
  proxyView(sw: string, proxy: string): Locator {
    return this.site(sw).getByRole('listitem').filter({ hasText: proxy });
  }
  /** A worker's row in the "Proxy workers" table. */
  workerRow(app: string): Locator {
    return this.page.getByRole('table', { name: 'Proxy workers' }).locator(`tr[data-worker="${app}"]`);
  }
  serverBox(sw: string, role: 'primary' | 'backup'): Locator {
    return this.site(sw).locator(`[data-server-role="${role}"]`);
  }

  async expectSiteState(sw: string, state: 'primary-active' | 'backup-active' | 'out-of-service', label: string): Promise<void> {
    await expect(this.site(sw)).toHaveAttribute('data-state', state);
    await expect(this.siteState(sw)).toHaveText(label);
  }
}
