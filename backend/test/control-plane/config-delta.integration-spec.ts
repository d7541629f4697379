import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SseParser, type DeltaMessage, type SnapshotMessage } from '../../src/contracts/worker-protocol.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { freshDatabase, importYaml, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';

/**
 * Workers get what changed for them: real PostgreSQL, the control plane, two remote worker processes (the CLI, as on
 * another host). The test also holds a channel per application itself, to see on the wire exactly what a worker of
 * that application is sent.
 */
const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');
let product: Product;
let admin: string;
let stateDir: string;
const children: ChildProcess[] = [];
const tokens: Record<string, string> = {};
const hosts = { SIPProxy_1: '127.0.0.21', SIPProxy_2: '127.0.0.22' } as const;
type App = keyof typeof hosts;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type WorkerView = { app: string; online: boolean; configVersion?: number; kind: string; restartPending: boolean };
const workers = async () =>
  (await (await product.api('/service-state', { token: admin })).json()) as { configVersion: number; workers: WorkerView[] };
const view = async (app: App) => (await workers()).workers.find((w) => w.app === app);

interface Frame {
  event: string;
  bytes: number;
  data: unknown;
}
/** A channel of `app` held by the test: every frame it is sent, as sent. */
async function tap(app: App): Promise<{ frames: Frame[]; close: () => void }> {
  const ac = new AbortController();
  const res = await fetch(`${product.url}/api/worker-channel/stream?app=${app}`, {
    headers: { authorization: `Bearer ${tokens[app]}` },
    signal: ac.signal,
  });
  expect(res.status).toBe(200);
  const frames: Frame[] = [];
  const parser = new SseParser();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const ev of parser.push(decoder.decode(chunk, { stream: true })))
          frames.push({ event: ev.event, bytes: ev.data.length, data: JSON.parse(ev.data) });
      }
    } catch {
      /* closed */
    }
  })();
  return { frames, close: () => ac.abort() };
}

function startWorker(app: App, dir?: string): ChildProcess {
  const c = spawn(process.execPath, [CLI, '--control-plane', product.url, '--app', app, ...(dir ? ['--state-dir', dir] : [])], {
    stdio: 'ignore',
    env: { ...process.env, SIPEDGE_WORKER_TOKEN: tokens[app] },
  });
  children.push(c);
  return c;
}

const patchApp = async (app: App, oosCheck: number): Promise<number> => {
  const r = await product.api(`/applications/${app}`, {
    method: 'PATCH',
    token: admin,
    ...json({ options: { sipproxy: { 'oos-check': oosCheck } } }),
  });
  expect(r.status, await r.clone().text()).toBe(200);
  return ((await r.json()) as { version: number }).version;
};
const sentLines = (app: App, kind: string) =>
  product
    .messages()
    .split('\n')
    .filter((l) => l.startsWith(`sent ${app} a ${kind} of `));

