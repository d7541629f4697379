/**
 * Configuration at scale: imports a generated document of 10,000 DNs with ~10 options each through the real API
 * (real PostgreSQL), then times paged and filtered list queries and a whole-configuration validation. Prints medians.
 *   npm run -w backend bench:config            (embedded PostgreSQL in a temporary DATA_DIR)
 *   DATABASE_URL=postgres://... npm run -w backend bench:config
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeConfigDocument } from '../contracts/config-document.js';
import { generateConfigDocument } from './config-document-generator.js';
import { validateConfigDocument } from '../contracts/validation.js';

const ROOT = resolve(import.meta.dirname, '../../../../..');
// The test certificates live beside the sources (they are not copied into dist).
const CERTS = join(ROOT, 'backend/test/fixtures/config/certs');
const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 10);
const DNS_PER_SWITCH = Number(process.env.BENCH_DNS_PER_SWITCH ?? 1000);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function freePort(): Promise<number> {
  return new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); }); });
}

async function main(): Promise<void> {
  const doc = generateConfigDocument({ switches: SWITCHES, dnsPerSwitch: DNS_PER_SWITCH, dnKind: 'trunk' });
  for (const a of doc.applications) if (a.options.security) Object.assign(a.options.security, { certificate: join(CERTS, 'proxy.pem'), 'certificate-key': join(CERTS, 'proxy.key'), 'trusted-ca': join(CERTS, 'ca.pem') });
  const dnCount = doc.switches.reduce((n, s) => n + s.dns.length, 0);
  const optionCount = doc.switches.reduce((n, s) => n + s.dns.reduce((m, d) => m + Object.keys(d.options.TServer ?? {}).length, 0), 0);
  const yaml = serializeConfigDocument(doc);
  console.log(`document: ${SWITCHES} switches, ${dnCount} DNs, ${optionCount} DN options, ${(yaml.length / 1e6).toFixed(1)} MB of YAML`);

  const v: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); const errs = validateConfigDocument(doc); v.push(performance.now() - t); if (errs.length) throw new Error(JSON.stringify(errs.slice(0, 3))); }
  console.log(`validate whole configuration (in process): median ${ms(median(v))} of 5`);

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-bench-'));
  const child = spawn(process.execPath, [join(ROOT, 'backend/dist/backend/src/control-plane/main.js')], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-password', LOG_LEVEL: 'error', WORKERS_ENABLED: 'false' },
  });
  const base = `http://127.0.0.1:${port}/api`;
  try {
    for (let i = 0; i < 240; i++) { try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* starting */ } await new Promise((r) => setTimeout(r, 250)); }
    const { token } = (await (await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password' }) })).json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };

    let t = performance.now();
    const imp = await fetch(`${base}/config/import`, { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: yaml });
    const importMs = performance.now() - t;
    if (!imp.ok) throw new Error(`import failed: ${imp.status} ${(await imp.text()).slice(0, 500)}`);
    console.log(`import (parse, validate, write ${dnCount} DNs, version, audit): ${ms(importMs)}`);

    t = performance.now();
    const val = await fetch(`${base}/config/validate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/yaml' }, body: yaml });
    console.log(`POST /api/config/validate (parse + validate + TLS material check): ${ms(performance.now() - t)} (${((await val.json()) as { valid: boolean }).valid ? 'valid' : 'INVALID'})`);

    t = performance.now();
    const exp = await (await fetch(`${base}/config/export`, { headers: auth })).text();
    console.log(`export: ${ms(performance.now() - t)} (identity: ${exp === yaml})`);

    const queries = ['/dns?pageSize=50', '/dns?pageSize=50&page=150', `/dns?switch=Site${SWITCHES - 1}&type=extension&q=104&sort=number&order=desc`, '/dns?q=trunk-99&sort=switch', '/applications?type=sip-proxy'];
    for (const q of queries) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 21; i++) { const s = performance.now(); const r = (await (await fetch(`${base}${q}`, { headers: auth })).json()) as { total: number }; times.push(performance.now() - s); total = r.total; }
      console.log(`GET ${q}: median ${ms(median(times))} over 21 (total ${total})`);
    }
    const edit: number[] = [];
    for (let i = 0; i < 11; i++) {
      const s = performance.now();
      const r = await fetch(`${base}/switches/Site0/dns/sipproxy-pool`, { method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ options: { TServer: { 'oos-check': 5 + (i % 3) + 1 } } }) });
      edit.push(performance.now() - s);
      if (!r.ok) throw new Error(`edit failed: ${await r.text()}`);
    }
    console.log(`PATCH one option (validate all ${dnCount} DNs, commit a version): median ${ms(median(edit))} over 11`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
