import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { Api, waitFor } from '../fixtures/api.js';
import { ADMIN_PASSWORD, freePort, REPO_ROOT, RUNS_DIR, startProduct, stopGroup } from '../fixtures/product.js';
import { SippServer } from '../fixtures/sip-servers.js';
import { TrunksPage } from '../pages/trunks.page.js';
import { snap } from '../pages/shell.js';

/**
 * Issue 19 "Done when": from an EMPTY database to a call-ready two-site deployment with a trunk between the sites,
 * in the browser alone. Its own product (`npm start` on a new DATA_DIR), its own SIPp SIP Servers; the admin signs
 * in, creates both HA pairs, both switches, each site's proxy-pool VoIP Service DN and its proxy, and provisions the
 * trunks both ways with the wizard. Then a real call crosses the trunk: SiteA's SIP Server (a SIPp UAC on its
 * address) calls over the trunk through SiteA's proxy and SiteB's proxy to SiteB's active server, which answers.
 */
const RUN = join(RUNS_DIR, `two-site-${process.pid}`);
const port = { a: 0, b: 0, proxyA: 0, proxyB: 0, httpA: 0, httpB: 0 };
let product: { child: { pid?: number }; url: string } | undefined;
const sipp: SippServer[] = [];

test.describe.configure({ mode: 'serial', timeout: 300_000 });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  mkdirSync(RUN, { recursive: true });
  for (const k of Object.keys(port) as (keyof typeof port)[]) port[k] = await freePort();
  // SiteA's primary is played by the calling UAC (below); its backup, and SiteB's pair, by SIPp UAS.
  for (const [name, host, p] of [
    ['SrvA_backup', '127.0.0.2', port.a],
    ['SrvB', '127.0.0.1', port.b],
    ['SrvB_backup', '127.0.0.2', port.b],
  ] as const) {
    const s = SippServer.create(join(RUN, `${name}.json`), name, host, p, RUN);
    sipp.push(s);
    await s.start();
  }
  product = await startProduct(join(RUN, 'product.log'));
});

test.afterAll(async () => {
  for (const s of sipp) await s.kill();
  if (product?.child.pid) stopGroup(product.child.pid);
});

