import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { secretRef } from '../../src/contracts/secrets.js';
import { FIXTURE_CERTS } from '../fixtures/config/index.js';
import { readFileSync } from 'node:fs';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';
import { tlsProxyDocument } from '../helpers/config-fixtures.js';

/**
 * Secret option values (`certificate-key` PEM) through the running product: no read, export, version, diff or
 * audit entry shows one to any role (only its `secret:sha256:` reference); an import of a masked export keeps the
 * key; only an admin's explicit export and the worker's snapshot carry it; a migration masks what older versions
 * stored. And TLS material files: read only inside TLS_MATERIAL_DIR, only regular files, size-capped, never for a
 * viewer.
 */
let product: Product;
let dbUrl: string;
let tlsDir: string;
let env: Record<string, string>;
let admin: string;
let viewer: string;
let operator: string;

const KEY = readFileSync(FIXTURE_CERTS.proxyKey, 'utf8');
const REF = secretRef(KEY);
const KEY_BODY = KEY.split('\n')[1]; // a line of base64 that only the key contains
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const yaml = (text: string) => ({ headers: { 'content-type': 'application/yaml' }, body: text });

const DOC = tlsProxyDocument({ certificate: 'proxy.pem', key: KEY });

const text = async (path: string, token: string) => {
  const r = await product.api(path, { token });
  expect(r.status, path).toBe(200);
  return r.text();
};
const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;

async function users(): Promise<void> {
  for (const role of ['viewer', 'operator'] as const) {
    const r = await product.api('/users', {
      method: 'POST',
      token: admin,
      ...json({ username: `s-${role}`, password: 'Secret-role-pass-42', role }),
    });
    expect([201, 409]).toContain(r.status);
  }
  viewer = await product.login('s-viewer', 'Secret-role-pass-42');
  operator = await product.login('s-operator', 'Secret-role-pass-42');
}

beforeAll(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'sipedge-tls-'));
  copyFileSync(FIXTURE_CERTS.proxyCert, join(tlsDir, 'proxy.pem'));
  copyFileSync(FIXTURE_CERTS.proxyKey, join(tlsDir, 'proxy.key'));
  execFileSync('mkfifo', [join(tlsDir, 'fifo.pem')]);
  writeFileSync(join(tlsDir, 'huge.pem'), Buffer.alloc(2 * 1024 * 1024, 'A'));
  symlinkSync(FIXTURE_CERTS.caCert, join(tlsDir, 'outside.pem'));
  dbUrl = await freshDatabase(inject('postgresAdminUrl'), 'secrets');
  env = { DATABASE_URL: dbUrl, TLS_MATERIAL_DIR: tlsDir };
  product = await startProduct(env);
  admin = await product.login();
  await users();
  const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(DOC) });
  expect(r.status, await r.clone().text()).toBe(200);
  // An edit that sends the key in a JSON body (the audit log records bodies).
  const p = await product.api('/applications/SIPProxy_1', {
    method: 'PATCH',
    token: admin,
    ...json({ options: { sipproxy: { 'oos-check': 6 }, security: { 'certificate-key': KEY } } }),
  });
  expect(p.status, await p.clone().text()).toBe(200);
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

/** Every read a user can make that shows configuration values. */
async function everyRead(token: string): Promise<Record<string, string>> {
  const v = await head();
  return {
    application: await text('/applications/SIPProxy_1', token),
    applications: await text('/applications?type=sip-proxy', token),
    export: await text('/config/export', token),
    version: await text(`/config/versions/${v - 1}`, token),
    diff: await text(`/config/diff?from=0&to=${v}`, token),
    audit: await text('/audit?pageSize=100', token),
  };
}

