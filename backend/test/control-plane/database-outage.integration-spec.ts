import { mkdtempSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runUac, scenario } from '../helpers/sipp.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { SipServer } from '../helpers/sip-servers.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { isAlive, OptionsProber, processesOf } from '../helpers/sip-probe.js';

/**
 * Issue 13 §4 and issue 14: the embedded PostgreSQL is supervised (kill -9 of its postmaster: restarted, alarm raised
 * and cleared), the API answers 503 DATABASE_UNAVAILABLE for every call meanwhile (also with an external
 * DATABASE_URL that goes away), and SIP is answered throughout: the worker needs neither the database nor the
 * control plane, even to restart after a crash.
 */
const APP = 'SIPProxy_1';
type Alarm = { key: string; active: boolean; clearedAt: string | null; severity: string; reason: string };

/** Every kind of API call, read and write, signed in or not. */
function everyKindOfCall(product: Product, token: string): [string, () => Promise<Response>][] {
  const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return [
    [
      'POST /auth/login',
      () => product.api('/auth/login', { method: 'POST', ...json({ username: 'admin', password: 'whatever-password' }) }),
    ],
    ['GET /auth/me', () => product.api('/auth/me', { token })],
    ['GET /applications', () => product.api('/applications', { token })],
    ['GET /config/export', () => product.api('/config/export', { token })],
    ['GET /config/versions', () => product.api('/config/versions', { token })],
    [
      'POST /config/validate',
      () =>
        product.api('/config/validate', {
          method: 'POST',
          token,
          headers: { 'content-type': 'application/yaml' },
          body: 'version: 1\napplications: []\n',
        }),
    ],
    ['GET /dns', () => product.api('/dns', { token })],
    ['GET /alarms', () => product.api('/alarms', { token })],
    ['GET /workers', () => product.api('/workers', { token })],
    ['GET /service-state', () => product.api('/service-state', { token })],
    ['GET /audit', () => product.api('/audit', { token })],
    ['GET /users', () => product.api('/users', { token })],
    ['GET /options/schema', () => product.api('/options/schema', { token })],
    [
      'POST /users',
      () =>
        product.api('/users', { method: 'POST', token, ...json({ username: 'newop', password: 'a-long-password-1', role: 'operator' }) }),
    ],
  ];
}

async function expectAll503(product: Product, token: string): Promise<void> {
  const got: string[] = [];
  for (const [name, call] of everyKindOfCall(product, token)) {
    const r = await call();
    const body = (await r.json().catch(() => ({}))) as { code?: string };
    got.push(`${name} ${r.status} ${body.code}`);
  }
  expect(got).toEqual(everyKindOfCall(product, token).map(([name]) => `${name} 503 DATABASE_UNAVAILABLE`));
}

const alarmsOf = async (product: Product, token: string) =>
  (await (await product.api('/alarms?pageSize=100', { token })).json()) as { active: Alarm[]; history: { items: Alarm[] } };