async function createServer(page: Page, name: string, host: string, sipPort: number, backup?: string) {
  await page.goto('/applications');
  await page.getByRole('button', { name: 'New application' }).click();
  const dialog = page.getByRole('dialog', { name: 'New application' });
  await dialog.getByRole('radio', { name: 'SIP Server' }).check();
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await dialog.getByRole('textbox', { name: 'Host', exact: true }).fill(host);
  await dialog.getByRole('textbox', { name: 'SIP port', exact: true }).fill(String(sipPort));
  if (backup) {
    await dialog.getByRole('combobox', { name: 'Backup server' }).click();
    await page.getByRole('option', { name: backup, exact: true }).click();
  }
  await dialog.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(dialog.getByRole('table', { name: 'Pending changes' })).toContainText(name);
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

async function createSwitch(page: Page, name: string, primary: string, backup: string) {
  await page.goto('/switches');
  await page.getByRole('button', { name: 'New switch' }).click();
  const dialog = page.getByRole('dialog', { name: 'New switch' });
  await dialog.getByRole('textbox', { name: 'Switch name' }).fill(name);
  await dialog.getByRole('combobox', { name: 'SIP Server (HA pair)' }).click();
  await page.getByRole('option', { name: `${primary} (backup ${backup})` }).click();
  await dialog.getByRole('button', { name: 'Review', exact: true }).click();
  await dialog.getByRole('button', { name: 'Create switch' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Switch ${name}` })).toBeVisible();
}

/** The site's proxy-pool VoIP Service DN, with the options the guide makes mandatory there, from the New DN dialog. */
async function createPoolDn(page: Page, site: string, proxyPort: number) {
  await page.goto(`/switches/${site}`);
  await page.getByRole('button', { name: 'New DN' }).click();
  const dialog = page.getByRole('dialog', { name: `New DN on ${site}` });
  await dialog.getByRole('textbox', { name: 'DN number' }).fill('sipproxy-pool');
  // A switch without its pool DN gets that one proposed: VoIP Service, service-type sip-outbound-proxy.
  await expect(dialog.getByRole('combobox', { name: 'DN type' })).toHaveValue('VoIP Service');
  await expect(dialog.getByRole('textbox', { name: 'service-type' })).toHaveValue('sip-outbound-proxy');
  await dialog.getByRole('textbox', { name: 'contact', exact: true }).fill(`127.0.0.1:${proxyPort}`);
  await dialog.getByRole('textbox', { name: 'external-contact', exact: true }).fill(`127.0.0.1:${proxyPort}`);
  await dialog.getByRole('textbox', { name: 'oos-check', exact: true }).fill('5');
  await dialog.getByRole('textbox', { name: 'oos-force', exact: true }).fill('5');
  await dialog.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(dialog.getByRole('table', { name: 'Pending changes' })).toContainText('sipproxy-pool');
  await dialog.getByRole('button', { name: 'Create DN' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'DN sipproxy-pool' })).toBeVisible();
}

async function createProxy(page: Page, name: string, sipPort: number, httpPort: number, site: string, pair: string) {
  await page.goto('/applications');
  await page.getByRole('button', { name: 'New application' }).click();
  const dialog = page.getByRole('dialog', { name: 'New application' });
  await dialog.getByRole('radio', { name: 'SIP Proxy instance' }).check();
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await dialog.getByRole('textbox', { name: 'Host', exact: true }).fill('127.0.0.1');
  await dialog.getByRole('textbox', { name: 'SIP port', exact: true }).fill(String(sipPort));
  await dialog.getByRole('textbox', { name: 'HTTP port', exact: true }).fill(String(httpPort));
  await dialog.getByRole('combobox', { name: 'Site' }).click();
  await page.getByRole('option', { name: `${site} (${pair})`, exact: true }).click();
  await dialog.getByRole('button', { name: 'Review', exact: true }).click();
  await expect(dialog.getByRole('table', { name: 'Pending changes' })).toContainText(name);
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** SiteA's SIP Server calls number 2001 over its per-server trunk (R-URI = SiteB's primary): SIPp's exit code and log. */
async function callOverTrunk(): Promise<{ exitCode: number | null; output: string }> {
  const src = readFileSync(join(REPO_ROOT, 'backend/test/fixtures/sipp/uac_trunk_call.xml'), 'utf8');
  const scenario = join(RUN, 'uac_trunk_call.xml');
  writeFileSync(scenario, src.split('@TRUNK_HOST@').join(`127.0.0.1:${port.b}`));
  const args = [
    `127.0.0.1:${port.proxyA}`,
    '-sf',
    scenario,
    '-s',
    '2001',
    '-t',
    'u1',
    '-i',
    '127.0.0.1',
    '-p',
    String(port.a),
    '-m',
    '1',
    '-r',
    '1',
    '-d',
    '200',
    '-aa',
    '-timeout',
    '30s',
    '-timeout_error',
    '-nostdin',
    '-trace_msg',
    '-message_file',
    join(RUN, 'uac.log'),
  ];
  const child = spawn('sipp', args, { cwd: RUN, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const exitCode = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(hard);
  return { exitCode, output };
}

// fixme: needs the New DN dialog with the DN's options (issue 19 defects, not on main when this was written); not yet run end to end.
test.fixme('from an empty database to a call across a trunk between two sites, in the browser alone', async ({ browser }) => {
  const url = product!.url;
  // A browser of its own on this product's origin, signed out.
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const api = await Api.login(url, 'admin', ADMIN_PASSWORD);
  expect((await api.get<{ items: unknown[] }>('/applications')).items, 'the database starts empty').toEqual([]);

  await test.step('sign in', async () => {
    await page.goto('/login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  });

  await test.step('two HA pairs', async () => {
    await createServer(page, 'SrvA_backup', '127.0.0.2', port.a);
    await createServer(page, 'SrvA', '127.0.0.1', port.a, 'SrvA_backup');
    await createServer(page, 'SrvB_backup', '127.0.0.2', port.b);
    await createServer(page, 'SrvB', '127.0.0.1', port.b, 'SrvB_backup');
  });
  await test.step('two sites, each with its proxy-pool DN and its proxy', async () => {
    await createSwitch(page, 'SiteA', 'SrvA', 'SrvA_backup');
    await createSwitch(page, 'SiteB', 'SrvB', 'SrvB_backup');
    await createPoolDn(page, 'SiteA', port.proxyA);
    await createPoolDn(page, 'SiteB', port.proxyB);
    await createProxy(page, 'ProxyA', port.proxyA, port.httpA, 'SiteA', 'SrvA');
    await createProxy(page, 'ProxyB', port.proxyB, port.httpB, 'SiteB', 'SrvB');
  });
  await test.step('trunks both ways with the wizard', async () => {
    const trunks = new TrunksPage(page);
    for (const [local, remote] of [
      ['SiteA', 'SiteB'],
      ['SiteB', 'SiteA'],
    ] as const) {
      await page.goto('/trunks');
      await trunks.choose(local, remote, 'per-server');
      await trunks.preview();
      await trunks.apply();
    }
    await snap(page, 'two-site-trunks');
  });
  await test.step('the site map shows both sites in service and the trunk up', async () => {
    await waitFor(
      async () => {
        const st = await api.serviceState();
        return (
          ['ProxyA', 'ProxyB'].every((a) => st.workers.some((w) => w.app === a && w.online)) &&
          st.pairs
            .filter((p) => p.name === 'SrvA' || p.name === 'SrvB')
            .every((p) => p.state === 'primary-active' || p.state === 'backup-active')
        );
      },
      90_000,
      'both proxies online, both pairs in service',
    );
    await page.goto('/sites');
    await expect(page.getByRole('table', { name: 'Trunks between sites' }).locator('tr[data-road="SiteA-SiteB"]')).toHaveAttribute(
      'data-state',
      'up',
      { timeout: 30_000 },
    );
    await snap(page, 'two-site-map-1280');
    await page.setViewportSize({ width: 390, height: 800 });
    await snap(page, 'two-site-map-390');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
  await test.step('call-ready: a call from SiteA crosses the trunk and SiteB answers', async () => {
    const r = await callOverTrunk();
    expect(r.exitCode, r.output).toBe(0);
    const serverB = sipp.find((s) => s.name === 'SrvB')!;
    const log = readFileSync(serverB.messageLog, 'latin1');
    expect(log).toMatch(/message received[^\n]*\n\s*INVITE sip:2001@/);
    expect(log).toMatch(new RegExp(`Via: SIP/2\\.0/UDP 127\\.0\\.0\\.1:${port.proxyB}`));
    expect(log).toMatch(/message received[^\n]*\n\s*BYE /);
  });
  await context.close();
});
