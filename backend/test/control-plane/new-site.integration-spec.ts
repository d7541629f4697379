import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';
import { SipServer } from '../helpers/sip-servers.js';
import { runUac, scenario } from '../helpers/sipp.js';
import { freePort, waitFor } from '../helpers/net.js';

/**
 * POST /api/sites over the built product and a real PostgreSQL, from an empty database: one reviewed change makes a
 * site (HA pair, switch, pool DN, proxy); the embedded worker of the new proxy then routes a SIPp call to the new
 * pair. A second site makes the first site's proxy monitor its pair in the same change.
 */
let product: Product;
let admin: string;
let operator: string;
let viewer: string;
let primary: SipServer;
let backup: SipServer;
let serverPort: number;
let proxyPort: number;
let httpPort: number;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type Located = { path: string; code: string; message: string; object?: { kind: string; name: string }; field?: string };
type SiteAnswer = {
  plan: { objects: { kind: string; name: string; action: string }[]; problems: string[] };
  result?: { version: number; committed: boolean; changes: { op: string; object: string; name: string }[] };
  errors: Located[];
};
type WorkerView = { app: string; online: boolean; configVersion?: number; restartPending: boolean; restartPendingOptions: string[] };
type State = { workers: WorkerView[]; pairs: { name: string; state: string }[] };

