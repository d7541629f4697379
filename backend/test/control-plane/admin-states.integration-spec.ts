import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { sendUdp } from '../helpers/sip-client.js';
import { processesOf } from '../helpers/sip-probe.js';
import { header, responseTo, SipTap, type TapMessage } from '../helpers/sip-tap.js';

/**
 * Administrative states over the real product (issue 17): control plane + embedded worker + two scripted SIP
 * Servers (sip-tap) and a UAC (sip-client). Steps run in order and share the deployment: drain, stop, a restart of
 * the control plane, a manual switchover.
 */
let product: Product;
let token: string;
let dbUrl: string;
let dataDir: string;
let port: number;
let proxyPort: number;
let httpPort: number;
let primary: SipTap;
let backup: SipTap;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type AppView = {
  name: string;
  state: string;
  changedBy?: string;
  workers: { online: boolean; running: boolean; applied?: string; activeDialogs: number; flows: number; rejectedDraining: number }[];
};
type ServerView = {
  name: string;
  state: string;
  pair?: string;
  role?: string;
  proxies: { worker: string; pairState: string; applied: boolean }[];
};
type Alarm = { key: string };

const appState = async (): Promise<AppView> =>
  (await (await product.api('/applications/SIPProxy_1/admin-state', { token })).json()) as AppView;
const serverState = async (name: string): Promise<ServerView> =>
  (await (await product.api(`/sip-servers/${name}/admin-state`, { token })).json()) as ServerView;
const putApp = (state: unknown, t = token) =>
  product.api('/applications/SIPProxy_1/admin-state', { method: 'PUT', token: t, ...json({ state }) });
const putServer = (name: string, state: unknown, t = token) =>
  product.api(`/sip-servers/${name}/admin-state`, { method: 'PUT', token: t, ...json({ state }) });
const activeAlarms = async () =>
  ((await (await product.api('/alarms?pageSize=100', { token })).json()) as { active: Alarm[] }).active.map((a) => a.key);
const invite = () =>
  sendUdp(proxyPort, {
    method: 'INVITE',
    ruri: `sip:1001@127.0.0.1:${proxyPort}`,
    from: '127.0.0.5',
    headers: ['Contact: <sip:uac@127.0.0.5>'],
  });
const register = () =>
  sendUdp(proxyPort, {
    method: 'REGISTER',
    ruri: 'sip:127.0.0.1',
    from: '127.0.0.5',
    headers: ['Contact: <sip:uac@127.0.0.5>', 'Expires: 60'],
  });
const options = () => sendUdp(proxyPort, { method: 'OPTIONS', ruri: `sip:127.0.0.1:${proxyPort}`, from: '127.0.0.5', waitMs: 1500 });
const workerProcesses = () => [...processesOf('keeper.js', 'SIPProxy_1', dataDir), ...processesOf('worker/cli.js', 'SIPProxy_1', dataDir)];

/** A SIP Server: OPTIONS 200; INVITE 200 with its Contact and the proxy's Record-Route (RFC 3261 §12.1.1); BYE and REGISTER 200. */
function sipServer(host: string, sipPort: number): SipTap {
  const tap = new SipTap(host, sipPort);
  tap.answer = (m: TapMessage) => {
    if (m.method === 'INVITE') {
      const rr = m.text.split('\r\n').filter((l) => /^record-route\s*:/i.test(l));
      return responseTo(m.text, 200, 'OK', [...rr, `Contact: <sip:uas@${host}:${sipPort}>`]);
    }
    return responseTo(m.text, 200, 'OK');
  };
  return tap;
}

async function start(): Promise<void> {
  product = await startProduct({
    DATABASE_URL: dbUrl,
    DATA_DIR: dataDir,
    PORT: String(port),
    WORKERS_ENABLED: 'true',
    WORKERS_EMBEDDED_APPS: 'SIPProxy_1',
  });
  token = await product.login();
}

