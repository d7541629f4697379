import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUac, scenario } from '../helpers/sipp.js';
import { importYaml, startProduct, type Product } from '../helpers/product.js';
import { haPairDeployment } from '../helpers/deployment.js';
import { SipServer } from '../helpers/sip-servers.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { isAlive, OptionsProber, processesOf } from '../helpers/sip-probe.js';

/**
 * Issue 13 §4 with the default database: the control plane killed with SIGKILL while it runs its EMBEDDED PostgreSQL
 * (a child of it, in DATA_DIR/pg; control-plane-crash.integration-spec.ts covers an external DATABASE_URL). The
 * postmaster runs in its own process group, so it outlives its parent, still holding the data directory and its
 * port. Restarted on the same DATA_DIR, the control plane must come up anyway (the orphan stopped, one postmaster
 * left), adopt the running worker (same pid, one process) and answer the API; SIP OPTIONS and calls every 0.5 s are
 * answered throughout. A shorter absence than the external variant's 60 s: what is new here is the restart.
 */
const OUTAGE_S = 10;
const APP = 'SIPProxy_1';

let product: Product | undefined;
let token: string;
let dataDir: string;
let port: number;
let proxyPort: number;
let primary: SipServer;
let backup: SipServer;

type WorkerView = { app: string; online: boolean; pid?: number; instanceId?: string; configVersion?: number };
const workerView = async () => ((await (await product!.api('/workers', { token })).json()) as WorkerView[]).find((w) => w.app === APP);
// No DATABASE_URL (even when the run has one): the product runs its own PostgreSQL in DATA_DIR.
const start = () =>
  startProduct({
    DATABASE_URL: undefined,
    DATA_DIR: dataDir,
    PORT: String(port),
    WORKERS_ENABLED: 'true',
    WORKERS_EMBEDDED_APPS: APP,
    LOG_LEVEL: 'info',
  });
const postmasterPid = () => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

/** Postmasters serving this DATA_DIR: processes started as `postgres -D <DATA_DIR>/pg` (backends retitle themselves). */
function postmasters(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = argv.indexOf('-D');
    if (argv[0]?.endsWith('postgres') && i >= 0 && argv[i + 1] === join(dataDir, 'pg')) out.push(Number(d));
  }
  return out;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sipedge-cpcrash-emb-'));
  port = await freePort();
  const sipPort = await freePort();
  proxyPort = await freePort();
  primary = new SipServer('127.0.0.1', sipPort);
  backup = new SipServer('127.0.0.2', sipPort);
  await primary.start();
  await backup.start();
  product = await start();
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
  await waitFor(
    async () => (await workerView())?.online === true && (await workerView())?.configVersion === 1,
    30_000,
    `${APP} online on version 1`,
  );
}, 180_000);

afterAll(async () => {
  await product?.stop();
  // A failed run may leave the keeper, the worker or a postmaster of a killed control plane: stop those of this
  // DATA_DIR, by pid.
  for (const pid of [...processesOf('worker/keeper.js', APP, dataDir), ...processesOf('worker/cli.js', APP, dataDir), ...postmasters()])
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  await primary?.kill();
  await backup?.kill();
}, 60_000);