const site = (o: { name: string; letter: string; sipPort: number; proxyPort: number; httpPort?: number; proxyHost?: string }) => ({
  name: o.name,
  primary: { name: `SIPServer_${o.letter}`, host: '127.0.0.1', sipPort: o.sipPort },
  backup: { name: `SIPServer_${o.letter}_backup`, host: '127.0.0.2', sipPort: o.sipPort },
  pool: {
    options: {
      contact: `proxy.site-${o.letter.toLowerCase()}.example`,
      'external-contact': `127.0.0.1:${o.proxyPort}`,
      'oos-check': 5,
      'oos-force': 5,
    },
  },
  proxies: [
    {
      name: `SIPProxy_${o.letter}1`,
      host: o.proxyHost ?? '127.0.0.1',
      sipPort: o.proxyPort,
      ...(o.httpPort ? { httpPort: o.httpPort } : {}),
      options: { sipproxy: { 'sip-address': o.proxyHost ?? '127.0.0.1', 'oos-check': 1, 'oos-force': 1 } },
    },
  ],
});
const post = (body: unknown, token: string, dryRun = false) =>
  product.api(`/sites${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', token, ...json(body) });
const state = async () => (await (await product.api('/service-state', { token: admin })).json()) as State;
const headVersion = async () =>
  ((await (await product.api('/config/versions?pageSize=1', { token: admin })).json()) as { items: { version: number }[] }).items[0]
    ?.version ?? 0;

beforeAll(async () => {
  serverPort = await freePort();
  proxyPort = await freePort();
  httpPort = await freePort();
  primary = new SipServer('127.0.0.1', serverPort);
  backup = new SipServer('127.0.0.2', serverPort);
  await primary.start();
  await backup.start();
  product = await startProduct({
    DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'newsite'),
    WORKERS_ENABLED: 'true',
    WORKERS_EMBEDDED_APPS: 'SIPProxy_A1',
  });
  admin = await product.login();
  for (const role of ['operator', 'viewer'])
    await product.api('/users', { method: 'POST', token: admin, ...json({ username: role, password: 'password-123', role }) });
  operator = await product.login('operator', 'password-123');
  viewer = await product.login('viewer', 'password-123');
}, 180_000);

afterAll(async () => {
  await product?.stop();
  await primary?.kill();
  await backup?.kill();
}, 60_000);

describe('POST /api/sites', () => {
  it('a viewer may not build a site (403); a malformed body is a 400 naming the field', async () => {
    expect((await post(site({ name: 'SiteA', letter: 'A', sipPort: serverPort, proxyPort }), viewer)).status).toBe(403);
    const bad = await post(
      {
        ...site({ name: 'SiteA', letter: 'A', sipPort: serverPort, proxyPort }),
        primary: { name: 'SIPServer_A', host: 'a b', sipPort: 'x' },
      },
      operator,
    );
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: Located[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['primary.host', 'primary.sipPort']));
  });

  it('a dry run on the empty database returns the plan and the reviewed diff, and saves nothing', async () => {
    const r = await post(site({ name: 'SiteA', letter: 'A', sipPort: serverPort, proxyPort, httpPort }), operator, true);
    expect(r.status).toBe(200);
    const body = (await r.json()) as SiteAnswer;
    expect(body.errors).toEqual([]);
    expect(body.result).toMatchObject({ committed: false, version: 0 });
    expect(body.result!.changes.map((c) => `${c.op} ${c.object} ${c.name}`).sort()).toEqual(
      [
        'add application SIPProxy_A1',
        'add application SIPServer_A',
        'add application SIPServer_A_backup',
        'add dn SiteA/sipproxy-pool',
        'add switch SiteA',
      ].sort(),
    );
    expect(await headVersion()).toBe(0);
  });

  it('every error of the whole change is named on its object, and a refused change saves nothing', async () => {
    const bad = site({ name: 'SiteA', letter: 'A', sipPort: serverPort, proxyPort });
    bad.pool.options = { contact: 'proxy.site-a.example', 'oos-check': 0, 'oos-force': 5 } as typeof bad.pool.options;
    bad.backup.sipPort = serverPort + 1;
    const dry = (await (await post(bad, operator, true)).json()) as SiteAnswer;
    const where = dry.errors.map((e) => `${e.object?.name} ${e.field ?? ''} ${e.code}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'SiteA/sipproxy-pool options.TServer.oos-check oos-disabled',
        expect.stringMatching(/^SiteA\/sipproxy-pool .*external-contact/),
        expect.stringMatching(/ha-sip-port-mismatch$/),
      ]),
    );
    const r = await post(bad, operator);
    expect(r.status).toBe(400);
    const refused = (await r.json()) as { code: string; errors: Located[] };
    expect(refused.code).toBe('CONFIG_INVALID');
    expect(refused.errors.length).toBe(dry.errors.length);
    expect(await headVersion()).toBe(0);
  });

  it("applies the site as one version; the new proxy's worker runs it and routes a call to the new pair; audited", async () => {
    const r = await post(site({ name: 'SiteA', letter: 'A', sipPort: serverPort, proxyPort, httpPort }), operator);
    expect(r.status).toBe(200);
    const body = (await r.json()) as SiteAnswer;
    expect(body.result).toMatchObject({ committed: true, version: 1 });
    await waitFor(
      async () => (await state()).workers.some((w) => w.app === 'SIPProxy_A1' && w.online && w.configVersion === 1),
      30_000,
      'SIPProxy_A1 online on version 1',
    );
    await waitFor(
      async () => (await state()).pairs.find((p) => p.name === 'SIPServer_A')?.state === 'primary-active',
      20_000,
      'SIPServer_A primary-active',
    );
    const calls = await runUac({
      scenario: scenario('uac_call.xml'),
      target: `127.0.0.1:${proxyPort}`,
      transport: 'udp',
      calls: 3,
      rate: 3,
      timeoutS: 30,
    });
    expect(calls.failed, calls.output.slice(-2000)).toBe(0);
    expect(calls.successful).toBe(3);
    const { items } = (await (await product.api('/audit?pageSize=20', { token: admin })).json()) as {
      items: { actor: string; action: string; targetLabel?: string | null }[];
    };
    expect(items.find((i) => i.action === 'POST /api/sites')).toMatchObject({ actor: 'operator' });
    const v = (await (await product.api('/config/versions/1', { token: admin })).json()) as { author: string; summary: string };
    expect(v).toMatchObject({ author: 'operator', summary: expect.stringContaining('new site SiteA') });
  }, 90_000);

  it('a name already taken is refused before anything (regardless of case)', async () => {
    const r = await post(site({ name: 'sitea', letter: 'A', sipPort: serverPort, proxyPort }), operator);
    expect(r.status).toBe(400);
    const body = (await r.json()) as { code: string; message: string };
    expect(body.code).toBe('SITE_PLAN_INVALID');
    expect(body.message).toContain('switch sitea already exists as SiteA');
    expect(await headVersion()).toBe(1);
  });

  it('a second site makes the running proxy monitor the new pair in the same change; the worker reports it pending a restart', async () => {
    const bPort = await freePort();
    const bProxy = await freePort();
    const r = await post(site({ name: 'SiteB', letter: 'B', sipPort: bPort, proxyPort: bProxy, proxyHost: '127.0.0.3' }), admin);
    expect(r.status).toBe(200);
    const body = (await r.json()) as SiteAnswer;
    expect(body.plan.objects.map((o) => `${o.action} ${o.name}`)).toContain('update SIPProxy_A1');
    expect(body.result).toMatchObject({ committed: true, version: 2 });
    const app = (await (await product.api('/applications/SIPProxy_A1', { token: admin })).json()) as {
      options: { sipproxy: Record<string, unknown> };
    };
    expect(app.options.sipproxy.applications).toBe('SIPServer_A,SIPServer_B');
    // applications takes effect after SIP Proxy restart (the registry): the worker says so, naming the option.
    const a1 = async () => (await state()).workers.find((w) => w.app === 'SIPProxy_A1');
    await waitFor(async () => (await a1())?.restartPending === true, 15_000, 'SIPProxy_A1 restart pending');
    expect((await a1())!.restartPendingOptions.join(',')).toContain('applications');
    expect((await product.api('/workers/SIPProxy_A1/restart', { method: 'POST', token: admin })).status).toBe(202);
    await waitFor(
      async () => {
        const w = await a1();
        return w?.online === true && w.configVersion === 2 && !w.restartPending;
      },
      30_000,
      'SIPProxy_A1 restarted on version 2',
    );
  }, 60_000);
});
