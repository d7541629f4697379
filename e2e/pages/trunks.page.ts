import { expect, type Locator, type Page } from '@playwright/test';
import { Shell } from './shell.js';

/** The guided multi-site trunk flow (sites, mode, preview, apply) and the list of existing links. */
export class TrunksPage extends Shell {
  readonly plan: Locator;
  readonly links: Locator;
  readonly applied: Locator;
  constructor(page: Page) {
    super(page);
    this.plan = page.getByRole('table', { name: 'Planned trunks' });
    this.links = page.getByRole('table', { name: 'Multi-site links' });
    this.applied = page.getByRole('status').filter({ hasText: 'Saved as configuration version' });
  }
  async goto(): Promise<void> {
    await this.page.goto('/trunks');
    await expect(this.heading('Multi-site trunks')).toBeVisible();
  }
  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  async pick(label: string, option: string): Promise<void> {
    // Choosing the option already selected would deselect it (Mantine Select), e.g. after "Start over".
    if ((await this.page.getByRole('combobox', { name: label }).inputValue()) === option) return;
    await this.page.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option, exact: true }).click();
    await expect(this.page.getByRole('combobox', { name: label })).toHaveValue(option);
  }

  /** Step 1 and 2: sites, then the mode (and the FQDN in DNS mode). */
  async choose(local: string, remote: string, mode: 'dns' | 'per-server', fqdn?: string): Promise<void> {
    await expect(this.page.getByRole('combobox', { name: 'Local switch' })).toBeEnabled();
    await this.pick('Local switch', local);
    await this.pick('Remote site', remote);
    await this.button('Next').click();
    await this.page.getByRole('radio', { name: mode === 'dns' ? /^DNS resolution/ : /^One trunk per server/ }).check();
    if (fqdn !== undefined) await this.page.getByRole('textbox', { name: 'Remote FQDN contact' }).fill(fqdn);
  }

  async preview(): Promise<void> {
    await this.button('Preview').click();
    await expect(this.plan).toBeVisible();
  }

  planRow(number: string): Locator {
    return this.plan.locator(`tr[data-trunk="${number}"]`);
  }

  /** Apply; returns the configuration version it saved. */
  async apply(): Promise<number> {
    await this.button('Apply').click();
    await expect(this.applied).toBeVisible();
    return Number(/version (\d+)/.exec((await this.applied.textContent()) ?? '')![1]);
  }

  linkRow(number: string): Locator {
    return this.links.getByRole('row').filter({ has: this.page.getByRole('link', { name: number, exact: true }) });
  }
}
