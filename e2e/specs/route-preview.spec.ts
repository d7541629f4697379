import { NAMES } from '../fixtures/deployment.js';
import { ensurePrimaryActive } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { bothWidths, Shell } from '../pages/shell.js';

interface Preview {
  outcome: string;
  pair?: { name: string; server?: { name: string; host: string; port: number } };
  dns?: { candidates: { host: string; port: number }[] };
}

/**
 * Issue 17 "Route preview": an operator asks the running worker of SIPProxy_1 where an INVITE from an endpoint would
 * go; the answer (the worker's own routing code, live HA state) names SiteA's pair, its active server (the SIPp
 * primary, on the port the run gave it) and why, the same target the API gives. At 1280 and 390 px.
 */
test.describe('route preview', () => {
  test.use(asRole('operator'));

  test.beforeAll(async ({ adminApi, sipp }) => {
    await ensurePrimaryActive(adminApi, sipp);
  });

  test('an INVITE from an endpoint: to the active server of SiteA pair, as the running worker decides', async ({ page, env, adminApi }) => {
    const shell = new Shell(page);
    await test.step('reached from the application page, the proxy chosen', async () => {
      await page.goto(`/applications/${NAMES.proxy}`);
      await page
        .getByRole('navigation', { name: `Tools for ${NAMES.proxy}` })
        .getByRole('link', { name: 'Route preview' })
        .click();
      await expect(shell.heading('Route preview')).toBeVisible();
      await expect(page.getByRole('combobox', { name: 'SIP Proxy application' })).toHaveValue(NAMES.proxy);
    });

    await page.getByRole('textbox', { name: 'Request-URI' }).fill('sip:1001@proxy.site-a.example');
    await page.getByRole('textbox', { name: 'From' }).fill('sip:3000@192.0.2.55');
    await page.getByRole('textbox', { name: 'Source address' }).fill('192.0.2.55');
    await page.getByRole('button', { name: 'Preview' }).click();

    const target = `127.0.0.1:${env.ports.pairAPort}`;
    const answer = page.getByRole('region', { name: new RegExp(`Forwarded to \\w+:${target.replace(/\./g, '\\.')}`) });
    await expect(answer).toBeVisible();
    await expect(answer.getByTestId('preview-rule')).toContainText(`HA pair ${NAMES.primary}`);
    await expect(answer.getByTestId('preview-pair')).toContainText(`${NAMES.primary} (primary) at udp:${target}`);
    await expect(answer.getByTestId('preview-dns')).toContainText(target);
    await expect(answer.getByTestId('preview-steps').getByRole('listitem').first()).toBeVisible();

    // The API answers the same from the same worker: the page shows the worker's decision, not its own.
    const api = await adminApi.json<Preview>('/route-preview', {
      method: 'POST',
      body: JSON.stringify({
        app: NAMES.proxy,
        source: { address: '192.0.2.55' },
        method: 'INVITE',
        requestUri: 'sip:1001@proxy.site-a.example',
        from: 'sip:3000@192.0.2.55',
      }),
    });
    expect(api.outcome).toBe('forward');
    expect(api.pair?.server?.name).toBe(NAMES.primary);
    expect(`${api.dns?.candidates[0]?.host}:${api.dns?.candidates[0]?.port}`).toBe(target);
    await bothWidths(page, 'route-preview');

    await test.step('a pasted message that is not SIP: refused by the server, the field named', async () => {
      await page
        .locator('label')
        .filter({ hasText: /^SIP message$/ })
        .click();
      await page.getByRole('textbox', { name: /SIP message/ }).fill('hello');
      await page.getByRole('button', { name: 'Preview' }).click();
      await expect(page.getByRole('alert').filter({ hasText: /message/ })).toBeVisible();
    });
  });

  test.describe('as a viewer', () => {
    test.use(asRole('viewer'));
    test('no route preview (the API refuses viewers)', async ({ page }) => {
      await page.goto('/route-preview');
      await expect(new Shell(page).heading('Not allowed')).toBeVisible();
    });
  });
});
