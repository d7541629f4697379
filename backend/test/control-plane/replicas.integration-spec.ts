import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, importYaml, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { liveStream } from '../helpers/live-stream.js';
import { freePort, waitFor } from '../helpers/net.js';

/** Two control-plane replicas on one PostgreSQL, started together; a remote worker attached to one of them. */
let a: Product;
let b: Product;
let tokenA: string;
let tokenB: string;
let worker: ChildProcess | undefined;
let httpPort: number;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  const url = await freshDatabase(inject('postgresAdminUrl'), 'replicas');
  // Started at the same moment: migrations and the first admin must not collide.
  [a, b] = await Promise.all([startProduct({ DATABASE_URL: url }), startProduct({ DATABASE_URL: url })]);
  tokenA = await a.login();
  tokenB = await b.login();
  const sipPort = await freePort();
  const proxyPort = await freePort('127.0.0.5');
  httpPort = await freePort('127.0.0.5');
  await importYaml(
    a,
    tokenA,
    haPairDeployment({
      sipPort,
      proxies: [{ name: 'SIPProxy_R', host: '127.0.0.5', sipPort: proxyPort, httpPort, oosCheck: 5, oosForce: 5 }],
      dn: { number: 'pool', contact: 'pool.example', externalContact: `127.0.0.5:${proxyPort}` },
    }),
  );
}, 180_000);

afterAll(async () => {
  worker?.kill('SIGKILL');
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('several control-plane replicas on one PostgreSQL', () => {
  it('share users and configuration', async () => {
    const head = async (p: Product, t: string) =>
      ((await (await p.api('/config/head', { token: t })).json()) as { version: number }).version;
    expect(await head(b, tokenB)).toBe(await head(a, tokenA));
  });

  it('pushes a change made through one replica to a worker attached to the other (latency printed)', async () => {
    const created = (await (await b.api('/workers/tokens', { method: 'POST', token: tokenB, ...json({ app: 'SIPProxy_R' }) })).json()) as {
      token: string;
    };
    worker = spawn(
      process.execPath,
      [join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js'), '--control-plane', b.url, '--app', 'SIPProxy_R'],
      { stdio: 'ignore', env: { ...process.env, SIPEDGE_WORKER_TOKEN: created.token } },
    );
    const status = async () =>
      (await (await fetch(`http://127.0.0.5:${httpPort}/status`)).json()) as { configVersion: string; pairs: { name: string }[] };
    await waitFor(
      async () => {
        try {
          return !!(await status()).configVersion;
        } catch {
          return false;
        }
      },
      20_000,
      'worker running',
    );
    const before = (await status()).configVersion;
    // The worker is visible from the replica it is not attached to (through the database).
    await waitFor(
      async () =>
        ((await (await a.api('/workers', { token: tokenA })).json()) as { app: string; online: boolean }[]).some(
          (w) => w.app === 'SIPProxy_R' && w.online,
        ),
      10_000,
      'worker seen by replica A',
    );
    const t0 = Date.now();
    const r = await a.api('/applications/SIPProxy_R', {
      method: 'PATCH',
      token: tokenA,
      ...json({ options: { sipproxy: { 'oos-check': 2 } } }),
    });
    expect(r.status).toBe(200);
    await waitFor(async () => (await status()).configVersion !== before, 3000, 'pushed through replica B');
    console.log(`change through replica A applied by a worker of replica B after ${Date.now() - t0} ms`);
  }, 60_000);

  it('shows an alarm raised at one replica on the other replica live stream', async () => {
    const live = liveStream(a.url, tokenA);
    const events = live.events;
    await waitFor(() => events.length > 0, 5000, 'stream open');
    // The worker reports to B; stopping it makes B raise worker-down (heartbeat timeout).
    worker!.kill('SIGKILL');
    await waitFor(
      () => events.some((e) => e.event === 'alarm' && e.data.includes('worker-down:SIPProxy_R')),
      15_000,
      'alarm on replica A stream',
    );
    live.close();
  }, 30_000);
});
