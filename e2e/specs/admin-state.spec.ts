import { waitFor } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { ensurePrimaryActive, ensureServing } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { snap } from '../pages/shell.js';

type AppState = { state: string; workers: { applied?: string }[] };
type ServerState = { state: string; proxies: { pairState: string; applied: boolean }[] };

/**
 * Administrative states (issue 17) from the pages an operator uses: drain the SIP Proxy (and make it active again)
 * on its application page, force the primary SIP Server out of service from its application page (a manual
 * switchover; the HA pair page has its own buttons, e2e in its journey) and return it, each
 * after a confirmation; the dashboard shows them apart from failures. The worker applying them is checked by API.
 */
test.describe('administrative states', () => {
  test.use(asRole('operator'));

  test.beforeAll(async ({ adminApi, sipp }) => {
    await ensureServing(adminApi, sipp);
    await waitFor(
      async () => (await adminApi.serviceState()).pairs.find((p) => p.name === NAMES.primary)?.state === 'primary-active',
      20_000,
      'SiteA primary-active',
    );
  });

  test.afterAll(async ({ adminApi, sipp }) => {
    // Whatever happened, leave everything active and SiteA on its primary for the other journeys (the switchover
    // left it on its backup, which no failback undoes).
    await adminApi.json(`/applications/${NAMES.proxy}/admin-state`, { method: 'PUT', body: JSON.stringify({ state: 'active' }) });
    await adminApi.json(`/sip-servers/${NAMES.primary}/admin-state`, { method: 'PUT', body: JSON.stringify({ state: 'active' }) });
    await ensurePrimaryActive(adminApi, sipp);
  });

  test('drain the proxy and make it active again; force the primary out of service (switchover) and return it', async ({
    page,
    adminApi,
  }) => {
    await test.step('drain SIPProxy_1 from its page, after a confirmation', async () => {
      await page.goto(`/applications/${NAMES.proxy}`);
      const section = page.getByRole('region', { name: 'Administrative state' });
      await expect(section.getByTestId('admin-state-badge')).toHaveText('Active');
      // An operator drains; only an admin may stop (the button is not offered).
      await expect(section.getByRole('button', { name: 'Stop' })).toHaveCount(0);
      await section.getByRole('button', { name: 'Drain' }).click();
      const dialog = page.getByRole('dialog', { name: `Drain ${NAMES.proxy}?` });
      await expect(dialog).toContainText('503 with Retry-After');
      await dialog.getByRole('button', { name: 'Drain' }).click();
      await expect(dialog).toBeHidden();
      await expect(section.getByTestId('admin-state-badge')).toHaveText('Drained by an operator');
      await expect(section.getByTestId('drain-countdown')).toContainText('Active dialogs');
      await waitFor(
        async () => (await adminApi.get<AppState>(`/applications/${NAMES.proxy}/admin-state`)).workers[0]?.applied === 'drained',
        15_000,
        'the worker applies drained',
      );
      await expect(section).toContainText('set by operator');
      await snap(page, 'admin-state-drained');
    });

    await test.step('the dashboard shows the proxy drained, not failed', async () => {
      await page.goto('/');
      await expect(page.locator('[data-admin-state="drained"]').first()).toBeVisible();
      await snap(page, 'dashboard-drained');
    });

    await test.step('make it active again', async () => {
      await page.goto(`/applications/${NAMES.proxy}`);
      const section = page.getByRole('region', { name: 'Administrative state' });
      await section.getByRole('button', { name: 'Make active' }).click();
      await page
        .getByRole('dialog', { name: `Make active ${NAMES.proxy}?` })
        .getByRole('button', { name: 'Make active' })
        .click();
      await expect(section.getByTestId('admin-state-badge')).toHaveText('Active');
      await waitFor(
        async () => (await adminApi.get<AppState>(`/applications/${NAMES.proxy}/admin-state`)).workers[0]?.applied === 'active',
        15_000,
        'the worker applies active',
      );
    });

    await test.step('force the primary out of service: its pair switches over to the backup', async () => {
      await page.goto(`/applications/${NAMES.primary}`);
      const card = page.locator(`[data-server="${NAMES.primary}"]`);
      await card.getByRole('button', { name: 'Force out of service' }).click();
      const dialog = page.getByRole('dialog', { name: `Force out of service ${NAMES.primary}?` });
      await expect(dialog).toContainText('switches its pair over to the backup');
      await dialog.getByRole('button', { name: 'Force out of service' }).click();
      await expect(card.getByTestId('server-admin-state-badge')).toHaveText('Out of service (maintenance)');
      await waitFor(
        async () => {
          const p = (await adminApi.get<ServerState>(`/sip-servers/${NAMES.primary}/admin-state`)).proxies[0];
          return p?.pairState === 'backup-active' && p.applied;
        },
        15_000,
        'switched over to the backup',
      );
      await snap(page, 'admin-state-server-out-of-service');
      await page.goto('/');
      await expect(page.locator('[data-admin-state="out-of-service"]').first()).toContainText(NAMES.primary);
      // No out-of-service alarm: it is maintenance, not a failure.
      expect((await adminApi.alarms()).active.filter((a) => a.key.includes('ha-pair-unavailable'))).toEqual([]);
      await snap(page, 'dashboard-server-maintenance');
    });

    await test.step('return it to service', async () => {
      await page.goto(`/applications/${NAMES.primary}`);
      await page.getByRole('button', { name: 'Return to service' }).click();
      await page
        .getByRole('dialog', { name: `Return to service ${NAMES.primary}?` })
        .getByRole('button', { name: 'Return to service' })
        .click();
      await expect(page.getByTestId('server-admin-state-badge')).toHaveText('In service (probe-driven)');
      expect((await adminApi.get<ServerState>(`/sip-servers/${NAMES.primary}/admin-state`)).state).toBe('active');
    });
  });
});
