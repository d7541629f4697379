import * as net from 'node:net';
import { waitFor } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { bothWidths, Shell } from '../pages/shell.js';

/**
 * Issue 17 "Connection inspector": a real TCP connection to the running SIPProxy_1 (a REGISTER sent over it, the
 * socket kept open) is listed with its peer, age, activity and messages; an admin closes it after a confirmation and
 * the client sees its socket closed by the proxy; the close is in the audit log. At 1280 and 390 px.
 */
test.describe('connection inspector', () => {
  test.use(asRole('admin'));

  test('a TCP connection is listed, then closed by an admin', async ({ page, env, adminApi }) => {
    const sock = net.connect({ host: '127.0.0.1', port: env.ports.proxySipPort, localAddress: '127.0.0.1' });
    await new Promise<void>((res, rej) => {
      sock.once('connect', res);
      sock.once('error', rej);
    });
    let closedByProxy = false;
    sock.on('close', () => {
      closedByProxy = true;
    });
    sock.on('error', () => undefined);
    sock.on('data', () => undefined);
    const peer = `127.0.0.1:${sock.localPort}`;
    try {
      const tag = Math.random().toString(36).slice(2, 10);
      sock.write(
        [
          `REGISTER sip:proxy.site-a.example SIP/2.0`,
          `Via: SIP/2.0/TCP ${peer};branch=z9hG4bK${tag};rport`,
          'Max-Forwards: 70',
          `From: <sip:2001@proxy.site-a.example>;tag=${tag}`,
          'To: <sip:2001@proxy.site-a.example>',
          `Call-ID: e2e-connections-${tag}`,
          'CSeq: 1 REGISTER',
          'Supported: outbound, path',
          `Contact: <sip:2001@${peer};transport=tcp;ob>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-4000-8000-00000000e2e1>"`,
          'Expires: 600',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );

      const shell = new Shell(page);
      await test.step('reached from the application page', async () => {
        await page.goto(`/applications/${NAMES.proxy}`);
        await page
          .getByRole('navigation', { name: `Tools for ${NAMES.proxy}` })
          .getByRole('link', { name: 'Connections' })
          .click();
        await expect(shell.heading('Connections')).toBeVisible();
      });
      await page.locator('label').filter({ hasText: /^TCP$/ }).click();
      await page.getByRole('textbox', { name: 'Peer, AOR, instance or certificate' }).fill(peer);
      await page.getByRole('button', { name: 'Filter' }).click();
      const row = page.getByRole('table', { name: `Connections of ${NAMES.proxy}` }).locator(`tr[data-peer="${peer}"]`);
      await expect(row).toBeVisible();
      await expect(row).toContainText('tcp');
      await expect(row).toContainText('inbound');
      await expect(page.getByTestId('connections-summary')).toContainText('1 connection matching');
      const id = await row.getAttribute('data-connection');
      expect(id).toMatch(/^tcp-\d+$/);
      await bothWidths(page, 'connections');

      await row.getByRole('button', { name: `Close ${id}` }).click();
      const dialog = page.getByRole('dialog', { name: `Close ${id}?` });
      await expect(dialog).toContainText(`connection with ${peer}`);
      await expect(dialog).toContainText('audit log');
      await dialog.getByRole('button', { name: 'Close connection' }).click();
      await expect(dialog).toBeHidden();
      await waitFor(async () => closedByProxy, 10_000, 'the proxy closed the client socket');
      await expect(row).toHaveCount(0, { timeout: 15_000 });
      await expect(page.getByText('No connection matches.')).toBeVisible();
      await waitFor(
        async () => JSON.stringify(await adminApi.get('/audit?page=1&pageSize=50')).includes(`connections/${id}`),
        10_000,
        'the close in the audit log',
      );
    } finally {
      sock.destroy();
    }
  });

  test.describe('as an operator', () => {
    test.use(asRole('operator'));
    test('sees connections, has no close button (closing is for admins)', async ({ page }) => {
      await page.goto(`/connections?app=${NAMES.proxy}`);
      await expect(page.getByTestId('connections-summary')).toBeVisible();
      await expect(page.getByRole('button', { name: /^Close / })).toHaveCount(0);
    });
  });
});
