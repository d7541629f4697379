import { expect, type Locator, type Page } from '@playwright/test';
import { Shell } from './shell.js';

/**
 * An options form (application or DN detail page): fields generated from the option schema (named exactly as
 * the option), the dry-run "Review changes" dialog, and the panel of workers that applied the saved version.
 */
export class OptionsFormPage extends Shell {
  readonly reviewButton: Locator;
  readonly discardButton: Locator;
  readonly reviewDialog: Locator;
  readonly appliedPanel: Locator;
  readonly readOnlyNotice: Locator;
  readonly formState: Locator;

  constructor(page: Page) {
    super(page);
    this.reviewButton = page.getByRole('button', { name: 'Review changes' });
    this.discardButton = page.getByRole('button', { name: 'Discard changes' });
    this.reviewDialog = page.getByRole('dialog', { name: /Review changes to/ });
    this.appliedPanel = page.getByTestId('applied-panel');
    this.readOnlyNotice = page.getByTestId('read-only-notice');
    this.formState = page.getByTestId('form-state');
  }

  /** The section tab ("[sipproxy]", "[TServer]"). */
  async openSection(section: string): Promise<void> {
    const tab = this.page.getByRole('tab', { name: new RegExp(`^\\[${section}\\]`) });
    await tab.click();
    await expect(tab).toHaveAttribute('aria-selected', 'true');
  }

  /** The input of one option, named exactly as the option (textbox for numbers and strings, switch for booleans). */
  textbox(name: string): Locator {
    return this.page.getByRole('textbox', { name, exact: true });
  }
  switchControl(name: string): Locator {
    return this.page.getByRole('switch', { name, exact: true });
  }
  /** The "now / next call / after restart" badge of an option. */
  takesEffect(name: string): Locator {
    return this.page
      .locator('.mantine-InputWrapper-root')
      .filter({ has: this.page.getByLabel(name, { exact: true }) })
      .getByTestId('takes-effect-badge');
  }

  async setNumber(name: string, value: number | string): Promise<void> {
    const box = this.textbox(name);
    await box.fill(String(value));
    await box.blur();
  }

  /** Error text shown on the option's field (aria-describedby / the wrapper's error element). */
  async expectFieldError(name: string, text: string | RegExp): Promise<void> {
    await expect(this.textbox(name)).toHaveAttribute('aria-invalid', 'true');
    await expect(this.textbox(name)).toHaveAccessibleDescription(text instanceof RegExp ? text : new RegExp(escapeRe(text)));
  }

  /** "Review changes" (a dry run) and the dialog listing the changes. */
  async review(): Promise<void> {
    await expect(this.reviewButton).toBeEnabled();
    await this.reviewButton.click();
    await expect(this.reviewDialog).toBeVisible();
  }

  /** Review, then Save in the dialog; returns the version the notification names. */
  async save(): Promise<number> {
    await this.review();
    await this.reviewDialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(this.reviewDialog).toBeHidden();
    const title = this.appliedPanel.getByRole('heading', { name: /^Version \d+ on the workers$/ });
    await expect(title).toBeVisible();
    return Number(/\d+/.exec((await title.textContent()) ?? '')![0]);
  }

  workerRow(app: string): Locator {
    return this.appliedPanel.locator(`tr[data-worker="${app}"]`);
  }
  async expectWorkerApplied(app: string): Promise<void> {
    await expect(this.workerRow(app).getByTestId('worker-apply-state')).toHaveText('applied');
  }
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class ApplicationPage extends OptionsFormPage {
  async goto(name: string): Promise<void> {
    await this.page.goto(`/applications/${encodeURIComponent(name)}`);
    await expect(this.heading(name)).toBeVisible();
    await expect(this.page.getByRole('heading', { name: 'Options', level: 2 })).toBeVisible();
  }
}

export class DnPage extends OptionsFormPage {
  async goto(sw: string, number: string): Promise<void> {
    await this.page.goto(`/switches/${encodeURIComponent(sw)}/dns/${encodeURIComponent(number)}`);
    await expect(this.heading(`DN ${number}`)).toBeVisible();
    await expect(this.page.getByRole('heading', { name: 'Options', level: 2 })).toBeVisible();
  }
}
