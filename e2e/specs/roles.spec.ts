import { Api } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { USERS } from '../fixtures/product.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { ApplicationPage, DnPage } from '../pages/options-form.page.js';
import { snap } from '../pages/shell.js';
import { TrunksPage } from '../pages/trunks.page.js';
import { UsersPage } from '../pages/users.page.js';

test.describe('a viewer sees everything and can change nothing', () => {
  test.use(asRole('viewer'));

  test('option forms are read-only, there is nothing to save, and the server refuses a write', async ({ page, adminApi, env }) => {
    const before = await adminApi.exportYaml();
    const app = new ApplicationPage(page);
    await app.goto(NAMES.proxy);
    await app.expectRole('viewer');
    await expect(app.readOnlyNotice).toBeVisible();
    await app.openSection('sipproxy');
    await expect(app.textbox('oos-check')).not.toBeEditable();
    await expect(app.reviewButton).toHaveCount(0);
    await snap(page, 'viewer-application');

    const dn = new DnPage(page);
    await dn.goto(NAMES.siteA, NAMES.voipServiceDn);
    await expect(dn.readOnlyNotice).toBeVisible();
    await expect(dn.textbox('oos-check')).not.toBeEditable();
    await expect(dn.reviewButton).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Delete DN' })).toHaveCount(0);

    const trunks = new TrunksPage(page);
    await trunks.goto();
    await expect(page.getByTestId('read-only-notice')).toBeVisible();

    // The UI hides the way; the server is what decides.
    const viewer = await Api.login(env.url, USERS.viewer.username, USERS.viewer.password);
    const r = await viewer.raw(`/applications/${NAMES.proxy}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ options: { sipproxy: { 'oos-check': 7 } } }),
    });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { code: string }).code).toBe('FORBIDDEN');
    const after = await adminApi.exportYaml();
    expect(after.version).toBe(before.version);
  });
});

test.describe('an operator edits configuration but cannot manage users', () => {
  test.use(asRole('operator'));

  test('no Users link, the page says Not allowed, and the server refuses', async ({ page, env }) => {
    await page.goto('/');
    const users = new UsersPage(page);
    await users.expectRole('operator');
    await expect(users.navLink('Dashboard')).toBeVisible();
    await expect(users.navLink('Users')).toHaveCount(0);
    await users.goto();
    await expect(users.heading('Not allowed')).toBeVisible();
    await expect(users.table).toHaveCount(0);
    await snap(page, 'operator-users-not-allowed');

    const operator = await Api.login(env.url, USERS.operator.username, USERS.operator.password);
    const r = await operator.raw('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sneaky', password: 'sneaky-password', role: 'admin' }),
    });
    expect(r.status).toBe(403);
    expect((await operator.raw('/users')).status).toBe(403);
  });
});

test.describe('an admin manages users', () => {
  test.use(asRole('admin'));

  test('creates a user with a role in the browser and deletes it', async ({ page, adminApi }) => {
    const username = `e2e-temp-${Date.now().toString(36)}`;
    const users = new UsersPage(page);
    await page.goto('/');
    await users.open('Users');
    await expect(users.row(USERS.operator.username)).toBeVisible();
    await expect(users.row(USERS.viewer.username)).toBeVisible();
    await users.create(username, 'temp-password-123', 'viewer');
    await expect(users.row(username)).toBeVisible();
    await expect(users.row(username).getByRole('combobox', { name: `Role of ${username}` })).toHaveValue('viewer');
    expect((await adminApi.get<{ username: string; role: string }[]>('/users')).find((u) => u.username === username)?.role).toBe('viewer');
    await snap(page, 'users');
    await users.remove(username);
    expect((await adminApi.get<{ username: string }[]>('/users')).some((u) => u.username === username)).toBe(false);
  });
});