beforeAll(async () => {
  dbUrl = await freshDatabase(inject('postgresAdminUrl'), 'adminstates');
  dataDir = mkdtempSync(join(tmpdir(), 'sipedge-admin-states-'));
  port = await freePort();
  const sipPort = await freePort();
  proxyPort = await freePort();
  httpPort = await freePort();
  primary = await sipServer('127.0.0.1', sipPort).start();
  backup = await sipServer('127.0.0.2', sipPort).start();
  await start();
  await importYaml(
    product,
    token,
    haPairDeployment({
      sipPort,
      proxies: [{ name: 'SIPProxy_1', host: '127.0.0.1', sipPort: proxyPort, httpPort, oosCheck: 1, oosForce: 1 }],
      dn: { number: 'sipproxy-pool', contact: 'proxy.site-a.example', externalContact: `127.0.0.1:${proxyPort}` },
    }),
  );
  await waitFor(async () => (await options()).status === 200, 30_000, 'the embedded worker answers');
}, 180_000);

afterAll(async () => {
  await product?.stop();
  await primary?.stop();
  await backup?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('administrative state of a SIP Proxy application', () => {
  it('reads active before anyone set it, and refuses bad input with 4xx naming it', async () => {
    expect(await appState()).toMatchObject({ name: 'SIPProxy_1', state: 'active' });
    const bad = await putApp('paused');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('state');
    expect(
      (await product.api('/applications/SIPProxy_1/admin-state', { method: 'PUT', token, ...json({ state: 'drained', extra: 1 }) })).status,
    ).toBe(400);
    expect(
      (
        await product.api('/applications/SIPProxy_1/admin-state', {
          method: 'PUT',
          token,
          headers: { 'content-type': 'application/json' },
          body: '{',
        })
      ).status,
    ).toBe(400);
    expect(
      (await product.api('/applications/NoSuchProxy/admin-state', { method: 'PUT', token, ...json({ state: 'drained' }) })).status,
    ).toBe(404);
    const server = await product.api('/applications/SIPServer_A/admin-state', { method: 'PUT', token, ...json({ state: 'drained' }) });
    expect(server.status).toBe(400);
    expect(((await server.json()) as { code: string }).code).toBe('NOT_A_SIP_PROXY');
    expect((await putServer('SIPServer_A', 'drained')).status).toBe(400);
    expect((await putServer('SIPProxy_1', 'out-of-service')).status).toBe(400);
  });

  it('least privilege: a viewer changes nothing; an operator drains but only an admin stops', async () => {
    for (const [username, role] of [
      ['as-viewer', 'viewer'],
      ['as-operator', 'operator'],
    ]) {
      expect((await product.api('/users', { method: 'POST', token, ...json({ username, password: 'password-123', role }) })).status).toBe(
        201,
      );
    }
    const viewer = await product.login('as-viewer', 'password-123');
    const operator = await product.login('as-operator', 'password-123');
    expect((await putApp('drained', viewer)).status).toBe(403);
    expect((await putServer('SIPServer_A', 'out-of-service', viewer)).status).toBe(403);
    expect((await product.api('/applications/SIPProxy_1/admin-state', { token: viewer })).status).toBe(200);
    expect((await putApp('stopped', operator)).status).toBe(403);
    expect((await appState()).state).toBe('active');
    const r = await putApp('drained', operator);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ state: 'drained', changedBy: 'as-operator' });
    expect((await putApp('active', operator)).status).toBe(200);
  });

  it('drained: a new INVITE and REGISTER get 503 with Retry-After, a BYE in a call set up before passes; the dialogs count down', async () => {
    const call = await invite();
    expect(call.status).toBe(200);
    const route = call.text
      .split('\r\n')
      .filter((l) => /^record-route\s*:/i.test(l))
      .map((l) => l.replace(/^record-route\s*:\s*/i, 'Route: '));
    expect(route.length).toBeGreaterThan(0);
    await waitFor(async () => (await appState()).workers[0]?.activeDialogs === 1, 10_000, 'one dialog counted');

    expect((await putApp('drained')).status).toBe(200);
    await waitFor(async () => (await appState()).workers[0]?.applied === 'drained', 10_000, 'the worker applies drained');
    const refused = await invite();
    expect(refused.status).toBe(503);
    expect(header(refused.text, 'Retry-After')).toMatch(/^\d+$/);
    const reg = await register();
    expect(reg.status).toBe(503);
    expect(header(reg.text, 'Retry-After')).toMatch(/^\d+$/);
    expect((await options()).status).toBe(200); // the proxy itself still answers (it is drained, not down)

    const callId = header(call.text, 'Call-ID')!;
    const fromTag = /tag=([^;>\s]+)/.exec(header(call.text, 'From')!)![1];
    const toTag = /tag=([^;>\s]+)/.exec(header(call.text, 'To')!)![1];
    const byesBefore = primary.requests('BYE').length;
    const bye = await sendUdp(proxyPort, {
      method: 'BYE',
      ruri: `sip:uas@127.0.0.1:${primary.port}`,
      from: '127.0.0.5',
      headers: route,
      callId,
      fromTag,
      toTag,
      cseq: 2,
    });
    expect(bye.status).toBe(200);
    expect(primary.requests('BYE').length).toBe(byesBefore + 1);
    await waitFor(async () => (await appState()).workers[0]?.activeDialogs === 0, 10_000, 'the dialogs counted down to 0');
    const w = (await appState()).workers[0];
    expect(w.rejectedDraining).toBeGreaterThanOrEqual(2);
    expect(await activeAlarms()).toEqual([]);
  }, 60_000);

  it('shows the state on the dashboard apart from failures, and audits the change', async () => {
    const st = (await (await product.api('/service-state', { token })).json()) as {
      workers: { app: string; online: boolean; adminState: string }[];
    };
    expect(st.workers.find((w) => w.app === 'SIPProxy_1')).toMatchObject({ online: true, adminState: 'drained' });
    const audit = JSON.stringify(await (await product.api('/audit?pageSize=50', { token })).json());
    expect(audit).toContain('administrative state of application SIPProxy_1 (drained)');
  });

  it('survives a restart of the worker: a killed worker comes back drained', async () => {
    const before = workerProcesses();
    const workerPid = processesOf('worker/cli.js', 'SIPProxy_1', dataDir)[0];
    process.kill(workerPid, 'SIGKILL');
    await waitFor(
      () => {
        const p = processesOf('worker/cli.js', 'SIPProxy_1', dataDir);
        return p.length === 1 && p[0] !== workerPid;
      },
      20_000,
      'the keeper restarted the worker',
    );
    await waitFor(async () => (await options()).status === 200, 20_000, 'the new worker answers');
    expect((await invite()).status).toBe(503);
    expect(before.length).toBe(2);
  }, 60_000);

  it('stopped: the worker stops and the supervisor does not restart it; no worker-down alarm', async () => {
    expect((await putApp('stopped')).status).toBe(200);
    await waitFor(() => workerProcesses().length === 0, 20_000, 'keeper and worker gone');
    await waitFor(
      async () => {
        const w = (await appState()).workers[0];
        return !w || !w.online;
      },
      20_000,
      'offline',
    );
    // The supervisor restarts a lost keeper within 0.5 s and polls every 0.5 s: several of its rounds pass here.
    await sleep(3000);
    expect(workerProcesses()).toEqual([]);
    expect((await options()).status).toBe(0);
    expect(await activeAlarms()).toEqual([]);
    const st = (await (await product.api('/service-state', { token })).json()) as {
      workers: { app: string; online: boolean; adminState: string }[];
    };
    expect(st.workers.find((w) => w.app === 'SIPProxy_1')).toMatchObject({ online: false, adminState: 'stopped' });
  }, 60_000);

  it('survives a restart of the control plane: still stopped, until started (active)', async () => {
    await product.stop();
    await start();
    expect(await appState()).toMatchObject({ state: 'stopped', changedBy: 'admin' });
    await sleep(3000);
    expect(workerProcesses()).toEqual([]);
    expect((await options()).status).toBe(0);
    expect((await putApp('active')).status).toBe(200);
    await waitFor(async () => (await options()).status === 200, 30_000, 'started again');
    await waitFor(async () => (await appState()).workers[0]?.applied === 'active', 10_000, 'the worker applies active');
    expect((await invite()).status).toBe(200);
    expect(await activeAlarms()).toEqual([]);
  }, 120_000);
});

