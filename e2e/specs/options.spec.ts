import { Api, waitFor } from '../fixtures/api.js';
import { INITIAL_DN_OOS_CHECK, NAMES } from '../fixtures/deployment.js';
import { ensureServing, setAppOptions, setDnOptions, waitApplied } from '../fixtures/journey.js';
import type { SippRole } from '../fixtures/product.js';
import { gapsBetween, median, type SippServer } from '../fixtures/sip-servers.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { DashboardPage } from '../pages/dashboard.page.js';
import { ApplicationPage, DnPage } from '../pages/options-form.page.js';
import { snap } from '../pages/shell.js';

/**
 * Probe rounds of SiteA's pair as SIPp saw them: only the active server is probed, but after an outage both are
 * probed at once, so both logs are merged and OPTIONS within 100 ms of each other count as one round.
 */
const probeTimes = (sipp: Record<SippRole, SippServer>) =>
  [...sipp.primary.optionsTimes(), ...sipp.backup.optionsTimes()].sort((a, b) => a - b).filter((t, i, a) => i === 0 || t - a[i - 1]! > 100);

/** Waits for `count` probe gaps after `since` and checks their median against the expected interval. */
async function expectProbeInterval(sipp: Record<SippRole, SippServer>, since: number, seconds: number, count = 3): Promise<number[]> {
  await waitFor(
    () => gapsBetween(probeTimes(sipp), since, Infinity).length >= count,
    (seconds * (count + 2) + 3) * 1000,
    `${count} probe gaps after the change`,
  );
  const gaps = gapsBetween(probeTimes(sipp), since, Infinity).slice(0, count);
  const m = median(gaps);
  process.stderr.write(`OPTIONS gaps after the change to ${seconds} s: ${gaps.join(', ')} ms\n`);
  expect(m, `median OPTIONS gap ${m} ms (gaps ${gaps.join(', ')}), expected ~${seconds} s`).toBeGreaterThan(seconds * 1000 * 0.7);
  expect(m, `median OPTIONS gap ${m} ms (gaps ${gaps.join(', ')}), expected ~${seconds} s`).toBeLessThan(seconds * 1000 * 1.3);
  return gaps;
}

/** The document as exported, with its version. */
const exported = (api: Api) => api.exportYaml();

