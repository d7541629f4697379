/**
 * Workers at scale: 10 remote workers (real processes, the same CLI as on another host) connected to one control
 * plane, on a generated document of BENCH_SWITCHES x BENCH_DNS_PER_SWITCH DNs (default 10 x 10,000 = 100,000; one
 * proxy per switch, config-document-generator.ts). Prints the control plane's memory and CPU while they report, the
 * change-to-applied latency (median, p99) of 100 live option changes of one proxy, timed from the API call to the
 * worker's /status showing the new configuration, and what the control plane sent each worker (its debug log).
 *   npm run -w backend bench:workers
 *   BENCH_SWITCHES=10 BENCH_DNS_PER_SWITCH=1000 BENCH_CHANGES=100 npm run -w backend bench:workers
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { serializeConfigDocument } from '../contracts/config-document.js';
import { generateConfigDocument } from './config-document-generator.js';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../../../..');
const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 10);
const DNS_PER_SWITCH = Number(process.env.BENCH_DNS_PER_SWITCH ?? 10000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
/** One worker per switch's proxy. */
const WORKERS = SWITCHES;
// The test certificates live beside the sources (they are not copied into dist).
const CERTS = join(ROOT, 'backend/test/fixtures/config/certs');
/** Each wait is bounded: a change not applied in this time fails the bench. */
const APPLY_TIMEOUT_MS = Number(process.env.BENCH_APPLY_TIMEOUT_MS ?? 120_000);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))];
};
async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-bench-workers-'));
  const cp = spawn(process.execPath, [join(ROOT, 'backend/dist/backend/src/control-plane/main.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: 'bench-password',
      LOG_LEVEL: 'debug',
      WORKERS_ENABLED: 'false',
      TLS_MATERIAL_DIR: CERTS,
    },
  });
  // What the control plane sent each worker: its debug lines `sent APP a KIND of N bytes: version A -> B`.
  const sent: { app: string; kind: string; bytes: number }[] = [];
  let buf = '';
  cp.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /sent (\S+) a (snapshot|delta) of (\d+) bytes/.exec(line);
      if (m) sent.push({ app: m[1], kind: m[2], bytes: Number(m[3]) });
    }
  });
  const sentSummary = (): string => {
    const by = new Map<string, { n: number; bytes: number; max: number }>();
    for (const x of sent) {
      const k = x.kind;
      const e = by.get(k) ?? { n: 0, bytes: 0, max: 0 };
      e.n++;
      e.bytes += x.bytes;
      e.max = Math.max(e.max, x.bytes);
      by.set(k, e);
    }
    const apps = new Set(sent.filter((x) => x.kind === 'delta').map((x) => x.app));
    return (
      [...by].map(([k, e]) => `${e.n} ${k}s (${(e.bytes / 1e6).toFixed(2)} MB in all, largest ${e.max} bytes)`).join(', ') +
        (apps.size ? `; deltas went to ${[...apps].join(', ')}` : '') || 'nothing'
    );
  };
  const base = `http://127.0.0.1:${port}/api`;
  const workers: ChildProcess[] = [];
  try {
    for (let i = 0; i < 240; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const { token } = (await (
      await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
      })
    ).json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    // The generated document with this box's free ports, one loopback address per proxy (sip-address), and the
    // test certificates (read by the control plane from TLS_MATERIAL_DIR and sent inline to each worker).
    const doc = generateConfigDocument({ switches: SWITCHES, dnsPerSwitch: DNS_PER_SWITCH, dnKind: 'mixed' });
    const apps: { name: string; host: string; sip: number; http: number }[] = [];
    const sipOf: number[] = [];
    const tlsOf: number[] = [];
    for (let i = 0; i < SWITCHES; i++) {
      sipOf.push(await freePort());
      tlsOf.push(await freePort());
    }
    for (const a of doc.applications) {
      const i = Number(/_(\d+)/.exec(a.name)![1]);
      if (a.type !== 'sip-proxy') continue; // the SIP Servers are only probed (nobody answers): their ports stay
      const host = `127.0.1.${i + 1}`;
      const http = await freePort();
      a.host = host;
      a.ports = { 'sip-port': sipOf[i], 'tls-port': tlsOf[i], 'http-port': http };
      Object.assign(a.options.sipproxy, { 'sip-address': host });
      Object.assign(a.options.security, { certificate: 'proxy.pem', 'certificate-key': 'proxy.key', 'trusted-ca': 'ca.pem' });
      apps.push({ name: a.name, host, sip: sipOf[i], http });
    }
    doc.switches.forEach((sw, i) => {
      const next = (i + 1) % SWITCHES;
      for (const dn of sw.dns) {
        const t = dn.options.TServer;
        if (dn.type === 'voip-service')
          Object.assign(t, { 'external-contact': `proxy.site-${i}.example:${sipOf[i]}`, 'sip-port-tls': tlsOf[i] });
        if (dn.type === 'trunk')
          Object.assign(t, { 'peer-proxy-contact': `proxy.site-${next}.example:${sipOf[next]}`, 'peer-proxy-port-tls': tlsOf[next] });
      }
    });
    const yaml = serializeConfigDocument(doc);
    const dnCount = doc.switches.reduce((n, sw) => n + sw.dns.length, 0);
    console.log(`document: ${SWITCHES} switches, ${dnCount} DNs, ${(yaml.length / 1e6).toFixed(1)} MB of YAML; ${WORKERS} proxies`);
    const ti = performance.now();
    const imp = await fetch(`${base}/config/import`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    if (!imp.ok) throw new Error(`import: ${(await imp.text()).slice(0, 2000)}`);
    console.log(`import: ${((performance.now() - ti) / 1000).toFixed(1)} s`);
    const tc = performance.now();
    const cli = join(ROOT, 'backend/dist/backend/src/worker/cli.js');
    for (const a of apps) {
      const t = (await (
        await fetch(`${base}/workers/tokens`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ app: a.name }),
        })
      ).json()) as { token: string };
      const logFd = openSync(join(dataDir, `${a.name}.log`), 'w');
      workers.push(
        spawn(process.execPath, [cli, '--control-plane', `http://127.0.0.1:${port}`, '--app', a.name], {
          stdio: ['ignore', logFd, logFd],
          env: { ...process.env, SIPEDGE_WORKER_TOKEN: t.token },
        }),
      );
    }
    for (let i = 0; ; i++) {
      const list =
        (
          (await (await fetch(`${base}/service-state`, { headers: auth })).json()) as {
            workers?: { online: boolean; configVersion?: number }[];
          }
        ).workers ?? [];
      if (list.filter((w) => w.online && w.configVersion !== undefined).length === WORKERS) break;
      if (performance.now() - tc > Number(process.env.BENCH_START_TIMEOUT_MS ?? 15 * 60_000))
        throw new Error(
          `${readFileSync(join(dataDir, `${apps[0].name}.log`), 'utf8').slice(-3000)}\n` +
            `only ${list.filter((w) => w.online && w.configVersion !== undefined).length} of ${WORKERS} workers running after 15 min`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(
      `${WORKERS} remote workers running the configuration (first snapshots): ${((performance.now() - tc) / 1000).toFixed(1)} s; sent so far: ${sentSummary()}`,
    );
    sent.length = 0;

    await new Promise((r) => setTimeout(r, 3000));
    const t0 = cpuTicks(cp.pid!);
    const w0 = Date.now();
    const rss: number[] = [];
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rss.push(rssMiB(cp.pid!));
    }
    const cpuPct = ((cpuTicks(cp.pid!) - t0) / 100 / ((Date.now() - w0) / 1000)) * 100;
    console.log(
      `control plane with ${WORKERS} workers reporting every second: CPU ${cpuPct.toFixed(1)} % of one core, RSS median ${pct(rss, 0.5).toFixed(0)} MiB (max ${Math.max(...rss).toFixed(0)}) over 20 s`,
    );

    const target = apps[0];
    const lat: number[] = [];
    const commit: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const before = ((await (await fetch(`http://${target.host}:${target.http}/status`)).json()) as { configVersion: string })
        .configVersion;
      const start = performance.now();
      const r = await fetch(`${base}/applications/${target.name}`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ options: { sipproxy: { 'oos-check': 5 + ((i % 2) + 1) } } }),
      });
      if (!r.ok) throw new Error(`change ${i}: ${await r.text()}`);
      commit.push(performance.now() - start);
      for (;;) {
        const v = ((await (await fetch(`http://${target.host}:${target.http}/status`)).json()) as { configVersion: string }).configVersion;
        if (v !== before) break;
        if (performance.now() - start > APPLY_TIMEOUT_MS) throw new Error(`change ${i} not applied within ${APPLY_TIMEOUT_MS} ms`);
        await new Promise((res) => setTimeout(res, 2));
      }
      lat.push(performance.now() - start);
    }
    console.log(
      `change-to-applied over ${CHANGES} live changes (API call -> worker running it): median ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms; of which the API commit (validate, version, audit): median ${pct(commit, 0.5).toFixed(1)} ms, p99 ${pct(commit, 0.99).toFixed(1)} ms`,
    );
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`sent by the control plane during the ${CHANGES} changes (of ${target.name}'s options): ${sentSummary()}`);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    cp.kill('SIGTERM');
    await new Promise((r) => cp.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
