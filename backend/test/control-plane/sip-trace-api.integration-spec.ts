import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TraceAnswer } from '../../src/contracts/worker-query.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, waitFor } from '../helpers/net.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { sendUdp } from '../helpers/sip-client.js';
import { responseTo, SipTap } from '../helpers/sip-tap.js';

/**
 * GET /api/trace and /api/trace/pcap over the real product: the control plane asks the embedded worker of SIPProxy_1
 * (its trace turned on through the API, live) over the worker channel; a request sent through the proxy to a SIP
 * Server tap is found by its Call-ID and by its number, the pcap is read by tshark. Least privilege and bad input too.
 */
let product: Product;
let admin: string;
let operator: string;
let viewer: string;
let primary: SipTap;
let backup: SipTap;
let sipPort: number;
let proxyPort: number;
const dir = mkdtempSync(join(tmpdir(), 'trace-api-'));
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const trace = (query: string, token = operator) => product.api(`/trace?${query}`, { token });

beforeAll(async () => {
  sipPort = await freePort();
  proxyPort = await freePort();
  const ok = (m: { text: string; method?: string }) => (m.method && m.method !== 'ACK' ? responseTo(m.text, 200, 'OK') : undefined);
  primary = await new SipTap('127.0.0.1', sipPort, { transports: ['udp'] }).start();
  backup = await new SipTap('127.0.0.2', sipPort, { transports: ['udp'] }).start();
  primary.answer = ok;
  backup.answer = ok;
  product = await startProduct({
    DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'traceapi'),
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
  await waitFor(async () => (await trace('app=SIPProxy_1')).status === 200, 60_000, 'the worker of SIPProxy_1 answering', 250);
}, 180_000);

afterAll(async () => {
  await product?.stop();
  await primary?.stop();
  await backup?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/trace (the running worker's SIP trace)", () => {
  it('is off until sip-trace-size is set; then finds a call by Call-ID and by number, as the worker saw it', async () => {
    const off = (await (await trace('app=SIPProxy_1')).json()) as TraceAnswer;
    expect(off.trace).toMatchObject({ enabled: false, held: 0 });
    const r = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token: operator,
      ...json({ options: { sipproxy: { 'sip-trace-size': 200 } } }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    await waitFor(
      async () => ((await (await trace('app=SIPProxy_1')).json()) as TraceAnswer).trace?.enabled === true,
      20_000,
      'trace on',
      200,
    );

    const a = await sendUdp(proxyPort, { method: 'OPTIONS', ruri: 'sip:4242@site-a.example', from: '127.0.0.7', waitMs: 4000 });
    expect(a.status).toBe(200);
    const callId = /^Call-ID:\s*(.+)$/im.exec(a.text)![1].trim();
    const byCall = (await (await trace(`app=SIPProxy_1&q=${encodeURIComponent(callId)}`)).json()) as TraceAnswer & { app: string };
    expect(byCall.app).toBe('SIPProxy_1');
    expect(byCall.items.map((i) => `${i.direction} ${i.remote.address} ${i.status ?? i.method}`)).toEqual([
      'in 127.0.0.7 OPTIONS',
      `out ${primary.host} OPTIONS`,
      `in ${primary.host} 200`,
      'out 127.0.0.7 200',
    ]);
    const byNumber = (await (await trace('app=SIPProxy_1&q=4242')).json()) as TraceAnswer;
    expect(byNumber.items.map((i) => i.callId)).toEqual([callId, callId, callId, callId]);
    const page = (await (await trace('app=SIPProxy_1&q=4242&limit=1')).json()) as TraceAnswer;
    expect(page.items).toHaveLength(1);
    const next = (await (await trace(`app=SIPProxy_1&q=4242&limit=3&after=${page.next}`)).json()) as TraceAnswer;
    expect(next.items.map((i) => i.seq)).toEqual(byNumber.items.slice(1).map((i) => i.seq));
  });

  it('downloads the matching messages as pcap, read by tshark', async () => {
    const res = await product.api('/trace/pcap?app=SIPProxy_1&q=4242', { token: operator });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.tcpdump.pcap');
    expect(res.headers.get('x-trace-messages')).toBe('4');
    const file = join(dir, 'api.pcap');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const ts = spawnSync(
      'tshark',
      [
        '-r',
        file,
        '-d',
        `udp.port==${proxyPort},sip`,
        '-Y',
        'sip',
        '-T',
        'fields',
        '-e',
        'ip.src',
        '-e',
        'ip.dst',
        '-e',
        'sip.CSeq.method',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(ts.status, ts.stderr).toBe(0);
    expect(
      ts.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2).join(' > ')),
    ).toEqual(['127.0.0.7 > 127.0.0.1', `127.0.0.1 > ${primary.host}`, `${primary.host} > 127.0.0.1`, '127.0.0.1 > 127.0.0.7']);
  });

  it('is for operators and admins; bad input is a 400 naming it; unknown application 404; no worker 409', async () => {
    expect((await trace('app=SIPProxy_1', viewer)).status).toBe(403);
    expect((await product.api('/trace/pcap?app=SIPProxy_1', { token: viewer })).status).toBe(403);
    expect((await trace('app=SIPProxy_1', admin)).status).toBe(200);
    const bad = await trace('app=SIPProxy_1&limit=0');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('limit');
    expect((await trace('app=SIPProxy_1&bogus=1')).status).toBe(400);
    expect((await trace(`app=SIPProxy_1&q=${'x'.repeat(300)}`)).status).toBe(400);
    expect((await trace('')).status).toBe(400);
    expect((await trace('app=NoSuchProxy')).status).toBe(404);
    expect((await trace('app=SIPProxy_2')).status).toBe(409);
  });
});
