import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, waitFor } from '../helpers/net.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { TcpFlow } from '../helpers/sip-client.js';
import { responseTo, SipTap } from '../helpers/sip-tap.js';

/**
 * The route preview and the connection inspector over the real product: control plane, the embedded worker of
 * SIPProxy_1, two SIP Servers (taps answering OPTIONS and REGISTER) and a phone's TCP flow. SIPProxy_2 is configured
 * but has no worker (409). The preview asks the running worker, which routes with its own code and sends nothing.
 */
let product: Product;
let admin: string;
let operator: string;
let viewer: string;
let primary: SipTap;
let backup: SipTap;
let sipPort: number;
let proxyPort: number;
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

type Preview = {
  app: string;
  outcome: string;
  status?: number;
  reason?: string;
  source?: { kind: string; pair?: string; role?: string };
  decision?: { kind: string; pair?: string; reason?: string; target?: { host: string; port?: number } };
  pair?: { name: string; state: string; server?: { name: string; host: string; port: number } };
  relay?: { kind: string; why?: string; what?: string };
  dns?: { candidates: { host: string; port: number; transport: string }[] };
  steps: { step: string; detail: string }[];
};

const preview = async (body: Record<string, unknown>, token = operator) =>
  product.api('/route-preview', { method: 'POST', token, ...json({ app: 'SIPProxy_1', ...body }) });