test.describe('editing options in the browser', () => {
  test.use(asRole('admin'));

  test.beforeAll(async ({ adminApi, sipp }) => {
    await ensureServing(adminApi, sipp);
    // The proxy takes its probe interval from SiteA's VoIP Service DN unless the application sets one.
    const app = await adminApi.get<{ options: { sipproxy?: Record<string, unknown> } }>(`/applications/${NAMES.proxy}`);
    const dn = await adminApi.get<{ options: { TServer?: Record<string, unknown> } }>(
      `/switches/${NAMES.siteA}/dns/${NAMES.voipServiceDn}`,
    );
    let v = 0;
    if (app.options.sipproxy?.['oos-check'] !== undefined)
      v = await setAppOptions(adminApi, NAMES.proxy, 'sipproxy', { 'oos-check': null });
    if (dn.options.TServer?.['oos-check'] !== INITIAL_DN_OOS_CHECK)
      v = await setDnOptions(adminApi, NAMES.siteA, NAMES.voipServiceDn, { 'oos-check': INITIAL_DN_OOS_CHECK });
    if (app.options.sipproxy?.['resolve-host'] !== undefined) {
      v = await setAppOptions(adminApi, NAMES.proxy, 'sipproxy', { 'resolve-host': null });
      await adminApi.json(`/workers/${NAMES.proxy}/restart`, { method: 'POST' }, 202);
    }
    if (v) await waitApplied(adminApi, v, 20_000);
  });

  test("oos-check on the application changes the probe interval on the wire; the VoIP Service DN's oos-check is the SIP Server's", async ({
    page,
    adminApi,
    sipp,
  }) => {
    test.setTimeout(120_000);
    const t0 = Date.now();
    // The DN-level oos-check is how often the SIP Server checks the proxy (the guide): the form says so, and the
    // proxy's own probes keep the application's interval (its default, 5 s) whatever the DN says.
    const dnPage = new DnPage(page);
    await dnPage.goto(NAMES.siteA, NAMES.voipServiceDn);
    await dnPage.openSection('TServer');
    await expect(dnPage.textbox('oos-check')).toHaveValue(String(INITIAL_DN_OOS_CHECK));
    await expect(page.getByTestId('sip-server-only-badge').first()).toBeVisible();
    await snap(page, 'dn-sip-server-only');

    await waitFor(() => gapsBetween(probeTimes(sipp), t0, Infinity).length >= 2, 20_000, 'probes before the change');
    const before = gapsBetween(probeTimes(sipp), t0, Date.now());
    process.stderr.write(
      `OPTIONS gaps before the change (application default 5 s, DN oos-check ${INITIAL_DN_OOS_CHECK} s): ${before.join(', ')} ms\n`,
    );
    expect(median(before), `gaps before: ${before.join(', ')}`).toBeGreaterThan(5000 * 0.7);
    expect(median(before), `gaps before: ${before.join(', ')}`).toBeLessThan(5000 * 1.3);

    const appPage = new ApplicationPage(page);
    await appPage.goto(NAMES.proxy);
    await appPage.openSection('sipproxy');
    await expect(appPage.textbox('oos-check')).toHaveValue('');
    await expect(appPage.takesEffect('oos-check')).toHaveText('now');
    await appPage.setNumber('oos-check', 1);
    const version = await appPage.save();
    await appPage.expectWorkerApplied(NAMES.proxy);
    expect((await adminApi.worker(NAMES.proxy))?.configVersion).toBeGreaterThanOrEqual(version);
    const appAppliedAt = Date.now();
    await snap(page, 'app-saved-applied');
    await test.step('probes every second on the wire', () => expectProbeInterval(sipp, appAppliedAt, 1));
    expect((await exported(adminApi)).yaml).toMatch(/oos-check: 1/);
  });

  test("an invalid value shows the schema's message and saves nothing", async ({ page, adminApi }) => {
    const before = await exported(adminApi);
    const appPage = new ApplicationPage(page);
    await appPage.goto(NAMES.proxy);
    await appPage.openSection('sipproxy');
    // Out of the schema's range: refused as typed, nothing can be sent.
    // The limits are the server's (issue 19): 0 switches detection off and the server refuses it, so the form does too.
    await appPage.setNumber('oos-check', 0);
    await appPage.expectFieldError('oos-check', /between 1 and 300/);
    await expect(appPage.reviewButton).toBeDisabled();
    await appPage.setNumber('oos-check', 301);
    await appPage.expectFieldError('oos-check', /between 1 and 300/);
    await expect(appPage.reviewButton).toBeDisabled();
    await snap(page, 'application-invalid-value');
    await appPage.discardButton.click();

    // In range but refused by the guide's rule (0 switches detection off): the server's message lands on the field.
    const dnPage = new DnPage(page);
    await dnPage.goto(NAMES.siteA, NAMES.voipServiceDn);
    await dnPage.openSection('TServer');
    await dnPage.setNumber('oos-check', 0);
    await dnPage.reviewButton.click();
    await dnPage.expectFieldError('oos-check', /turns Active Out-of-Service Detection off/);
    await expect(page.getByRole('alert').filter({ hasText: 'nothing was saved' })).toBeVisible();
    await expect(dnPage.reviewDialog).toBeHidden();
    await snap(page, 'dn-server-error-on-field');

    const after = await exported(adminApi);
    expect(after.version).toBe(before.version);
    expect(after.yaml).toBe(before.yaml);
  });

  test('an after-restart option shows restart pending until an admin restarts the worker', async ({ page, adminApi }) => {
    const appPage = new ApplicationPage(page);
    await appPage.goto(NAMES.proxy);
    await appPage.openSection('sipproxy');
    const resolveHost = appPage.switchControl('resolve-host');
    await expect(resolveHost).not.toBeChecked();
    await expect(appPage.takesEffect('resolve-host')).toHaveText('after restart');
    await resolveHost.click({ force: true });
    const version = await appPage.save();
    const row = appPage.workerRow(NAMES.proxy);
    await expect(row.getByTestId('restart-pending')).toBeVisible();
    await expect(row.getByTestId('worker-apply-state')).not.toHaveText('applied');
    await snap(page, 'application-restart-pending');
    const w = await adminApi.worker(NAMES.proxy);
    expect(w?.restartPending).toBe(true);
    expect(w?.restartPendingOptions.join(',')).toMatch(/resolve-?host/i);

    // Still pending elsewhere: the dashboard's worker list says so, and offers the restart to an admin.
    const dashboard = new DashboardPage(page);
    await dashboard.open('Dashboard');
    const worker = dashboard.workerRow(NAMES.proxy);
    await expect(worker).toContainText('restart pending');
    await worker.getByRole('button', { name: `Restart worker ${NAMES.proxy}` }).click();
    await expect(worker).not.toContainText('restart pending', { timeout: 30_000 });
    await expect(worker).toContainText('online');
    await expect(worker).toContainText(`v${version}`);
    const after = await adminApi.worker(NAMES.proxy);
    expect(after?.restartPending).toBe(false);
    expect(after?.configVersion).toBeGreaterThanOrEqual(version);
  });

  // Restart pending names the options as operators know them (the schema's names).
  test('restart pending names the option as the schema does', async ({ page, adminApi }) => {
    // A value that surely differs from the running one, whatever ran before (an after-restart option).
    await setAppOptions(adminApi, NAMES.proxy, 'sipproxy', { 'tcp-keep-alive-idle': 61 + (Date.now() % 500) });
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    await dashboard.workerRow(NAMES.proxy).getByText('restart pending').hover();
    await expect(page.getByRole('tooltip')).toHaveText('Needs a restart for: tcp-keep-alive-idle');
    await adminApi.json(`/workers/${NAMES.proxy}/restart`, { method: 'POST' }, 202);
  });
});
