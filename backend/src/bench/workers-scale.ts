/**
 * Workers at scale: 10 remote workers (real processes, the same CLI as on another host) connected to one control
 * plane. Prints the control plane's memory and CPU while they report, and the change-to-applied latency (median,
 * p99) of 100 live option changes, timed from the API call to the worker's /status showing the new configuration.
 *   npm run -w backend bench:workers
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../../../..');
const WORKERS = Number(process.env.BENCH_WORKERS ?? 10);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))]!; };
async function freePort(): Promise<number> {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); }); });
}
function cpuTicks(pid: number): number { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); }
function rssMiB(pid: number): number { const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8')); return Number(m?.[1] ?? 0) / 1024; }

async function main(): Promise<void> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-bench-workers-'));
  const cp = spawn(process.execPath, [join(ROOT, 'backend/dist/backend/src/control-plane/main.js')], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-password', LOG_LEVEL: 'error', WORKERS_ENABLED: 'false' },
  });
  const base = `http://127.0.0.1:${port}/api`;
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < 240; i++) { try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 250)); }
    const { token } = (await (await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password' }) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const sipPort = await freePort();
    // One pool: the same sip-port on a loopback address per proxy (the guide wants one port per pool), each bound
    // there by sip-address (unset would bind every interface and the proxies would collide).
    const poolPort = await freePort();
    const apps: { name: string; host: string; sip: number; http: number }[] = [];
    for (let i = 0; i < WORKERS; i++) apps.push({ name: `SIPProxy_${i + 1}`, host: `127.0.1.${i + 1}`, sip: poolPort, http: await freePort() });
    const yaml = `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${sipPort} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${sipPort} } }
${apps.map((a) => `  - name: ${a.name}
    type: sip-proxy
    host: ${a.host}
    ports: { sip-port: ${a.sip}, http-port: ${a.http} }
    options: { sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, sip-address: ${a.host}, oos-check: 5, oos-force: 5 } }`).join('\n')}
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: pool.example, external-contact: "127.0.0.1:${apps[0]!.sip}", oos-check: 5, oos-force: 5 } } }
`;
    const imp = await fetch(`${base}/config/import`, { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: yaml });
    if (!imp.ok) throw new Error(`import: ${await imp.text()}`);
    const cli = join(ROOT, 'backend/dist/backend/src/worker/cli.js');
    for (const a of apps) {
      const t = (await (await fetch(`${base}/workers/tokens`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ app: a.name }) })).json()) as { token: string };
      workers.push(spawn(process.execPath, [cli, '--control-plane', `http://127.0.0.1:${port}`, '--app', a.name], { stdio: 'ignore', env: { ...process.env, SIPEDGE_WORKER_TOKEN: t.token } }));
    }
    for (let i = 0; i < 120; i++) {
      const list = (await (await fetch(`${base}/workers`, { headers: auth })).json()) as { online: boolean }[];
      if (list.filter((w) => w.online).length === WORKERS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    console.log(`${WORKERS} remote workers online`);

    await new Promise((r) => setTimeout(r, 3000));
    const t0 = cpuTicks(cp.pid!); const w0 = Date.now();
    const rss: number[] = [];
    for (let i = 0; i < 20; i++) { await new Promise((r) => setTimeout(r, 1000)); rss.push(rssMiB(cp.pid!)); }
    const cpuPct = ((cpuTicks(cp.pid!) - t0) / 100) / ((Date.now() - w0) / 1000) * 100;
    console.log(`control plane with ${WORKERS} workers reporting every second: CPU ${cpuPct.toFixed(1)} % of one core, RSS median ${pct(rss, 0.5).toFixed(0)} MiB (max ${Math.max(...rss).toFixed(0)}) over 20 s`);

    const target = apps[0]!;
    const lat: number[] = [];
    const commit: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const before = ((await (await fetch(`http://${target.host}:${target.http}/status`)).json()) as { configVersion: string }).configVersion;
      const start = performance.now();
      const r = await fetch(`${base}/applications/${target.name}`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ options: { sipproxy: { 'oos-check': 5 + ((i % 2) + 1) } } }) });
      if (!r.ok) throw new Error(`change ${i}: ${await r.text()}`);
      commit.push(performance.now() - start);
      for (;;) {
        const v = ((await (await fetch(`http://${target.host}:${target.http}/status`)).json()) as { configVersion: string }).configVersion;
        if (v !== before) break;
        if (performance.now() - start > 5000) throw new Error(`change ${i} not applied within 5 s`);
        await new Promise((res) => setTimeout(res, 2));
      }
      lat.push(performance.now() - start);
    }
    console.log(`change-to-applied over ${CHANGES} live changes (API call -> worker running it): median ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms; of which the API commit (validate, version, audit): median ${pct(commit, 0.5).toFixed(1)} ms, p99 ${pct(commit, 0.99).toFixed(1)} ms`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    cp.kill('SIGTERM');
    await new Promise((r) => cp.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
