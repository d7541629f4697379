import { waitFor } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { ensureServing } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { AlarmsPage } from '../pages/alarms.page.js';
import { DashboardPage } from '../pages/dashboard.page.js';
import { snap } from '../pages/shell.js';

/**
 * SIPp plays both SIP Servers of SiteA's pair; killing them is what an operator would see as a failover, then an
 * outage. Everything is watched in one page load: a marker set on `window` must survive, so nothing reloaded.
 */
test.describe('failover and out-of-service alarm, live', () => {
  test.use(asRole('operator'));

  test.beforeAll(async ({ adminApi, sipp }) => {
    await ensureServing(adminApi, sipp);
    // Primary first: the journey starts from the normal state.
    await waitFor(
      async () => (await adminApi.serviceState()).pairs.find((p) => p.name === NAMES.primary)?.state === 'primary-active',
      20_000,
      'SiteA primary-active',
    );
  });

  test.afterAll(async ({ sipp }) => {
    for (const s of Object.values(sipp)) await s.start(); // whatever happened, leave the servers running
  });

  test('kill the primary: backup active; kill the backup: an alarm appears live and is acknowledged; start them: it clears', async ({
    page,
    adminApi,
    sipp,
    env,
  }) => {
    const pairAddress = `127.0.0.1:${env.ports.pairAPort}`;
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await expect(dashboard.liveState).toHaveText('live');
    await dashboard.expectSiteState(NAMES.siteA, 'primary-active', 'Primary active');
    await page.evaluate(() => {
      (window as unknown as { e2eNoReload: boolean }).e2eNoReload = true;
    });
    const notReloaded = async () =>
      expect(await page.evaluate(() => (window as unknown as { e2eNoReload?: boolean }).e2eNoReload)).toBe(true);

    await test.step('primary down: the dashboard shows the backup active', async () => {
      await sipp.primary.kill();
      await dashboard.expectSiteState(NAMES.siteA, 'backup-active', 'Backup active');
      await expect(dashboard.serverBox(NAMES.siteA, 'backup')).toHaveAttribute('data-active', 'true');
      await expect(dashboard.proxyView(NAMES.siteA, NAMES.proxy)).toHaveAttribute('data-view', 'backup-active');
      await expect(dashboard.proxyView(NAMES.siteA, NAMES.proxy)).toContainText(NAMES.backup);
      await notReloaded();
      await snap(page, 'dashboard-backup-active');
    });

    const alarms = new AlarmsPage(page);
    await alarms.open('Alarms'); // client-side navigation, not a reload
    await expect(alarms.liveState).toHaveText('live');
    await expect(alarms.activeRow(pairAddress)).toHaveCount(0);

    await test.step('backup down too: the out-of-service alarm appears live, with a notification', async () => {
      await sipp.backup.kill();
      const row = alarms.activeRow(pairAddress);
      await expect.poll(() => row.count(), { intervals: [100], timeout: 20_000 }).toBe(1);
      const shownAt = Date.now();
      const alarm = (await adminApi.alarms()).active.find((a) => a.key === `${NAMES.proxy}:ha-pair-unavailable:${NAMES.primary}`);
      expect(alarm, 'the API has the alarm active').toBeTruthy();
      // The page showed it within moments of the control plane raising it (the issue asks for a second; slack for a loaded machine).
      const latency = shownAt - Date.parse(alarm!.raisedAt);
      test.info().annotations.push({ type: 'alarm raised -> row on the page (ms)', description: String(latency) });
      process.stderr.write(`alarm raised -> row on the page: ${latency} ms\n`);
      expect(latency).toBeLessThan(3000);
      await expect(row).toContainText('critical');
      await expect(row).toContainText(NAMES.proxy);
      await expect(dashboard.notification(/^Alarm: /).filter({ hasText: pairAddress })).toBeVisible();
      await notReloaded();
      await snap(page, 'alarms-out-of-service');
      // The operator acknowledges it: the row names who did.
      await row.getByRole('button', { name: /^Acknowledge alarm / }).click();
      await expect(row).toContainText('operator');
      expect((await adminApi.alarms()).active.find((a) => a.id === alarm!.id)).toMatchObject({ acknowledgedBy: 'operator' });
    });

    await test.step('the dashboard shows the site out of service', async () => {
      await dashboard.open('Dashboard');
      await dashboard.expectSiteState(NAMES.siteA, 'out-of-service', 'Out of service');
      await expect(dashboard.alarmCount).toBeVisible();
      await snap(page, 'dashboard-out-of-service');
    });

    await test.step('servers back: the alarm clears and moves to the history', async () => {
      await alarms.open('Alarms');
      await sipp.primary.start();
      await sipp.backup.start();
      await expect(alarms.activeRow(pairAddress)).toHaveCount(0);
      await expect(dashboard.notification('Alarm cleared').filter({ hasText: pairAddress })).toBeVisible();
      await expect(alarms.historyRow(pairAddress).first()).toBeVisible();
      await expect(alarms.historyRow(pairAddress).first()).toContainText('operator');
      await notReloaded();
      await snap(page, 'alarms-cleared');
      await dashboard.open('Dashboard');
      await expect(dashboard.site(NAMES.siteA)).not.toHaveAttribute('data-state', 'out-of-service');
    });
  });
});
