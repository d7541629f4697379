import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort } from '../helpers/net.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// A worker token holder reports for its own application only. Worker alarms are keyed `<app>:<key>`, and names may
// hold ':'; a report of PX (no alarms) cleared every active alarm whose key starts `PX:`, the alarms of PX:B too.
// Through the running product: PX:B's worker raises an alarm, PX's worker reports none, PX:B's alarm stays.

let product: Product;
let admin: string;
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type Alarms = { active: { key: string; source: string }[] };

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'alarmscope') });
  admin = await product.login();
  const sipPort = await freePort('127.0.0.6');
  await importYaml(
    product,
    admin,
    haPairDeployment({
      sipPort: await freePort(),
      proxies: [
        { name: 'PX', host: '127.0.0.6', sipPort, httpPort: await freePort('127.0.0.6'), oosCheck: 5, oosForce: 5 },
        { name: 'PX:B', host: '127.0.0.7', sipPort, httpPort: await freePort('127.0.0.7'), oosCheck: 5, oosForce: 5 },
      ],
      dn: { number: 'pool', contact: 'pool.example', externalContact: `127.0.0.6:${sipPort}` },
    }),
  );
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

async function workerToken(app: string): Promise<string> {
  const r = await product.api('/workers/tokens', { method: 'POST', token: admin, ...json({ app }) });
  expect(r.status, await r.clone().text()).toBe(201);
  return ((await r.json()) as { token: string }).token;
}

function report(app: string, alarms: unknown[]): Record<string, unknown> {
  return {
    protocol: 1,
    app,
    instanceId: `it-${app.replace(':', '-')}`,
    pid: 1,
    hostname: 'it',
    startedAt: new Date().toISOString(),
    running: true,
    listeners: [],
    pairs: [],
    alarms,
    counters: {},
    connections: 0,
    notes: [],
  };
}

async function send(token: string, body: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${product.url}/api/worker-channel/report`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

describe('worker alarms of applications whose names share a prefix', () => {
  it("PX's report does not clear the alarms of PX:B", async () => {
    const [px, pxb] = [await workerToken('PX'), await workerToken('PX:B')];
    const alarm = {
      key: 'oos:SIPServer_A',
      event: 40001,
      eventName: 'SPR_SIPS_HA_PAIR_UNAVAILABLE',
      severity: 'major',
      reason: 'HA pair SIPServer_A out of service',
      since: new Date().toISOString(),
    };
    await send(pxb, report('PX:B', [alarm]));
    const active = async () =>
      ((await (await product.api('/alarms', { token: admin })).json()) as Alarms).active.map((a) => `${a.source} ${a.key}`);
    expect(await active()).toContain('PX:B PX:B:oos:SIPServer_A');
    await send(px, report('PX', []));
    expect(await active()).toContain('PX:B PX:B:oos:SIPServer_A');
    await send(pxb, report('PX:B', []));
    expect(await active()).not.toContain('PX:B PX:B:oos:SIPServer_A');
  });
});