describe('a secret option value never leaves the control plane', () => {
  it('shows its sha256 reference, never the key, in every read, export, version, diff and audit entry, to every role', async () => {
    for (const token of [admin, operator, viewer]) {
      const reads = token === viewer || token === operator ? { ...(await everyRead(token)), audit: '' } : await everyRead(token);
      for (const [what, body] of Object.entries(reads)) {
        expect(body, what).not.toContain('PRIVATE KEY');
        expect(body, what).not.toContain(KEY_BODY);
      }
      expect(reads.application).toContain(REF);
      expect(reads.export).toContain(REF);
      expect(reads.version).toContain(REF);
      expect(reads.diff).toContain(REF);
    }
    expect((await everyRead(admin)).audit).toContain(REF); // the PATCH body, masked
  });

  it('an export with the secrets is an admin action, and audited', async () => {
    expect((await product.api('/config/export?secrets=include', { token: viewer })).status).toBe(403);
    expect((await product.api('/config/export?secrets=include', { token: operator })).status).toBe(403);
    const full = await text('/config/export?secrets=include', admin);
    expect(full).toContain(KEY_BODY);
    const audit = await text('/audit?pageSize=5', admin);
    expect(audit).toContain('config.export-with-secrets');
  });

  it('an import of the masked export keeps the key its reference names; an unknown reference is refused by name', async () => {
    const masked = await text('/config/export', admin);
    const before = await head();
    const same = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(masked) });
    expect(same.status, await same.clone().text()).toBe(200);
    expect(((await same.json()) as { committed: boolean }).committed).toBe(false);
    const changed = await product.api('/config/import', {
      method: 'POST',
      token: admin,
      ...yaml(masked.replace('oos-check: 6', 'oos-check: 7')),
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await head()).toBe(before + 1);
    expect(await text('/config/export?secrets=include', admin)).toContain(KEY_BODY);
    const validated = (await (await product.api('/config/validate', { method: 'POST', token: viewer, ...yaml(masked) })).json()) as {
      valid: boolean;
    };
    expect(validated.valid).toBe(true);

    const unknown = masked.replace(REF, `secret:sha256:${'0'.repeat(64)}`);
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(unknown) });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { errors: { path: string; code: string; message: string }[] };
    expect(body.errors).toContainEqual(
      expect.objectContaining({ path: 'applications[2].options.security.certificate-key', code: 'unknown-secret' }),
    );
    expect(JSON.stringify(body)).not.toContain(KEY_BODY);
  });

  it('reaches the worker of the application, in its snapshot', async () => {
    const created = (await (
      await product.api('/workers/tokens', { method: 'POST', token: admin, ...json({ app: 'SIPProxy_1' }) })
    ).json()) as { token: string };
    const ac = new AbortController();
    const res = await fetch(`${product.url}/api/worker-channel/stream?app=SIPProxy_1`, {
      headers: { authorization: `Bearer ${created.token}` },
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let got = '';
    while (!/event: snapshot\ndata: .*\n\n/.test(got)) {
      const { value, done } = await reader.read();
      if (done) break;
      got += Buffer.from(value).toString();
    }
    ac.abort();
    const data = JSON.parse(/event: snapshot\ndata: (.*)\n\n/.exec(got)![1]) as { effective: { tls?: { certificateKey: string } } };
    expect(data.effective.tls?.certificateKey).toBe(KEY);
  });

  it('a migration leaves no readable key in the versions, the objects or the audit log written before', async () => {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await product.stop();
      // What a database written before secrets were masked holds: the PEM itself, everywhere.
      const pem = JSON.stringify(KEY).slice(1, -1);
      for (const [table, column] of [
        ['config_versions', 'document'],
        ['config_versions', 'changes'],
        ['applications', 'options'],
        ['audit_log', 'detail'],
      ] as const) {
        await db.query(
          `UPDATE ${table} SET ${column} = replace(${column}::text, $1, $2)::jsonb WHERE ${column}::text LIKE '%' || $1 || '%'`,
          [REF, pem],
        );
      }
      await db.query('DROP TABLE config_secrets');
      await db.query("DELETE FROM migrations WHERE name = 'ConfigSecrets1763770000006'");
      const leaked = async () =>
        (
          await db.query(`SELECT (SELECT count(*) FROM config_versions WHERE document::text LIKE '%PRIVATE KEY%' OR changes::text LIKE '%PRIVATE KEY%')
        + (SELECT count(*) FROM applications WHERE options::text LIKE '%PRIVATE KEY%') + (SELECT count(*) FROM audit_log WHERE detail::text LIKE '%PRIVATE KEY%') AS n`)
        ).rows[0].n as string;
      expect(Number(await leaked())).toBeGreaterThan(0);

      product = await startProduct(env);
      admin = await product.login();
      viewer = await product.login('s-viewer', 'Secret-role-pass-42');
      expect(Number(await leaked())).toBe(0);
      const reads = await everyRead(admin);
      for (const [what, body] of Object.entries(reads)) expect(body, what).not.toContain(KEY_BODY);
      expect(await text('/config/export?secrets=include', admin)).toContain(KEY_BODY);
      // A rollback to a version written before the migration still has its key.
      const r = await product.api('/config/versions/1/rollback', { method: 'POST', token: admin });
      expect(r.status, await r.clone().text()).toBe(200);
    } finally {
      await db.end();
    }
  }, 120_000);
});

describe('files named by certificate, certificate-key and trusted-ca', () => {
  type Result = { valid: boolean; errors: { path: string; code: string; message: string }[] };
  const validate = async (token: string, certificate: string): Promise<Result> => {
    const r = await product.api('/config/validate', {
      method: 'POST',
      token,
      ...yaml(tlsProxyDocument({ certificate, key: 'proxy.key' })),
    });
    expect(r.status).toBe(200);
    return (await r.json()) as Result;
  };
  const certError = (r: Result) => r.errors.find((e) => e.path === 'applications[2].options.security.certificate');

  it('a viewer validating certificate: /dev/zero (or a FIFO) makes the control plane open nothing', async () => {
    for (const path of ['/dev/zero', join(tlsDir, 'fifo.pem')]) {
      const r = await validate(viewer, path);
      expect(certError(r)).toBeUndefined();
    }
    expect((await product.api('/health')).status).toBe(200);
  });

  it('refuses a device, a FIFO, a path outside TLS_MATERIAL_DIR and a huge file as a validation error naming the option', async () => {
    const cases: [string, RegExp][] = [
      ['/dev/zero', /outside the TLS material directory/],
      [join(tlsDir, 'fifo.pem'), /not a regular file/],
      ['outside.pem', /outside the TLS material directory/],
      ['huge.pem', /at most 1048576/],
    ];
    for (const [path, why] of cases) {
      const e = certError(await validate(operator, path));
      expect(e, path).toMatchObject({ code: 'tls-material' });
      expect(e!.message, path).toMatch(why);
    }
    expect((await product.api('/health')).status).toBe(200);
  });

  it('reads a regular file inside TLS_MATERIAL_DIR, relative to it', async () => {
    expect((await validate(admin, 'proxy.pem')).errors).toEqual([]);
  });
});
