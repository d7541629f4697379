import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, waitFor } from '../helpers/net.js';
import { freshDatabase, importYaml, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';

/**
 * The worker channel against a token holder, over two control-plane replicas on one PostgreSQL: a revoked token's
 * streams end on every replica; reports outside the schema are refused whole (400) and change nothing; tokens never
 * go on a command line; states of instances gone for long are pruned.
 */
const APP = 'SIPProxy_H';
const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
let a: Product;
let b: Product;
let adminA: string;
let adminB: string;
let dbUrl: string;
const children: ChildProcess[] = [];

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const newToken = async () =>
  (await (await a.api('/workers/tokens', { method: 'POST', token: adminA, ...json({ app: APP }) })).json()) as {
    id: string;
    token: string;
    command: string;
  };

beforeAll(async () => {
  dbUrl = await freshDatabase(inject('postgresAdminUrl'), 'wchannel');
  [a, b] = await Promise.all([startProduct({ DATABASE_URL: dbUrl }), startProduct({ DATABASE_URL: dbUrl })]);
  adminA = await a.login();
  adminB = await b.login();
  const proxyPort = await freePort('127.0.0.6');
  await importYaml(
    a,
    adminA,
    haPairDeployment({
      sipPort: await freePort(),
      proxies: [{ name: APP, host: '127.0.0.6', sipPort: proxyPort, httpPort: await freePort('127.0.0.6'), oosCheck: 5, oosForce: 5 }],
      dn: { number: 'pool', contact: 'pool.example', externalContact: `127.0.0.6:${proxyPort}` },
    }),
  );
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Opens a worker stream at `p` and reports when the server ends it. */
async function openStream(p: Product, token: string): Promise<{ ended: () => boolean; close: () => void }> {
  const ac = new AbortController();
  const res = await fetch(`${p.url}/api/worker-channel/stream?app=${APP}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ac.signal,
  });
  expect(res.status).toBe(200);
  let ended = false;
  const reader = res.body!.getReader();
  void (async () => {
    try {
      while (!(await reader.read()).done) {
        /* keep reading */
      }
      ended = true;
    } catch {
      /* aborted */
    }
  })();
  return { ended: () => ended, close: () => ac.abort() };
}

function report(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    protocol: 1,
    app: APP,
    instanceId: 'it-instance',
    pid: 1,
    hostname: 'it',
    startedAt: new Date().toISOString(),
    running: true,
    listeners: [],
    pairs: [],
    alarms: [],
    counters: {},
    connections: 0,
    notes: [],
    ...over,
  };
}
const postReport = (p: Product, token: string, body: unknown) => p.api('/worker-channel/report', { method: 'POST', token, ...json(body) });

describe('worker tokens', () => {
  it('a revoked token ends the streams opened with it on every replica, and is refused from then on', async () => {
    const t = await newToken();
    const atA = await openStream(a, t.token);
    const atB = await openStream(b, t.token);
    expect((await postReport(b, t.token, report())).status).toBe(200); // B has the token cached now
    expect((await a.api(`/workers/tokens/${t.id}`, { method: 'DELETE', token: adminA })).status).toBe(204);
    await waitFor(() => atA.ended() && atB.ended(), 10_000, 'both streams ended');
    expect((await postReport(b, t.token, report())).status).toBe(401);
    atA.close();
    atB.close();
  }, 30_000);

  it('are never put on a command line: the CLI refuses --token, the shown command has none, a token file works', async () => {
    const t = await newToken();
    expect(t.command).not.toContain(t.token);
    const refused = spawn(process.execPath, [CLI, '--control-plane', b.url, '--app', APP, '--token', t.token], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(refused);
    let err = '';
    refused.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    expect(await new Promise((r) => refused.once('exit', r))).toBe(2);
    expect(err).toMatch(/--token-file/);

    const file = join(mkdtempSync(join(tmpdir(), 'sipedge-token-')), 'worker.token');
    writeFileSync(file, `${t.token}\n`, { mode: 0o600 });
    const worker = spawn(process.execPath, [CLI, '--control-plane', b.url, '--app', APP, '--token-file', file], { stdio: 'ignore' });
    children.push(worker);
    await waitFor(
      async () =>
        ((await (await a.api('/workers', { token: adminA })).json()) as { app: string; online: boolean; pid?: number }[]).some(
          (w) => w.app === APP && w.online && w.pid === worker.pid,
        ),
      20_000,
      'worker online',
    );
    expect(readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8')).not.toContain(t.token);
    worker.kill('SIGKILL');
  }, 60_000);
});

describe('worker reports are schema-checked', () => {
  it('pairs:[null] is a 400, and /api/service-state keeps answering', async () => {
    const t = await newToken();
    const r = await postReport(b, t.token, report({ instanceId: 'bad-pairs', pairs: [null] }));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { code: string }).code).toBe('BAD_REPORT');
    for (const [p, token] of [
      [a, adminA],
      [b, adminB],
    ] as const)
      expect((await p.api('/service-state', { token })).status).toBe(200);
  });

  it('an alarm with another event, a forged name, control characters or an endless text is refused and raises nothing', async () => {
    const t = await newToken();
    const alarm = {
      key: 'x',
      event: 40001,
      eventName: 'SPR_SIPS_HA_PAIR_UNAVAILABLE',
      severity: 'critical',
      reason: 'ok',
      since: new Date().toISOString(),
    };
    const bad = [
      { ...alarm, key: 'forged-40002', event: 40002, eventName: 'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED' },
      { ...alarm, key: 'forged-name', eventName: 'ANYTHING' },
      { ...alarm, key: 'forged-lines', reason: 'line one\n{"level":"error","event":40002}' },
      { ...alarm, key: 'forged-long', reason: 'x'.repeat(100_000) },
    ];
    for (const x of bad) expect((await postReport(b, t.token, report({ instanceId: 'bad-alarms', alarms: [x] }))).status, x.key).toBe(400);
    expect(
      (
        await postReport(
          b,
          t.token,
          report({ instanceId: 'bad-alarms', alarms: Array.from({ length: 1000 }, (_, i) => ({ ...alarm, key: `k${i}` })) }),
        )
      ).status,
    ).toBe(400);
    const alarms = JSON.stringify(await (await a.api('/alarms', { token: adminA })).json());
    expect(alarms).not.toContain('forged');
    expect(alarms).not.toContain(`${APP}:k1`);
  });
});

describe('worker_states', () => {
  it('rows of instances silent for more than a day are pruned', async () => {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO worker_states (app, instance_id, replica, last_seen_at, report) VALUES ($1, 'long-gone', 'r', now() - interval '3 days', '{}')`,
        [APP],
      );
      await db.query(
        `INSERT INTO worker_states (app, instance_id, replica, last_seen_at, report) VALUES ($1, 'recent', 'r', now() - interval '1 hour', '{}')`,
        [APP],
      );
      const c = await startProduct({ DATABASE_URL: dbUrl }); // prunes when it starts, then hourly
      try {
        const ids = async () =>
          (await db.query('SELECT instance_id FROM worker_states WHERE app = $1', [APP])).rows.map(
            (r: { instance_id: string }) => r.instance_id,
          );
        await waitFor(async () => !(await ids()).includes('long-gone'), 10_000, 'stale row pruned');
        expect(await ids()).toContain('recent');
      } finally {
        await c.stop();
      }
    } finally {
      await db.end();
    }
  }, 120_000);
});