describe('the data plane outlives a control plane that runs the embedded PostgreSQL', () => {
  it(
    `kill -9 of the control plane, ${OUTAGE_S} s without it, restart on the same DATA_DIR: the orphaned postmaster is replaced, the worker adopted, the API answers; OPTIONS and calls every 0.5 s all answered`,
    async () => {
      const before = (await workerView())!;
      expect(before.pid).toBeGreaterThan(0);
      const oldPostmaster = postmasterPid();
      expect(postmasters()).toEqual([oldPostmaster]);
      const prober = new OptionsProber({ host: '127.0.0.1', port: proxyPort });
      await prober.start();
      const calls = 2 * (OUTAGE_S + 20);
      const callsDone = runUac({
        scenario: scenario('uac_call.xml'),
        target: `127.0.0.1:${proxyPort}`,
        transport: 'udp',
        calls,
        rate: 2,
        timeoutS: OUTAGE_S + 120,
      });
      await sleep(3000);

      product!.process.kill('SIGKILL');
      await product!.stop();
      const killedAt = Date.now();
      while (Date.now() - killedAt < OUTAGE_S * 1000) {
        expect(
          isAlive(before.pid!),
          `worker pid ${before.pid} alive ${Math.round((Date.now() - killedAt) / 1000)} s after the control plane was killed`,
        ).toBe(true);
        await sleep(1000);
      }
      // The postmaster has its own process group: SIGKILL of its parent leaves it running, holding DATA_DIR/pg.
      const orphaned = isAlive(oldPostmaster);

      const restartedAt = Date.now();
      product = await start();
      const upS = (Date.now() - restartedAt) / 1000;
      token = await product.login();
      await waitFor(async () => (await workerView())?.online === true, 30_000, `${APP} online again`);
      const after = (await workerView())!;
      expect(after.pid, 'the same worker process serves on (adopted, not restarted)').toBe(before.pid);
      expect(after.instanceId).toBe(before.instanceId);
      expect(processesOf('worker/cli.js', APP, dataDir), 'exactly one worker process for the application').toEqual([before.pid]);
      expect(processesOf('worker/keeper.js', APP, dataDir)).toHaveLength(1);
      expect(product.output()).toContain(`adopted the running keeper of ${APP}`);
      // One postmaster for the data directory, the one the new control plane started; the orphan is gone.
      expect(postmasters(), 'exactly one postmaster for DATA_DIR/pg').toEqual([postmasterPid()]);
      expect(isAlive(oldPostmaster)).toBe(false);
      // The API answers from the database (not only /health): the configuration imported before the crash is there.
      const app = await product.api(`/applications/${APP}`, { token });
      expect(app.status).toBe(200);
      expect(((await app.json()) as { name: string }).name).toBe(APP);

      const result = await callsDone;
      const probes = await prober.stop();
      console.log(
        `embedded PostgreSQL, control plane away ${OUTAGE_S} s: postmaster ${oldPostmaster} orphaned ${orphaned}, replaced by ${postmasterPid()}; ` +
          `control plane up again in ${upS.toFixed(1)} s; OPTIONS ${probes.answered}/${probes.sent} answered; calls ${result.successful} ok, ${result.failed} failed`,
      );
      expect(probes.unanswered).toEqual([]);
      expect(probes.sent).toBeGreaterThan(OUTAGE_S * 2);
      expect(result.failed, result.output.slice(-2000)).toBe(0);
      expect(result.successful).toBe(calls);
    },
    (OUTAGE_S + 180) * 1000,
  );

  it('after a host restart (everything killed), pid files that name a live process that is not ours: the control plane neither refuses DATA_DIR nor signals that process, and comes up', async () => {
    const before = (await workerView())!;
    const pm = postmasterPid();
    product!.process.kill('SIGKILL');
    await product!.stop();
    // Power loss: the postmaster dies too (its backends follow it), its postmaster.pid and our app.lock stay behind.
    process.kill(pm, 'SIGKILL');
    await waitFor(() => postmasters().length === 0 && !isAlive(pm), 15_000, 'the postmaster gone');
    // After the reboot their pids belong to someone else: here a process of this test (`sleep`, which SIGINT ends).
    const stranger = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      const pidFile = join(dataDir, 'pg', 'postmaster.pid');
      const lines = readFileSync(pidFile, 'utf8').split('\n');
      lines[0] = String(stranger.pid);
      writeFileSync(pidFile, lines.join('\n'));
      // The lock keeps whatever else the killed control plane wrote there; only the pid is now the stranger's.
      const lock = join(dataDir, 'app.lock');
      writeFileSync(lock, readFileSync(lock, 'utf8').replace(/^\d+/, String(stranger.pid)));

      product = await start();
      token = await product.login();
      expect(isAlive(stranger.pid!), `the stranger (pid ${stranger.pid}) was left alone`).toBe(true);
      expect(stranger.exitCode ?? stranger.signalCode).toBeNull();
      expect(postmasters(), 'exactly one postmaster for DATA_DIR/pg').toEqual([postmasterPid()]);
      await waitFor(async () => (await workerView())?.online === true, 30_000, `${APP} online again`);
      // The worker was not part of the simulated power loss: adopted as before.
      expect((await workerView())!.pid).toBe(before.pid);
      expect((await product.api(`/applications/${APP}`, { token })).status).toBe(200);
      // The lock still does its job: a second control plane on this DATA_DIR, while this one runs, is refused.
      await expect(startProduct({ DATABASE_URL: undefined, DATA_DIR: dataDir, WORKERS_ENABLED: 'false' })).rejects.toThrow(
        /DATA_DIR .* is in use by another running instance \(PID \d+\)/,
      );
      expect((await product.api(`/applications/${APP}`, { token })).status).toBe(200);
    } finally {
      if (stranger.exitCode === null && stranger.signalCode === null) stranger.kill('SIGKILL');
    }
  }, 120_000);

  it('a graceful stop of the restarted control plane stops its workers and its PostgreSQL', async () => {
    const keeper = processesOf('worker/keeper.js', APP, dataDir);
    const workers = processesOf('worker/cli.js', APP, dataDir);
    const pm = postmasters();
    expect(await product!.stop('SIGTERM')).toBe(0);
    product = undefined;
    for (const pid of [...keeper, ...workers, ...pm]) expect(isAlive(pid), `pid ${pid} stopped`).toBe(false);
  }, 60_000);
});