describe('administrative state of a SIP Server (manual switchover)', () => {
  it('forcing the primary out of service switches its pair to the backup: new calls go there, its OPTIONS answers do not bring it back, no alarm', async () => {
    await waitFor(async () => (await serverState('SIPServer_A')).proxies[0]?.pairState === 'primary-active', 20_000, 'pair primary-active');
    const r = await putServer('SIPServer_A', 'out-of-service');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ name: 'SIPServer_A', state: 'out-of-service', pair: 'SIPServer_A', role: 'primary' });
    await waitFor(
      async () => {
        const p = (await serverState('SIPServer_A')).proxies[0];
        return p?.pairState === 'backup-active' && p.applied;
      },
      10_000,
      'switched over to the backup',
    );
    const t0 = Date.now();
    expect((await invite()).status).toBe(200);
    expect(backup.requests('INVITE', t0).length).toBe(1);
    expect(primary.requests('INVITE', t0).length).toBe(0);
    // oos-check is 1 s and the primary answers every OPTIONS with 200: a few probe rounds pass, it stays out.
    await sleep(3000);
    expect((await serverState('SIPServer_A')).proxies[0]?.pairState).toBe('backup-active');
    expect(await activeAlarms()).toEqual([]);
    const st = (await (await product.api('/service-state', { token })).json()) as {
      pairs: { name: string; adminOutOfService: string[] }[];
    };
    expect(st.pairs.find((p) => p.name === 'SIPServer_A')?.adminOutOfService).toEqual(['SIPServer_A']);
  }, 60_000);

  it('forcing the backup out too takes the pair out of service without an alarm; survives a control-plane restart', async () => {
    expect((await putServer('SIPServer_A_backup', 'out-of-service')).status).toBe(200);
    await waitFor(async () => (await serverState('SIPServer_A')).proxies[0]?.pairState === 'out-of-service', 10_000, 'pair out of service');
    const refused = await invite();
    expect(refused.status).toBe(503);
    expect(await activeAlarms()).toEqual([]);
    await product.stop();
    await start();
    expect((await serverState('SIPServer_A_backup')).state).toBe('out-of-service');
    await waitFor(async () => (await options()).status === 200, 30_000, 'the worker is back');
    await waitFor(
      async () => (await serverState('SIPServer_A')).proxies[0]?.pairState === 'out-of-service',
      20_000,
      'still out of service after the restart',
    );
  }, 120_000);

  it('clearing returns the servers to probe-driven state', async () => {
    expect((await putServer('SIPServer_A_backup', 'active')).status).toBe(200);
    expect((await putServer('SIPServer_A', 'active')).status).toBe(200);
    await waitFor(
      async () => ['primary-active', 'backup-active'].includes((await serverState('SIPServer_A')).proxies[0]?.pairState ?? ''),
      10_000,
      'the probes brought the pair back',
    );
    expect((await invite()).status).toBe(200);
    expect(await activeAlarms()).toEqual([]);
    const audit = JSON.stringify(await (await product.api('/audit?pageSize=100', { token })).json());
    expect(audit).toContain('administrative state of SIP Server SIPServer_A (out-of-service)');
  }, 60_000);
});
