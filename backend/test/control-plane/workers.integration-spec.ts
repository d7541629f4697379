import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgres } from '../../src/control-plane/database/embedded-postgres.js';
import { runUac, scenario } from '../helpers/sipp.js';
import { importYaml, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { SipServer } from '../helpers/sip-servers.js';
import { liveStream } from '../helpers/live-stream.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';

/**
 * The product as one: control plane + embedded worker + SIPp SIP Servers, on a PostgreSQL this test can kill.
 * Steps run in order and share the deployment.
 */
let product: Product;
let token: string;
let pg: EmbeddedPostgres;
let pgDir: string;
let pgPort: number;
let primary: SipServer;
let backup: SipServer;
let proxyPort: number;
let httpPort: number;
const remote: ChildProcess[] = [];

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type WorkerView = {
  app: string;
  online: boolean;
  configVersion?: number;
  restartPending: boolean;
  restartPendingOptions: string[];
  instanceId?: string;
  pid?: number;
  kind: string;
};
type State = {
  configVersion: number;
  workers: WorkerView[];
  pairs: { name: string; state: string; views: { worker: string; state: string }[] }[];
};
type Alarm = { key: string; reason: string; trigger: string | null; eventId: number | null; active: boolean; clearedAt: string | null };

const state = async (): Promise<State> => (await (await product.api('/service-state', { token })).json()) as State;
const worker = async (app = 'SIPProxy_1') => (await state()).workers.find((w) => w.app === app);
const alarms = async () =>
  (await (await product.api('/alarms?pageSize=100', { token })).json()) as { active: Alarm[]; history: { items: Alarm[] } };

function deployment(sipPort: number, oosCheck: number): string {
  const proxy = { sipPort: proxyPort, httpPort, oosCheck, oosForce: 1 };
  return haPairDeployment({
    sipPort,
    proxies: [
      { name: 'SIPProxy_1', host: '127.0.0.1', ...proxy },
      { name: 'SIPProxy_2', host: '127.0.0.3', ...proxy },
    ],
    dn: { number: 'sipproxy-pool', contact: 'proxy.site-a.example', externalContact: `127.0.0.1:${proxyPort}` },
  });
}

beforeAll(async () => {
  pgDir = mkdtempSync(join(tmpdir(), 'sipedge-workers-pg-'));
  pg = new EmbeddedPostgres(pgDir);
  pgPort = await freePort();
  const url = await pg.start('sipedge', pgPort);
  const sipPort = await freePort();
  proxyPort = await freePort();
  httpPort = await freePort();
  primary = new SipServer('127.0.0.1', sipPort);
  backup = new SipServer('127.0.0.2', sipPort);
  await primary.start();
  await backup.start();
  product = await startProduct({ DATABASE_URL: url, WORKERS_ENABLED: 'true', WORKERS_EMBEDDED_APPS: 'SIPProxy_1' });
  token = await product.login();
  await importYaml(product, token, deployment(sipPort, 3));
}, 180_000);

afterAll(async () => {
  for (const c of remote) if (c.exitCode === null) c.kill('SIGKILL');
  await product?.stop();
  await primary?.kill();
  await backup?.kill();
  await pg?.stop();
  rmSync(pgDir, { recursive: true, force: true });
}, 60_000);

describe('workers under the control plane', () => {
  it('runs an embedded worker on the pushed configuration', async () => {
    await waitFor(
      async () => (await worker())?.online === true && (await worker())?.configVersion === 1,
      30_000,
      'SIPProxy_1 online on version 1',
    );
    await waitFor(
      async () => (await state()).pairs.find((p) => p.name === 'SIPServer_A')?.state === 'primary-active',
      20_000,
      'pair primary-active',
    );
    const health = (await (await product.api('/health')).json()) as { workers: { app: string; online: boolean }[] };
    expect(health.workers).toContainEqual(expect.objectContaining({ app: 'SIPProxy_1', online: true }));
  });

  it('applies a changed oos-check live: the probe interval changes on the wire and no call fails', async () => {
    const calls = runUac({
      scenario: scenario('uac_call.xml'),
      target: `127.0.0.1:${proxyPort}`,
      transport: 'udp',
      calls: 120,
      rate: 8,
      timeoutS: 60,
    });
    await sleep(8000);
    const changedAt = Date.now();
    const r = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token,
      ...json({ options: { sipproxy: { 'oos-check': 1 } } }),
    });
    expect(r.status).toBe(200);
    const version = ((await r.json()) as { version: number }).version;
    await waitFor(async () => (await worker())?.configVersion === version, 5000, 'the change applied');
    expect((await worker())?.restartPending).toBe(false);
    const result = await calls;
    expect(result.failed, result.output.slice(-2000)).toBe(0);
    expect(result.successful).toBe(120);
    const times = primary.optionsTimes();
    const gaps = (from: number, to: number) =>
      times
        .filter((t) => t > from && t < to)
        .map((t, i, a) => (i ? t - a[i - 1] : NaN))
        .filter((g) => !Number.isNaN(g));
    const before = gaps(changedAt - 8000, changedAt);
    const after = gaps(changedAt + 1500, Date.now());
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(before.length).toBeGreaterThan(0);
    expect(median(before)).toBeGreaterThan(2500);
    expect(median(after)).toBeLessThan(1500);
  }, 120_000);

  it('keeps an after-restart change pending until an operator restarts the worker', async () => {
    const r = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token,
      ...json({ options: { sipproxy: { 'resolve-host': true } } }),
    });
    const version = ((await r.json()) as { version: number }).version;
    await waitFor(async () => (await worker())?.restartPending === true, 5000, 'restart pending');
    const w = (await worker())!;
    expect(w.configVersion).toBeLessThan(version);
    expect(w.restartPendingOptions.join(',')).toMatch(/resolve/i);
    const viewer = await product.api('/users', {
      method: 'POST',
      token,
      ...json({ username: 'w-viewer', password: 'password-123', role: 'viewer' }),
    });
    expect(viewer.status).toBe(201);
    const vt = await product.login('w-viewer', 'password-123');
    expect((await product.api('/workers/SIPProxy_1/restart', { method: 'POST', token: vt })).status).toBe(403);
    expect((await product.api('/workers/SIPProxy_1/restart', { method: 'POST', token })).status).toBe(202);
    await waitFor(
      async () => {
        const x = await worker();
        return x?.online === true && x.configVersion === version && !x.restartPending;
      },
      15_000,
      'restarted on the new version',
    );
  }, 60_000);

  it('raises an out-of-service alarm when both SIP Servers stop, live, and clears it when one returns', async () => {
    const live = liveStream(product.url, token);
    await sleep(500);
    await primary.kill();
    await backup.kill();
    const stoppedAt = Date.now();
    const key = 'SIPProxy_1:ha-pair-unavailable:SIPServer_A';
    await waitFor(async () => (await alarms()).active.some((a) => a.key === key), 15_000, 'out-of-service alarm');
    const elapsed = Date.now() - stoppedAt;
    const alarm = (await alarms()).active.find((a) => a.key === key)!;
    expect(alarm.eventId).toBe(40001);
    console.log(`out-of-service alarm raised ${elapsed} ms after both SIP Servers stopped (oos-check 1 s + probe timeouts)`);
    await waitFor(
      () =>
        live.events.some(
          (e) =>
            e.event === 'alarm' &&
            (JSON.parse(e.data) as { action: string; alarm: Alarm }).action === 'raised' &&
            (JSON.parse(e.data) as { alarm: Alarm }).alarm.key === key,
        ),
      5000,
      'alarm on the live stream',
    );
    expect((await state()).pairs.find((p) => p.name === 'SIPServer_A')?.state).toBe('out-of-service');
    await primary.start();
    await waitFor(async () => !(await alarms()).active.some((a) => a.key === key), 15_000, 'alarm cleared');
    expect((await alarms()).history.items.some((a) => a.key === key && a.clearedAt)).toBe(true);
    await waitFor(
      () => live.events.some((e) => e.event === 'alarm' && (JSON.parse(e.data) as { action: string }).action === 'cleared'),
      5000,
      'cleared on the live stream',
    );
    live.close();
    await backup.start();
  }, 60_000);

  it('keeps every call up while PostgreSQL is killed, and recovers without a restart', async () => {
    await waitFor(async () => (await state()).pairs.find((p) => p.name === 'SIPServer_A')?.state === 'primary-active', 10_000, 'pair back');
    const calls = runUac({
      scenario: scenario('uac_call.xml'),
      target: `127.0.0.1:${proxyPort}`,
      transport: 'udp',
      calls: 100,
      rate: 8,
      timeoutS: 60,
    });
    await sleep(3000);
    const pid = pg.status().pid!;
    process.kill(pid, 'SIGKILL');
    await sleep(4000);
    const down = await product.api('/health');
    expect(down.status).toBe(503);
    pg = new EmbeddedPostgres(pgDir);
    await pg.start('sipedge', pgPort);
    const result = await calls;
    expect(result.failed, result.output.slice(-2000)).toBe(0);
    await waitFor(async () => (await product.api('/health')).status === 200, 30_000, 'database back');
    const r = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token,
      ...json({ options: { sipproxy: { 'oos-check': 2 } } }),
    });
    expect(r.status).toBe(200);
    const version = ((await r.json()) as { version: number }).version;
    await waitFor(async () => (await worker())?.configVersion === version, 10_000, 'push after recovery');
  }, 120_000);

  it('brings a kill -9ed embedded worker back by itself (time printed), with the gap as an alarm', async () => {
    const before = (await worker())!;
    process.kill(before.pid!, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      async () => {
        const w = await worker();
        return !!w?.online && w.instanceId !== before.instanceId;
      },
      8000,
      'worker back',
    );
    console.log(`embedded worker back ${Date.now() - killedAt} ms after kill -9`);
    await waitFor(
      async () => (await alarms()).history.items.some((a) => a.key === 'worker-down:SIPProxy_1' && !!a.clearedAt),
      5000,
      'worker-down in the history',
    );
  }, 30_000);

  it('refuses a token request without a proper application name with 400 naming the field', async () => {
    for (const body of [{}, { app: '' }, { app: 7 }, { app: 'SIPProxy_2', extra: 1 }, { app: 'a\nb' }]) {
      const r = await product.api('/workers/tokens', { method: 'POST', token, ...json(body) });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { code: string }).code).toBe('INVALID_BODY');
    }
  });

  it('shows a remote worker started with its token, and refuses a wrong token', async () => {
    const created = await product.api('/workers/tokens', { method: 'POST', token, ...json({ app: 'SIPProxy_2' }) });
    expect(created.status).toBe(201);
    const { token: workerToken } = (await created.json()) as { token: string };
    const cli = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
    const bad = spawn(process.execPath, [cli, '--control-plane', product.url, '--app', 'SIPProxy_2'], {
      stdio: 'ignore',
      env: { ...process.env, SIPEDGE_WORKER_TOKEN: 'swt_wrong' },
    });
    remote.push(bad);
    const badExit = await new Promise<number | null>((r) => bad.once('exit', r));
    expect(badExit).toBe(3);
    const good = spawn(process.execPath, [cli, '--control-plane', product.url, '--app', 'SIPProxy_2'], {
      stdio: 'ignore',
      env: { ...process.env, SIPEDGE_WORKER_TOKEN: workerToken },
    });
    remote.push(good);
    await waitFor(
      async () => {
        const w = await worker('SIPProxy_2');
        return !!w?.online && w.kind === 'remote';
      },
      15_000,
      'remote worker online',
    );
    const wrongApp = await fetch(`${product.url}/api/worker-channel/stream?app=SIPProxy_1`, {
      headers: { authorization: `Bearer ${workerToken}` },
    });
    expect(wrongApp.status).toBe(403);
    good.kill('SIGTERM');
  }, 40_000);
});