beforeAll(async () => {
  sipPort = await freePort();
  proxyPort = await freePort();
  const ok = (m: { text: string; method?: string }) =>
    m.method === 'OPTIONS' || m.method === 'REGISTER' ? responseTo(m.text, 200, 'OK') : undefined;
  primary = await new SipTap('127.0.0.1', sipPort, { transports: ['udp'] }).start();
  backup = await new SipTap('127.0.0.2', sipPort, { transports: ['udp'] }).start();
  primary.answer = ok;
  backup.answer = ok;
  product = await startProduct({
    DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'preview'),
    WORKERS_ENABLED: 'true',
    WORKERS_EMBEDDED_APPS: 'SIPProxy_1',
  });
  admin = await product.login();
  for (const [name, role] of [
    ['op', 'operator'],
    ['vw', 'viewer'],
  ] as const) {
    const r = await product.api('/users', {
      method: 'POST',
      token: admin,
      ...json({ username: name, password: `${name}-password-1`, role }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
  }
  operator = await product.login('op', 'op-password-1');
  viewer = await product.login('vw', 'vw-password-1');
  await importYaml(
    product,
    admin,
    haPairDeployment({
      sipPort,
      proxies: [
        { name: 'SIPProxy_1', host: '127.0.0.1', sipPort: proxyPort, httpPort: await freePort(), oosCheck: 1, oosForce: 1 },
        { name: 'SIPProxy_2', host: '127.0.0.3', sipPort: proxyPort, httpPort: await freePort('127.0.0.3'), oosCheck: 1, oosForce: 1 },
      ],
      dn: { number: 'sipproxy-pool', contact: 'proxy.site-a.example', externalContact: `127.0.0.1:${proxyPort}` },
    }),
  );
  // The worker is up and sees its HA pair in service (the preview answers from that live state).
  await waitFor(
    async () => {
      const r = await preview({
        source: { address: '127.0.0.9', port: 5060, transport: 'udp' },
        method: 'INVITE',
        requestUri: 'sip:2000@site-a.example',
        from: 'sip:1000@site-a.example',
      });
      return r.status === 200 && ((await r.json()) as Preview).pair?.state === 'primary-active';
    },
    60_000,
    'the worker of SIPProxy_1 routing to the active server',
    250,
  );
}, 180_000);

afterAll(async () => {
  await product?.stop();
  await primary?.stop();
  await backup?.stop();
});

describe('POST /api/route-preview', () => {
  it("an endpoint's INVITE: to the active server of the serving HA pair, with the rule, the server, DNS and the relay verdict", async () => {
    const t0 = Date.now();
    const r = await preview({
      source: { address: '127.0.0.9', port: 5062, transport: 'udp' },
      method: 'INVITE',
      requestUri: 'sip:2000@site-a.example',
      from: 'sip:1000@site-a.example',
    });
    expect(r.status).toBe(200);
    const p = (await r.json()) as Preview;
    expect(p.outcome).toBe('forward');
    expect(p.source).toEqual({ kind: 'endpoint' });
    expect(p.decision).toMatchObject({ kind: 'pair', pair: 'SIPServer_A', role: 'primary' });
    expect(p.pair).toMatchObject({
      name: 'SIPServer_A',
      state: 'primary-active',
      server: { name: 'SIPServer_A', host: '127.0.0.1', port: sipPort },
    });
    expect(p.relay).toEqual({ kind: 'allow', why: 'sip-server' });
    expect(p.dns?.candidates).toEqual([{ transport: 'udp', host: '127.0.0.1', port: sipPort }]);
    expect(p.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['source', 'rule', 'dns']));
    expect(p.steps.find((s) => s.step === 'rule')?.detail).toContain('serving HA pair SIPServer_A');
    // A preview sends nothing: the SIP Server saw no INVITE.
    expect(primary.requests('INVITE', t0)).toHaveLength(0);
  });

  it("a Route naming a foreign host from an endpoint: the relay policy's refusal, as the worker would answer it", async () => {
    const r = await preview({
      source: { address: '127.0.0.9', port: 5062, transport: 'udp' },
      method: 'INVITE',
      requestUri: 'sip:2000@site-a.example',
      from: 'sip:1000@site-a.example',
      route: ['<sip:198.51.100.7:5060;lr>'],
    });
    const p = (await r.json()) as Preview;
    expect(p).toMatchObject({
      outcome: 'refuse',
      status: 403,
      reason: 'Forbidden (Route Names A Foreign Host)',
      relay: { kind: 'refuse', what: 'foreign-route' },
    });
  });

  it('a pasted message from a SIP Server: routed by its Request-URI', async () => {
    const message = [
      'INVITE sip:1001@127.0.0.50:5070 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.1:${sipPort};branch=z9hG4bKpasted1`,
      'Max-Forwards: 70',
      'From: <sip:2000@site-a.example>;tag=a1',
      'To: <sip:1001@site-a.example>',
      'Call-ID: pasted-1',
      'CSeq: 1 INVITE',
      'Content-Length: 0',
      '',
      '',
    ].join('\n');
    const r = await preview({ source: { address: '127.0.0.1', port: sipPort, transport: 'udp' }, message });
    expect(r.status, await r.clone().text()).toBe(200);
    const p = (await r.json()) as Preview;
    expect(p).toMatchObject({
      outcome: 'forward',
      source: { kind: 'sip-server', pair: 'SIPServer_A', role: 'primary' },
      decision: { kind: 'hop', reason: 'request-uri', target: { host: '127.0.0.50', port: 5070 } },
      relay: { kind: 'allow', why: 'trusted-source' },
    });
    expect(p.dns?.candidates).toEqual([{ transport: 'udp', host: '127.0.0.50', port: 5070 }]);
  });

  it('bad input is a 400 naming each field; an unknown application 404; one with no worker 409; a viewer 403', async () => {
    const missing = await preview({ source: { address: '127.0.0.9' }, method: 'INVITE' });
    expect(missing.status).toBe(400);
    const paths = ((await missing.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['requestUri', 'from']));
    const notSip = await preview({ source: { address: '127.0.0.9' }, message: 'hello there' });
    expect(notSip.status).toBe(400);
    expect(JSON.stringify(await notSip.json())).toContain('message');
    const badAddr = await preview({ source: { address: 'not an address' }, method: 'INVITE', requestUri: 'sip:a@b', from: 'sip:c@d' });
    expect(badAddr.status).toBe(400);
    const crlf = await preview({ source: { address: '127.0.0.9' }, method: 'INVITE', requestUri: 'sip:a@b\r\nX-Evil: 1', from: 'sip:c@d' });
    expect(crlf.status).toBe(400);
    expect(
      (
        await product.api('/route-preview', {
          method: 'POST',
          token: operator,
          ...json({ app: 'NoSuchProxy', source: { address: '127.0.0.9' }, method: 'OPTIONS', requestUri: 'sip:a@b', from: 'sip:c@d' }),
        })
      ).status,
    ).toBe(404);
    const noWorker = await product.api('/route-preview', {
      method: 'POST',
      token: operator,
      ...json({ app: 'SIPProxy_2', source: { address: '127.0.0.9' }, method: 'OPTIONS', requestUri: 'sip:a@b', from: 'sip:c@d' }),
    });
    expect(noWorker.status).toBe(409);
    expect(((await noWorker.json()) as { code: string }).code).toBe('WORKER_NOT_CONNECTED');
    expect(
      (await preview({ source: { address: '127.0.0.9' }, method: 'INVITE', requestUri: 'sip:a@b', from: 'sip:c@d' }, viewer)).status,
    ).toBe(403);
  });
});

type Conn = { id: string; transport: string; peer: string; messagesIn: number; flows: { aor: string; contact: string }[] };
type Conns = { total: number; items: Conn[]; keepAlive: { enabled: boolean } };

describe('GET /api/workers/{id}/connections and closing one', () => {
  it("shows a phone's TCP connection with the registration stuck to it, filters, and closes it (admins only, audited)", async () => {
    const flow = await TcpFlow.open(proxyPort, '127.0.0.11');
    try {
      const reg = await flow.request({
        method: 'REGISTER',
        ruri: 'sip:1011@site-a.example',
        headers: [`Contact: <sip:1011@127.0.0.11:${flow.sock.localPort};transport=tcp>`, 'Expires: 600'],
      });
      expect(reg.status).toBe(200);
      const list = async (query = '', token = operator) => product.api(`/workers/SIPProxy_1/connections${query}`, { token });
      let mine: Conn | undefined;
      await waitFor(
        async () => {
          const body = (await (await list('?q=127.0.0.11')).json()) as Conns;
          mine = body.items.find((c) => c.peer === `127.0.0.11:${flow.sock.localPort}`);
          return !!mine?.flows.length;
        },
        10_000,
        'the registration on the connection',
      );
      expect(mine).toMatchObject({ transport: 'tcp', flows: [{ aor: 'sip:1011@site-a.example' }] });
      expect(mine!.messagesIn).toBeGreaterThanOrEqual(1);
      // Filters and paging.
      expect(((await (await list('?transport=tls')).json()) as Conns).items.find((c) => c.id === mine!.id)).toBeUndefined();
      expect(((await (await list('?q=1011@SITE-A')).json()) as Conns).items.map((c) => c.id)).toContain(mine!.id);
      const page = (await (await list('?limit=1&offset=0')).json()) as Conns;
      expect(page.items.length).toBeLessThanOrEqual(1);
      // Bad input and least privilege.
      expect((await list('?limit=0')).status).toBe(400);
      expect((await list('?transport=sctp')).status).toBe(400);
      expect((await list('', viewer)).status).toBe(403);
      const del = (id: string, token: string) => product.api(`/workers/SIPProxy_1/connections/${id}`, { method: 'DELETE', token });
      expect((await del(mine!.id, operator)).status).toBe(403);
      expect((await del('not-an-id', admin)).status).toBe(400);
      expect((await del('tcp-999999999', admin)).status).toBe(404);
      const closed = await del(mine!.id, admin);
      expect(closed.status, await closed.clone().text()).toBe(200);
      await flow.closed;
      const audit = JSON.stringify(await (await product.api('/audit', { token: admin })).json());
      expect(audit).toContain(`/api/workers/SIPProxy_1/connections/${mine!.id}`);
    } finally {
      flow.close();
    }
    expect((await product.api('/workers/SIPProxy_2/connections', { token: operator })).status).toBe(409);
  });
});
