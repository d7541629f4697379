import { expect, type Locator, type Page } from '@playwright/test';
import { Shell } from './shell.js';

/** Active alarms (live) and their history. */
export class AlarmsPage extends Shell {
  readonly active: Locator;
  readonly history: Locator;
  readonly activeCount: Locator;
  readonly liveState: Locator;
  constructor(page: Page) {
    super(page);
    this.active = page.getByRole('table', { name: 'Active alarms' });
    this.history = page.getByRole('table', { name: 'Alarm history' });
    this.activeCount = page.getByTestId('active-alarm-count');
    this.liveState = page.getByTestId('live-state');
  }
  async goto(): Promise<void> {
    await this.page.goto('/alarms');
    await expect(this.heading('Alarms')).toBeVisible();
  }
  activeRow(text: string | RegExp): Locator {
    return this.active.getByRole('row').filter({ hasText: text });
  }
  historyRow(text: string | RegExp): Locator {
    return this.history.getByRole('row').filter({ hasText: text });
  }
}
