import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, importYaml, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';

/**
 * Log event 40002 (SPR_OTHER_PROXY_INSTANCE_DISCONNECTED) over the real parts: the built control plane with an
 * embedded worker (SIPProxy_1) and a remote worker (SIPProxy_2, the worker CLI) that reaches the control plane through
 * a TCP relay this test can cut. Each way an instance goes (process exit, channel closed, heartbeat timeout) gives
 * one 40002 line naming the instance, its site and HA pair, and the worker-down alarm with event id 40002; its return
 * gives the matching recovery line and clears the alarm. Steps run in order.
 */
type EventLine = {
  level: string;
  app: string;
  msg: string;
  event?: number;
  eventName?: string;
  clears?: number;
  application?: string;
  trigger?: string;
  signal?: string | null;
  exitCode?: number | null;
  site?: string[];
  haPair?: string;
  haPairBackup?: string;
  pool?: string[];
  instanceId?: string;
  downForMs?: number;
  downTrigger?: string;
};
type Alarm = { key: string; eventId: number | null; eventName: string | null; reason: string; trigger: string | null; active: boolean };

/** A TCP relay in front of the control plane: cut it to drop a remote worker's channel (and its reports). */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: number) {}
  async start(): Promise<void> {
    this.server = createServer((c) => {
      const up = connect(this.target, '127.0.0.1');
      for (const s of [c, up]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      c.pipe(up).pipe(c);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }
  /** Drops every connection (the worker reconnects through the relay at once). */
  drop(): void {
    for (const s of this.sockets) s.destroy();
  }
  async stop(): Promise<void> {
    const closed = new Promise((r) => this.server?.close(r));
    this.drop();
    await closed;
  }
}

let product: Product;
let token: string;
let relay: Relay;
let remote: ChildProcess | undefined;

const events = (): EventLine[] =>
  product
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as EventLine];
      } catch {
        return [];
      }
    });
const disconnects = (app: string) => events().filter((e) => e.event === 40002 && e.application === app);
const recoveries = (app: string) => events().filter((e) => e.clears === 40002 && e.application === app);
const alarms = async () =>
  (await (await product.api('/alarms?pageSize=100', { token })).json()) as { active: Alarm[]; history: { items: Alarm[] } };
const workerView = async (app: string) =>
  ((await (await product.api('/workers', { token })).json()) as { app: string; online: boolean; pid?: number; instanceId?: string }[]).find(
    (w) => w.app === app,
  );

beforeAll(async () => {
  const url = await freshDatabase(inject('postgresAdminUrl'), 'disconnect');
  product = await startProduct({ DATABASE_URL: url, WORKERS_ENABLED: 'true', WORKERS_EMBEDDED_APPS: 'SIPProxy_1', LOG_LEVEL: 'info' });
  token = await product.login();
  const sipPort = await freePort();
  // A pool listens on one sip-port (the DN's external-contact port); its members are on different hosts.
  const [p1, h1] = [await freePort(), await freePort()];
  const proxy = { sipPort: p1, httpPort: h1, oosCheck: 5, oosForce: 5 };
  await importYaml(
    product,
    token,
    haPairDeployment({
      sipPort,
      proxies: [
        { name: 'SIPProxy_1', host: '127.0.0.1', ...proxy },
        { name: 'SIPProxy_2', host: '127.0.0.3', ...proxy },
      ],
      dn: { number: 'pool', contact: 'pool.example', externalContact: `127.0.0.1:${p1}` },
    }),
  );
  relay = new Relay(Number(new URL(product.url).port));
  await relay.start();
}, 180_000);

afterAll(async () => {
  if (remote?.exitCode === null) remote.kill('SIGKILL');
  await relay?.stop();
  await product?.stop();
}, 60_000);

