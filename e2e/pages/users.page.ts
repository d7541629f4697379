import { expect, type Locator, type Page } from '@playwright/test';
import { Shell } from './shell.js';

/** Users and roles (admins only). */
export class UsersPage extends Shell {
  readonly table: Locator;
  readonly newUser: Locator;
  readonly dialog: Locator;
  constructor(page: Page) {
    super(page);
    this.table = page.getByRole('table', { name: 'Users' });
    this.newUser = page.getByRole('button', { name: 'New user' });
    this.dialog = page.getByRole('dialog', { name: 'New user' });
  }
  async goto(): Promise<void> {
    await this.page.goto('/users');
  }
  row(username: string): Locator {
    return this.table.getByRole('row').filter({ hasText: username });
  }

  async create(username: string, password: string, role: 'admin' | 'operator' | 'viewer'): Promise<void> {
    await this.newUser.click();
    await expect(this.dialog).toBeVisible();
    await this.dialog.getByRole('textbox', { name: 'Username' }).fill(username);
    await this.dialog.getByRole('textbox', { name: 'Password' }).fill(password);
    await this.dialog.getByRole('combobox', { name: 'Role' }).click();
    await this.page.getByRole('option', { name: role, exact: true }).click();
    await this.dialog.getByRole('button', { name: 'Create user' }).click();
    await expect(this.dialog).toBeHidden();
  }
  async remove(username: string): Promise<void> {
    await this.row(username)
      .getByRole('button', { name: `Delete user ${username}` })
      .click();
    const confirm = this.page.getByRole('dialog', { name: `Delete user ${username}?` });
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(this.row(username)).toHaveCount(0);
  }
}
