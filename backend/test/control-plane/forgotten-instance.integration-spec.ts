/**
 * An instance that stops reporting is dropped from the control plane's view after WORKER_FORGET_AFTER_S (default
 * 10 minutes). Once every instance of an application was dropped, the application stayed listed with no instance and
 * `/api/health` (the liveness probe) answered 500 for everyone. Real PostgreSQL, the built control plane and a remote
 * worker (the worker CLI) killed by its PID; the window is shortened to 2 s so the test does not wait 10 minutes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { freshDatabase, importYaml, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';

let product: Product | undefined;
let remote: ChildProcess | undefined;
afterAll(async () => {
  if (remote?.exitCode === null) remote.kill('SIGKILL');
  await product?.stop();
});

describe('a SIP Proxy instance forgotten after its silence', () => {
  it('leaves /api/health answering 200, and the application offline', async () => {
    product = await startProduct({
      DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'forget'),
      WORKERS_ENABLED: 'true',
      WORKERS_EMBEDDED_APPS: 'none',
      WORKER_FORGET_AFTER_S: '2',
    });
    const token = await product.login();
    const [sipPort, p1, h1] = [await freePort(), await freePort(), await freePort()];
    await importYaml(
      product,
      token,
      haPairDeployment({
        sipPort,
        proxies: [{ name: 'SIPProxy_1', host: '127.0.0.1', sipPort: p1, httpPort: h1, oosCheck: 5, oosForce: 5 }],
        dn: { number: 'pool', contact: 'pool.example', externalContact: `127.0.0.1:${p1}` },
      }),
    );
    const created = (await (
      await product.api('/workers/tokens', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app: 'SIPProxy_1' }),
      })
    ).json()) as { token: string };
    remote = spawn(
      process.execPath,
      [join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js'), '--control-plane', product.url, '--app', 'SIPProxy_1'],
      { stdio: 'ignore', env: { ...process.env, SIPEDGE_WORKER_TOKEN: created.token } },
    );
    const health = async () => {
      const r = await product!.api('/health');
      return { status: r.status, body: (await r.json()) as { workers?: { app: string; online: boolean }[] } };
    };
    await waitFor(
      async () => (await health()).body.workers?.some((w) => w.app === 'SIPProxy_1' && w.online) === true,
      20_000,
      'SIPProxy_1 online',
    );
    remote.kill('SIGKILL');
    // Past the 2 s window and the watchdog's 1 s tick, several times over.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await health()).status);
      await sleep(500);
    }
    expect(
      statuses.every((s) => s === 200),
      statuses.join(','),
    ).toBe(true);
    expect((await health()).body.workers?.some((w) => w.app === 'SIPProxy_1' && w.online)).toBe(false);
  }, 60_000);
});