beforeAll(async () => {
  const dbUrl = await freshDatabase(inject('postgresAdminUrl'), 'cfgdelta');
  product = await startProduct({ DATABASE_URL: dbUrl, LOG_LEVEL: 'debug' });
  admin = await product.login();
  const sipPort = await freePort();
  const proxyPort = await freePort(hosts.SIPProxy_1);
  const proxies = (Object.entries(hosts) as [App, string][])
    .map(
      ([name, host]) => `  - name: ${name}
    type: sip-proxy
    host: ${host}
    ports: { sip-port: ${proxyPort} }
    options: { sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, sip-address: ${host}, oos-check: 5, oos-force: 5 } }
`,
    )
    .join('');
  await importYaml(
    product,
    admin,
    `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${sipPort} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${sipPort} } }
${proxies}switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: pool.example, external-contact: "${hosts.SIPProxy_1}:${proxyPort}", oos-check: 5, oos-force: 5 } } }
      - { number: "1001", type: extension, options: { TServer: { contact: "10.0.0.1:5060" } } }
      - { number: "1002", type: extension, options: { TServer: { contact: "10.0.0.2:5060" } } }
`,
  );
  for (const app of Object.keys(hosts) as App[]) {
    const t = await product.api('/workers/tokens', { method: 'POST', token: admin, ...json({ app }) });
    expect(t.status).toBe(201);
    tokens[app] = ((await t.json()) as { token: string }).token;
  }
  stateDir = mkdtempSync(join(tmpdir(), 'sipedge-delta-state-'));
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await product?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe('workers receive what changed for them', () => {
  let w1: ChildProcess;

  it('two remote workers run version 1 from a snapshot', async () => {
    w1 = startWorker('SIPProxy_1', stateDir);
    startWorker('SIPProxy_2');
    await waitFor(
      async () => {
        const s = await workers();
        return (['SIPProxy_1', 'SIPProxy_2'] as App[]).every(
          (a) => s.workers.find((w) => w.app === a)?.online && s.workers.find((w) => w.app === a)?.configVersion === 1,
        );
      },
      30_000,
      'both workers on version 1',
    );
    expect(sentLines('SIPProxy_1', 'snapshot')).toHaveLength(1);
    expect(sentLines('SIPProxy_1', 'delta')).toHaveLength(0);
  }, 60_000);

  it('an option of one proxy goes to that proxy as a delta; the other proxy is sent nothing and still shows the version applied', async () => {
    const t1 = await tap('SIPProxy_1');
    const t2 = await tap('SIPProxy_2');
    await waitFor(() => t1.frames.length === 1 && t2.frames.length === 1, 10_000, 'the taps have their snapshots');
    expect(t1.frames[0].event).toBe('snapshot');
    const snapshotBytes = t1.frames[0].bytes;
    const version = await patchApp('SIPProxy_1', 7);
    await waitFor(async () => (await view('SIPProxy_1'))?.configVersion === version, 10_000, 'SIPProxy_1 applied the change');
    await waitFor(() => t1.frames.length === 2, 5000, 'the tap of SIPProxy_1 got the change');
    const f = t1.frames[1];
    expect(f.event).toBe('delta');
    const d = f.data as DeltaMessage;
    expect(d.baseConfigVersion).toBe(version - 1);
    expect(d.configVersion).toBe(version);
    expect(Object.keys(d.delta.set).sort()).toEqual(['haPairs', 'options']);
    expect(d.delta.switches).toEqual([]);
    expect(f.bytes).toBeLessThan(snapshotBytes);
    // The control plane said the same of the worker's own channel.
    await waitFor(() => sentLines('SIPProxy_1', 'delta').length === 2, 5000, 'the product logged both deltas');
    expect(sentLines('SIPProxy_1', 'delta')[0]).toMatch(new RegExp(`version ${version - 1} -> ${version}$`));
    await sleep(1500); // whatever would have gone to SIPProxy_2 has had time to arrive
    expect(t2.frames.map((x) => x.event)).toEqual(['snapshot']);
    expect(sentLines('SIPProxy_2', 'delta')).toHaveLength(0);
    const w2 = (await view('SIPProxy_2'))!;
    expect(w2.online).toBe(true);
    expect(w2.configVersion).toBe(version);
    t1.close();
    t2.close();
  }, 60_000);

  it('an edit of DN 1001 of SiteA travels as that DN alone, to each proxy whose configuration holds it', async () => {
    const t1 = await tap('SIPProxy_1');
    await waitFor(() => t1.frames.length === 1, 10_000, 'snapshot');
    const r = await product.api('/switches/SiteA/dns/1001', {
      method: 'PATCH',
      token: admin,
      ...json({ options: { TServer: { 'request-uri': 'sip:10.0.0.5:5060;transport=udp' } } }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    const version = ((await r.json()) as { version: number }).version;
    await waitFor(
      async () => (await view('SIPProxy_1'))?.configVersion === version && (await view('SIPProxy_2'))?.configVersion === version,
      10_000,
      'both applied',
    );
    await waitFor(() => t1.frames.length === 2, 5000, 'the tap got the change');
    const d = t1.frames[1].data as DeltaMessage;
    expect(t1.frames[1].event).toBe('delta');
    expect(Object.keys(d.delta.set)).toEqual([]);
    expect(d.delta.switches).toHaveLength(1);
    const sw = d.delta.switches[0];
    expect(sw.name).toBe('SiteA');
    expect(sw.whole).toBeUndefined();
    expect(sw.extensions?.upsert.map((u) => [u.entry.number, u.entry.requestUri])).toEqual([['1001', 'sip:10.0.0.5:5060;transport=udp']]);
    expect(sw.trunks).toBeUndefined();
    expect(sentLines('SIPProxy_2', 'delta').length).toBe(1);
    t1.close();
  }, 60_000);

  it('a worker that missed versions while down starts on the kept snapshot, is sent a whole snapshot and converges', async () => {
    const snapshotsBefore = sentLines('SIPProxy_1', 'snapshot').length;
    w1.kill('SIGKILL');
    await new Promise((r) => w1.once('exit', r));
    await patchApp('SIPProxy_1', 8);
    const head = await patchApp('SIPProxy_1', 9);
    w1 = startWorker('SIPProxy_1', stateDir);
    await waitFor(
      async () => {
        const w = await view('SIPProxy_1');
        return !!w?.online && w.configVersion === head;
      },
      30_000,
      'the restarted worker on the head version',
    );
    expect(sentLines('SIPProxy_1', 'snapshot').length).toBe(snapshotsBefore + 1);
    const t1 = await tap('SIPProxy_1');
    await waitFor(() => t1.frames.length === 1, 10_000, 'snapshot');
    const snap = t1.frames[0].data as SnapshotMessage;
    expect(snap.configVersion).toBe(head);
    expect(snap.effective.options.sipproxy['oos-check']).toBe(9);
    t1.close();
  }, 60_000);
});
