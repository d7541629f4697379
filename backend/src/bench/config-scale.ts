/**
 * Configuration at scale: imports a generated document (BENCH_SWITCHES x BENCH_DNS_PER_SWITCH DNs with ~10 options
 * each) through the real API on real PostgreSQL, then prints: import time, export time, paged and filtered list
 * latency, one option edit (median and p99 of BENCH_EDITS, round trip on loopback: server time plus a loopback HTTP
 * exchange), and the storage each edit adds (pg_total_relation_size of the configuration tables, and of the database).
 *   npm run bench:config                              (embedded PostgreSQL in a temporary directory)
 *   DATABASE_URL=postgres://... npm run bench:config  (an existing, empty database)
 *   BENCH_MAIN=/other/tree/backend/dist/backend/src/control-plane/main.js   (time another build: before/after)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serializeConfigDocument } from '../contracts/config-document.js';
import { generateConfigDocument } from './config-document-generator.js';
import { validateConfigDocument } from '../contracts/validation.js';
import pg from 'pg';

const ROOT = resolve(import.meta.dirname, '../../../../..');
// The test certificates live beside the sources (they are not copied into dist).
const CERTS = join(ROOT, 'backend/test/fixtures/config/certs');
const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 10);
const DNS_PER_SWITCH = Number(process.env.BENCH_DNS_PER_SWITCH ?? 1000);

const EDITS = Number(process.env.BENCH_EDITS ?? 100);
const MAIN = process.env.BENCH_MAIN ?? join(ROOT, 'backend/dist/backend/src/control-plane/main.js');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
/** The nearest-rank percentile (p99 of 100 is the 99th smallest). */
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function main(): Promise<void> {
  const doc = generateConfigDocument({ switches: SWITCHES, dnsPerSwitch: DNS_PER_SWITCH, dnKind: 'trunk' });
  for (const a of doc.applications)
    if (a.options.security)
      Object.assign(a.options.security, {
        certificate: join(CERTS, 'proxy.pem'),
        'certificate-key': join(CERTS, 'proxy.key'),
        'trusted-ca': join(CERTS, 'ca.pem'),
      });
  const dnCount = doc.switches.reduce((n, s) => n + s.dns.length, 0);
  const optionCount = doc.switches.reduce((n, s) => n + s.dns.reduce((m, d) => m + Object.keys(d.options.TServer ?? {}).length, 0), 0);
  const yaml = serializeConfigDocument(doc);
  console.log(`document: ${SWITCHES} switches, ${dnCount} DNs, ${optionCount} DN options, ${(yaml.length / 1e6).toFixed(1)} MB of YAML`);

  const v: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const errs = validateConfigDocument(doc);
    v.push(performance.now() - t);
    if (errs.length) throw new Error(JSON.stringify(errs.slice(0, 3)));
  }
  console.log(`validate whole configuration (in process): median ${ms(median(v))} of 5`);

  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-bench-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TLS_MATERIAL_DIR: CERTS,
      ADMIN_PASSWORD: 'bench-password',
      LOG_LEVEL: 'error',
      WORKERS_ENABLED: 'false',
    },
  });
  let dbUrl = '';
  console.log(`product: ${MAIN}`);
  // A connection per query: the product may end idle connections it does not know (its own pool is what it keeps).
  const sql = async (text: string): Promise<unknown[]> => {
    const c = new pg.Client({ connectionString: dbUrl });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(text)).rows as unknown[];
    } finally {
      await c.end();
    }
  };
  const sizes = async () => {
    const r = (
      await sql(`SELECT pg_total_relation_size('config_versions')::float8 AS versions,
      (pg_total_relation_size('config_versions') + pg_total_relation_size('applications') + pg_total_relation_size('switches') + pg_total_relation_size('dns') + pg_total_relation_size('audit_log'))::float8 AS config,
      pg_database_size(current_database())::float8 AS database`)
    )[0] as { versions: number; config: number; database: number };
    return r;
  };
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  const base = `http://127.0.0.1:${port}/api`;
  try {
    for (let i = 0; i < 240; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // The product's database: DATABASE_URL, or the embedded server it started in DATA_DIR (port in postmaster.pid).
    dbUrl =
      process.env.DATABASE_URL ??
      `postgres://postgres:${encodeURIComponent(readFileSync(join(dataDir, 'pg-password'), 'utf8').trim())}@127.0.0.1:${readFileSync(
        join(dataDir, 'pg', 'postmaster.pid'),
        'utf8',
      )
        .split('\n')[3]
        .trim()}/sipedge`;
    const { token } = (await (
      await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
      })
    ).json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };

    let t = performance.now();
    const imp = await fetch(`${base}/config/import`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    const importMs = performance.now() - t;
    if (!imp.ok) throw new Error(`import failed: ${imp.status} ${(await imp.text()).slice(0, 500)}`);
    console.log(`import (parse, validate, write ${dnCount} DNs, version, audit): ${ms(importMs)}`);

    t = performance.now();
    const val = await fetch(`${base}/config/validate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    console.log(
      `POST /api/config/validate (parse + validate + TLS material check): ${ms(performance.now() - t)} (${((await val.json()) as { valid: boolean }).valid ? 'valid' : 'INVALID'})`,
    );

    t = performance.now();
    const exp = await (await fetch(`${base}/config/export`, { headers: auth })).text();
    console.log(`export: ${ms(performance.now() - t)} (identity: ${exp === yaml})`);

    const queries = [
      '/dns?pageSize=50',
      '/dns?pageSize=50&page=150',
      `/dns?switch=Site${SWITCHES - 1}&type=extension&q=104&sort=number&order=desc`,
      '/dns?q=trunk-99&sort=switch',
      '/applications?type=sip-proxy',
    ];
    for (const q of queries) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 21; i++) {
        const s = performance.now();
        const r = (await (await fetch(`${base}${q}`, { headers: auth })).json()) as { total: number };
        times.push(performance.now() - s);
        total = r.total;
      }
      console.log(`GET ${q}: median ${ms(median(times))}, max ${ms(Math.max(...times))} over 21 (total ${total})`);
    }
    // The first edit after import builds the head cache; then EDITS edits of one option, each a new version.
    const patch = (i: number) =>
      fetch(`${base}/switches/Site0/dns/sipproxy-pool`, {
        method: 'PATCH',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ options: { TServer: { 'oos-check': 5 + (i % 3) + 1 } } }),
      });
    if (!(await patch(2)).ok) throw new Error('edit failed');
    await sql('CHECKPOINT');
    const sizeBefore = await sizes();
    const edit: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const s = performance.now();
      const r = await patch(i);
      edit.push(performance.now() - s);
      if (!r.ok) throw new Error(`edit failed: ${await r.text()}`);
    }
    const sizeAfter = await sizes();
    console.log(
      `PATCH one DN option (commit a version), round trip on loopback: median ${ms(median(edit))}, p99 ${ms(pct(edit, 99))}, max ${ms(Math.max(...edit))} over ${EDITS}`,
    );
    console.log(
      `storage per edit (pg_total_relation_size growth / ${EDITS}): config_versions ${kb((sizeAfter.versions - sizeBefore.versions) / EDITS)}, ` +
        `configuration tables + audit_log ${kb((sizeAfter.config - sizeBefore.config) / EDITS)}, database ${kb((sizeAfter.database - sizeBefore.database) / EDITS)}; config_versions now ${kb(sizeAfter.versions)}`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