describe('log event 40002: a SIP Proxy instance is disconnected', () => {
  it('an embedded worker killed: one 40002 line (process exit, signal) and the alarm, then the recovery line', async () => {
    await waitFor(async () => (await workerView('SIPProxy_1'))?.online === true, 30_000, 'SIPProxy_1 online');
    const before = (await workerView('SIPProxy_1'))!;
    process.kill(before.pid!, 'SIGKILL');
    await waitFor(() => disconnects('SIPProxy_1').length > 0, 5000, '40002 line for SIPProxy_1');
    const line = disconnects('SIPProxy_1')[0];
    expect(line).toMatchObject({
      level: 'error',
      app: 'control-plane',
      eventName: 'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED',
      trigger: 'process-exit',
      signal: 'SIGKILL',
      instanceId: before.instanceId,
      haPair: 'SIPServer_A',
      haPairBackup: 'SIPServer_A_backup',
      site: ['SiteA'],
      pool: ['SIPProxy_1', 'SIPProxy_2'],
    });
    expect(line.msg).toMatch(
      /^SIP Proxy instance is disconnected: SIPProxy_1 \(site SiteA, SIP Server HA pair SIPServer_A\/SIPServer_A_backup\): its process exited \(signal SIGKILL\)/,
    );
    // The supervisor restarts it within a second: the alarm may already be history.
    await waitFor(
      async () => {
        const a = await alarms();
        return [...a.active, ...a.history.items].some((x) => x.key === 'worker-down:SIPProxy_1');
      },
      5000,
      'worker-down alarm',
    );
    const a = await alarms();
    const alarm = [...a.active, ...a.history.items].find((x) => x.key === 'worker-down:SIPProxy_1')!;
    expect(alarm).toMatchObject({ eventId: 40002, eventName: 'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED', trigger: 'process-exit' });
    expect(alarm.reason).toContain('SIP Proxy instance is disconnected: SIPProxy_1 (site SiteA');
    await waitFor(() => recoveries('SIPProxy_1').length > 0, 10_000, 'recovery line for SIPProxy_1');
    const back = recoveries('SIPProxy_1')[0];
    expect(back).toMatchObject({ level: 'info', haPair: 'SIPServer_A', site: ['SiteA'], downTrigger: 'process-exit' });
    expect(back.instanceId).not.toBe(before.instanceId);
    expect(back.msg).toBe(
      'SIP Proxy instance is connected again: SIPProxy_1 (site SiteA, SIP Server HA pair SIPServer_A/SIPServer_A_backup)',
    );
    await waitFor(async () => !(await alarms()).active.some((x) => x.key === 'worker-down:SIPProxy_1'), 5000, 'alarm cleared');
    expect(disconnects('SIPProxy_1')).toHaveLength(1);
  }, 40_000);

  it('a remote worker whose channel drops and reconnects at once is not reported', async () => {
    const created = (await (
      await product.api('/workers/tokens', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app: 'SIPProxy_2' }),
      })
    ).json()) as { token: string };
    remote = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js'),
        '--control-plane',
        `http://127.0.0.1:${relay.port}`,
        '--app',
        'SIPProxy_2',
      ],
      { stdio: 'ignore', env: { ...process.env, SIPEDGE_WORKER_TOKEN: created.token } },
    );
    await waitFor(async () => (await workerView('SIPProxy_2'))?.online === true, 20_000, 'SIPProxy_2 online');
    relay.drop();
    await sleep(4000);
    expect(disconnects('SIPProxy_2')).toHaveLength(0);
    expect((await workerView('SIPProxy_2'))?.online).toBe(true);
  }, 40_000);

  it('a remote worker cut off: 40002 (channel closed) and the alarm, then the recovery when the path returns', async () => {
    const cutAt = Date.now();
    await relay.stop();
    await waitFor(() => disconnects('SIPProxy_2').length > 0, 8000, '40002 line for SIPProxy_2');
    const line = disconnects('SIPProxy_2')[0];
    console.log(`40002 for the cut-off remote worker after ${Date.now() - cutAt} ms`);
    expect(line).toMatchObject({ trigger: 'channel-closed', haPair: 'SIPServer_A', site: ['SiteA'], kind: 'remote' } as Partial<EventLine>);
    expect(line.msg).toContain('SIP Proxy instance is disconnected: SIPProxy_2 (site SiteA');
    await waitFor(async () => (await alarms()).active.some((x) => x.key === 'worker-down:SIPProxy_2'), 5000, 'alarm active');
    expect((await alarms()).active.find((x) => x.key === 'worker-down:SIPProxy_2')).toMatchObject({
      eventId: 40002,
      trigger: 'channel-closed',
    });
    // The heartbeat timeout passes too, without a second line for the same episode.
    await sleep(4000);
    expect(disconnects('SIPProxy_2')).toHaveLength(1);
    await relay.start();
    await waitFor(() => recoveries('SIPProxy_2').length > 0, 15_000, 'recovery line for SIPProxy_2');
    expect(recoveries('SIPProxy_2')[0]).toMatchObject({ downTrigger: 'channel-closed', haPair: 'SIPServer_A' });
    await waitFor(async () => !(await alarms()).active.some((x) => x.key === 'worker-down:SIPProxy_2'), 5000, 'alarm cleared');
  }, 40_000);

  it('a remote worker that stops reporting with its channel open: 40002 (heartbeat timeout), then the recovery', async () => {
    await waitFor(async () => (await workerView('SIPProxy_2'))?.online === true, 10_000, 'SIPProxy_2 online');
    const n = disconnects('SIPProxy_2').length;
    process.kill(remote!.pid!, 'SIGSTOP');
    try {
      await waitFor(() => disconnects('SIPProxy_2').length > n, 10_000, 'second 40002 line for SIPProxy_2');
    } finally {
      process.kill(remote!.pid!, 'SIGCONT');
    }
    expect(disconnects('SIPProxy_2')[n]).toMatchObject({ trigger: 'heartbeat-timeout', haPair: 'SIPServer_A' });
    expect(disconnects('SIPProxy_2')[n].msg).toMatch(/no report for \d+ s \(heartbeat timeout\)$/);
    await waitFor(
      async () =>
        (await alarms()).active.some((x) => x.key === 'worker-down:SIPProxy_2' && x.trigger === 'heartbeat-timeout') ||
        recoveries('SIPProxy_2').length > 1,
      5000,
      'alarm',
    );
    await waitFor(() => recoveries('SIPProxy_2').length > 1, 10_000, 'second recovery line');
    expect(recoveries('SIPProxy_2')[1]).toMatchObject({ downTrigger: 'heartbeat-timeout' });
    await waitFor(async () => !(await alarms()).active.some((x) => x.key === 'worker-down:SIPProxy_2'), 5000, 'alarm cleared');
    const history = (await alarms()).history.items.filter((x) => x.key === 'worker-down:SIPProxy_2');
    expect(history.map((x) => x.trigger).sort()).toEqual(['channel-closed', 'heartbeat-timeout']);
    expect(history.every((x) => x.eventId === 40002)).toBe(true);
  }, 40_000);
});