describe('the embedded PostgreSQL killed with SIGKILL', () => {
  let product: Product;
  let token: string;
  let dataDir: string;
  let proxyPort: number;
  let primary: SipServer;
  let backup: SipServer;
  let blocker: net.Server | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sipedge-pgkill-'));
    const sipPort = await freePort();
    proxyPort = await freePort();
    primary = new SipServer('127.0.0.1', sipPort);
    backup = new SipServer('127.0.0.2', sipPort);
    await primary.start();
    await backup.start();
    // No DATABASE_URL: the product runs its own embedded PostgreSQL in DATA_DIR.
    product = await startProduct({
      DATABASE_URL: undefined,
      DATA_DIR: dataDir,
      WORKERS_ENABLED: 'true',
      WORKERS_EMBEDDED_APPS: APP,
      LOG_LEVEL: 'info',
    });
    token = await product.login();
    await importYaml(
      product,
      token,
      haPairDeployment({
        sipPort,
        proxies: [{ name: APP, host: '127.0.0.1', sipPort: proxyPort, httpPort: await freePort(), oosCheck: 5, oosForce: 5 }],
        dn: { number: 'pool', contact: 'proxy.site-a.example', externalContact: `127.0.0.1:${proxyPort}` },
      }),
    );
    const view = async () =>
      ((await (await product.api('/workers', { token })).json()) as { app: string; online: boolean; configVersion?: number }[]).find(
        (w) => w.app === APP,
      );
    await waitFor(async () => (await view())?.online === true && (await view())?.configVersion === 1, 30_000, `${APP} online on version 1`);
  }, 240_000);

  afterAll(async () => {
    blocker?.close();
    await product?.stop();
    for (const pid of [...processesOf('worker/keeper.js', APP, dataDir), ...processesOf('worker/cli.js', APP, dataDir)])
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    await primary?.kill();
    await backup?.kill();
  }, 60_000);

  it('SIP answered every 0.5 s throughout, every API call 503 DATABASE_UNAVAILABLE meanwhile, a crashed worker restarted without the database, then PostgreSQL restarted, the API back and the alarm raised and cleared', async () => {
    const [pidLine, , , portLine] = readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
    const postmaster = Number(pidLine);
    const pgPort = Number(portLine);
    const prober = new OptionsProber({ host: '127.0.0.1', port: proxyPort });
    await prober.start();
    const callsDone = runUac({
      scenario: scenario('uac_call.xml'),
      target: `127.0.0.1:${proxyPort}`,
      transport: 'udp',
      calls: 30,
      rate: 2,
      timeoutS: 60,
    });
    await sleep(2000);

    process.kill(postmaster, 'SIGKILL');
    // Hold the server's port, so the outage lasts as long as this test needs (the supervisor retries with back-off).
    // Whoever connects meanwhile (the control plane's pool) is cut at once, as by a server that is not there.
    blocker = net.createServer((s) => s.destroy());
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          blocker!.once('error', () => resolve(false));
          blocker!.listen(pgPort, '127.0.0.1', () => resolve(true));
        }),
      5000,
      `port ${pgPort} of the killed postmaster free`,
      5,
    );

    await waitFor(async () => (await product.api('/applications', { token })).status === 503, 10_000, 'the API answers 503');
    await expectAll503(product, token);
    const health = await product.api('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ database: { mode: 'embedded', up: false } });

    const calls = await callsDone;
    const probes = await prober.stop();
    console.log(
      `PostgreSQL killed: OPTIONS ${probes.answered}/${probes.sent} answered; calls ${calls.successful} ok, ${calls.failed} failed`,
    );
    expect(probes.unanswered).toEqual([]);
    expect(calls.failed, calls.output.slice(-2000)).toBe(0);
    expect(calls.successful).toBe(30);

    // A worker that crashes now comes back on its last snapshot kept on disk: no database, no token to make.
    const [worker] = processesOf('worker/cli.js', APP, dataDir);
    process.kill(worker, 'SIGKILL');
    await waitFor(
      () => {
        const p = processesOf('worker/cli.js', APP, dataDir);
        return p.length === 1 && p[0] !== worker && isAlive(p[0]);
      },
      15_000,
      'the worker restarted by its keeper',
    );
    await waitFor(
      async () => {
        const p = new OptionsProber({ host: '127.0.0.1', port: proxyPort }, 200, 1000);
        await p.start();
        await sleep(100);
        return (await p.stop()).answered > 0;
      },
      20_000,
      'OPTIONS answered by the restarted worker',
    );
    expect((await product.api('/applications', { token })).status).toBe(503);

    await new Promise<void>((r) => blocker!.close(() => r()));
    blocker = undefined;
    await waitFor(async () => (await product.api('/applications', { token })).status === 200, 30_000, 'the API answers again', 250);
    expect((await product.api('/health')).status).toBe(200);
    await waitFor(
      async () => (await alarmsOf(product, token)).history.items.some((a) => a.key === 'database-unavailable' && a.clearedAt !== null),
      15_000,
      'database alarm raised and cleared',
    );
    expect((await alarmsOf(product, token)).active.map((a) => a.key)).not.toContain('database-unavailable');
    expect(product.output()).toMatch(/embedded PostgreSQL died: PID \d+ exited \(signal SIGKILL\)/);
    expect(product.output()).toContain('embedded PostgreSQL running again');
    const view = async () =>
      ((await (await product.api('/workers', { token })).json()) as { app: string; online: boolean }[]).find((w) => w.app === APP);
    await waitFor(async () => (await view())?.online === true, 20_000, `${APP} reporting again`);
    expect(processesOf('worker/cli.js', APP, dataDir)).toHaveLength(1);
    // The reports the API refused during the outage are not a lost worker: only the real exit above is reported.
    const lost = product
      .output()
      .split('\n')
      .filter((l) => l.includes('"event":40002') && l.includes(`"application":"${APP}"`));
    expect(lost.map((l) => (JSON.parse(l) as { trigger: string }).trigger)).toEqual(['process-exit']);
  }, 180_000);
});

/** A TCP relay in front of the run's PostgreSQL: cut, the external server is gone for the product; restored, back. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly to: { host: string; port: number }) {}
  async start(): Promise<void> {
    this.server = net.createServer((c) => {
      const up = net.connect(this.to.port, this.to.host);
      for (const s of [c, up]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      c.pipe(up).pipe(c);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

describe('an external DATABASE_URL that goes away', () => {
  let product: Product;
  let relay: Relay;

  afterAll(async () => {
    await relay?.stop();
    await product?.stop();
  }, 60_000);

  it('every API call is 503 DATABASE_UNAVAILABLE while it is away, and the API recovers without a restart', async () => {
    const url = new URL(await freshDatabase(inject('postgresAdminUrl'), 'dbaway'));
    relay = new Relay({ host: url.hostname, port: Number(url.port) });
    await relay.start();
    url.host = `127.0.0.1:${relay.port}`;
    product = await startProduct({ DATABASE_URL: url.toString(), LOG_LEVEL: 'info' });
    const token = await product.login();
    expect((await product.api('/applications', { token })).status).toBe(200);

    await relay.stop();
    await waitFor(async () => (await product.api('/applications', { token })).status === 503, 15_000, 'the API answers 503');
    await expectAll503(product, token);

    await relay.start();
    await waitFor(async () => (await product.api('/applications', { token })).status === 200, 30_000, 'the API answers again', 250);
    await waitFor(
      async () => (await alarmsOf(product, token)).history.items.some((a) => a.key === 'database-unavailable' && a.clearedAt !== null),
      15_000,
      'database alarm raised and cleared',
    );
  }, 120_000);
});
