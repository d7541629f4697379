import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeDatedIssuer, type DatedCertificate } from '../../backend/test/tls/certs.js';
import { waitFor } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { AlarmsPage } from '../pages/alarms.page.js';
import { snap } from '../pages/shell.js';

/**
 * Certificates (issue 17) as an operator meets them: SIPProxy_2 is given a certificate (made by openssl in this test)
 * that expires in 10 days; the Certificates page shows it "Expires soon" with its days left, the alarm list has its
 * certificate-expiring alarm (live, like the others), and the dry-run form says a renewal would be accepted and a
 * certificate with someone else's key would not. At 1280 and 390 px, with no horizontal scroll.
 */
const DAY = 24 * 3600 * 1000;
const APP = 'SIPProxy_2'; // on a documentation address: no worker runs it, so the journey touches no running proxy
let dir: string;
let soon: DatedCertificate;
let renewed: DatedCertificate;
let caCert: string;
const pem = (f: string) => readFileSync(f, 'utf8');

async function expectNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${what}: page is ${scroll}px wide in a ${client}px window`).toBeLessThanOrEqual(client + 1);
}

test.describe('certificates', () => {
  test.use(asRole('operator'));

  test.beforeAll(async ({ adminApi }) => {
    dir = mkdtempSync(join(tmpdir(), 'sipedge-e2e-certs-'));
    const issuer = makeDatedIssuer(dir);
    caCert = issuer.caCert;
    const now = Date.now();
    soon = issuer.issue('proxy2-soon', {
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 10 * DAY),
      san: 'DNS:proxy.site-b.example',
    });
    renewed = issuer.issue('proxy2-renewed', {
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 400 * DAY),
      san: 'DNS:proxy.site-b.example',
    });
    await adminApi.patch(`/applications/${APP}`, {
      options: { security: { certificate: pem(soon.cert), 'certificate-key': pem(soon.key), 'trusted-ca': pem(caCert) } },
    });
  });

  test.afterAll(async ({ adminApi }) => {
    // The other journeys expect no certificate alarm: the material goes, and its alarm with it.
    await adminApi.patch(`/applications/${APP}`, {
      options: { security: { certificate: null, 'certificate-key': null, 'trusted-ca': null } },
    });
    await waitFor(
      async () =>
        !(await adminApi.get<{ active: { key: string }[] }>('/alarms?state=active')).active.some((a) => a.key.startsWith('certificate-')),
      15_000,
      'certificate alarms cleared',
    );
    rmSync(dir, { recursive: true, force: true });
  });

  test('see a certificate that expires soon, its alarm, and check a renewal before saving it', async ({ page }) => {
    const alarms = new AlarmsPage(page);
    await test.step('the alarm list has the certificate-expiring alarm', async () => {
      await alarms.goto();
      await expect(alarms.activeRow(`${APP} (CN=proxy2-soon) expires on`)).toBeVisible({ timeout: 15_000 });
    });

    await test.step('the Certificates page shows it expiring, with days left, names, issuer and chain', async () => {
      await alarms.open('Certificates');
      const card = page.getByTestId(`certificate-${APP}`);
      await expect(card.getByTestId('certificate-state')).toHaveText('Expires soon');
      await expect(card.getByTestId('days-left')).toHaveText('9 days left');
      await expect(card).toContainText('CN=proxy2-soon');
      await expect(card).toContainText('DNS:proxy.site-b.example');
      await expect(card).toContainText('CN=dated-ca');
      await expect(card).toContainText('Trusted');
      await expect(page.getByTestId(`certificate-${NAMES.proxy}`)).toHaveCount(0); // SIPProxy_1 has no TLS material
      await expectNoHorizontalOverflow(page, 'Certificates at 1280px');
      await snap(page, 'certificates');
    });

    const form = page.getByRole('form', { name: 'Check a certificate' });
    await test.step('the dry run accepts the renewal (certificate and its key)', async () => {
      await form.getByRole('combobox', { name: 'SIP Proxy application' }).click();
      await page.getByRole('option', { name: APP, exact: true }).click();
      await form.getByRole('textbox', { name: 'certificate', exact: true }).fill(pem(renewed.cert));
      await form.getByRole('textbox', { name: 'certificate-key (optional)' }).fill(pem(renewed.key));
      await form.getByRole('button', { name: 'Check' }).click();
      const result = page.getByTestId('check-result');
      await expect(result).toContainText(`Accepted: the worker of ${APP} would load it`);
      await expect(result.getByTestId('certificate-state')).toHaveText('Valid');
      await snap(page, 'certificates-check-accepted');
    });

    await test.step('and refuses the renewal with the old key, saying why', async () => {
      await form.getByRole('textbox', { name: 'certificate-key (optional)' }).fill(pem(soon.key));
      await form.getByRole('button', { name: 'Check' }).click();
      const result = page.getByTestId('check-result');
      await expect(result).toContainText(`Refused for ${APP}`);
      await expect(result).toContainText('does not match certificate');
      await expectNoHorizontalOverflow(page, 'Certificates with a refusal at 1280px');
      await snap(page, 'certificates-check-refused');
    });

    await test.step('at 390 px: the same page, no horizontal scroll', async () => {
      await page.setViewportSize({ width: 390, height: 800 });
      await page.reload();
      await expect(page.getByTestId(`certificate-${APP}`).getByTestId('days-left')).toHaveText('9 days left');
      await expectNoHorizontalOverflow(page, 'Certificates at 390px');
      await snap(page, 'phone-certificates');
    });
  });
});
