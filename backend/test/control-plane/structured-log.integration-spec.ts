import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FIXTURE_CERTS } from '../fixtures/config/index.js';
import { Logger as WorkerLogger } from '../../src/worker/log.js';
import { ADMIN_PASSWORD, freshDatabase, startProduct, type Product } from '../helpers/product.js';

/**
 * The control plane's log over the running product: every line is one JSON object in the workers' shape (level, ts,
 * app, msg), API calls carry a request id (the caller's X-Request-Id or a new one, echoed) in every line they cause,
 * and no credential or secret option value is ever written: not the password of a login, not a session token or
 * cookie, not a certificate-key or http-token sent in a body.
 */

type Line = {
  level: string;
  ts: string;
  app: string;
  msg: string;
  requestId?: string;
  req?: { method: string; path: string };
  res?: { statusCode: number };
  [k: string]: unknown;
};

const KEY = readFileSync(FIXTURE_CERTS.proxyKey, 'utf8');
const KEY_BODY = KEY.split('\n')[1]; // a line of base64 that only the key contains
const HTTP_TOKEN = 'http-token-never-logged-7f3a9c';
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

let product: Product;
let admin: string;
const lines = (): Line[] =>
  product
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
const ofRequest = (id: string) => lines().filter((l) => l.requestId === id);
/** The completed-request line is written once the response is finished; the client may see the answer first. */
async function completed(id: string): Promise<Line> {
  for (let i = 0; i < 200; i++) {
    const l = ofRequest(id).find((x) => x.res);
    if (l) return l;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no completed line for request ${id}:\n${product.output().slice(-3000)}`);
}

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'logs'), LOG_LEVEL: 'info' });
  admin = await product.login();
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

describe('structured log of the control plane', () => {
  it("every line written is one JSON object with the workers' fields", () => {
    const text = product
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('SIP Edge is up'));
    expect(text.length).toBeGreaterThan(0);
    for (const l of text) {
      const r = JSON.parse(l) as Line;
      expect(r, l).toMatchObject({
        level: expect.stringMatching(/^(debug|info|warn|error|fatal|trace)$/),
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        app: 'control-plane',
        msg: expect.any(String),
      });
    }
    // The worker's logger writes the same keys (one pipeline reads both).
    const worker: string[] = [];
    new WorkerLogger('SIPProxy_1', (l) => worker.push(l)).event(40004, 'info');
    expect(Object.keys(JSON.parse(worker[0]) as object).sort()).toEqual(['app', 'event', 'eventName', 'level', 'msg', 'ts']);
    expect(JSON.parse(worker[0])).toMatchObject({ event: 40004, eventName: 'SPR_PROXY_INITIALIZED', level: 'info' });
  });

  it("a caller's X-Request-Id is echoed and carried by the request's line", async () => {
    const r = await product.api('/config/head', { token: admin, headers: { 'x-request-id': 'it-log-req-1' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-request-id')).toBe('it-log-req-1');
    const l = await completed('it-log-req-1');
    expect(l).toMatchObject({
      app: 'control-plane',
      level: 'info',
      req: { method: 'GET', path: '/api/config/head' },
      res: { statusCode: 200 },
    });
  });

  it('without one, or with an unusable one, the product makes an id, echoes it and logs it', async () => {
    for (const given of [undefined, 'bad id with spaces', 'x'.repeat(300)]) {
      const r = await product.api('/config/head', { token: admin, headers: given ? { 'x-request-id': given } : {} });
      const id = r.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await completed(id!)).res).toEqual({ statusCode: 200 });
    }
  });

  it('every line a request causes carries its id: a refused login logs its warning with the id', async () => {
    const r = await product.api('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'it-log-login' },
      body: JSON.stringify({ username: 'admin', password: 'wrong-password-for-log' }),
    });
    expect(r.status).toBe(401);
    await completed('it-log-login');
    const mine = ofRequest('it-log-login');
    expect(mine.map((l) => l.msg)).toContainEqual(expect.stringMatching(/^login refused for 'admin' from .*: wrong password$/));
    expect(mine.find((l) => l.res)).toMatchObject({ level: 'warn', res: { statusCode: 401 } });
    // The early gates answer with an id too (here the 401 of a large-body path before the body is read).
    const g = await product.api('/config/import', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'version: 1\n',
    });
    expect(g.status).toBe(401);
    expect(g.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('no credential or secret reaches the log', async () => {
    const cookieLogin = await product.api('/auth/login', { method: 'POST', ...json({ username: 'admin', password: ADMIN_PASSWORD }) });
    const cookie = cookieLogin.headers.get('set-cookie') ?? '';
    const yaml = `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: 5070 }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: 5070 } }
  - name: SIPProxy_1
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: 5060, http-port: 8090 }
    options:
      sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, oos-check: 5, oos-force: 5, http-token: ${HTTP_TOKEN} }
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: pool.example, external-contact: "127.0.0.1:5060", oos-check: 5, oos-force: 5 } } }
`;
    const i = await product.api('/config/import', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/yaml', 'x-request-id': 'it-log-import' },
      body: yaml,
    });
    expect(i.status, await i.clone().text()).toBe(200);
    const p = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token: admin,
      headers: { 'x-request-id': 'it-log-patch', cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ options: { security: { 'certificate-key': KEY }, sipproxy: { 'http-token': HTTP_TOKEN } } }),
    });
    expect(p.status, await p.clone().text()).toBe(200);
    await completed('it-log-import');
    await completed('it-log-patch');
    const out = product.output();
    expect(out).not.toContain(ADMIN_PASSWORD);
    expect(out).not.toContain('wrong-password-for-log');
    expect(out).not.toContain(admin);
    const sessionCookie = /=([^;]+)/.exec(cookie)?.[1];
    if (sessionCookie) expect(out).not.toContain(sessionCookie);
    expect(out).not.toContain(KEY_BODY);
    expect(out).not.toContain(HTTP_TOKEN);
  });
});
