import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FIXTURE_CERTS } from '../fixtures/config/index.js';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';
import { tlsProxyDocument } from '../helpers/config-fixtures.js';

/**
 * A private key pasted into `certificate` or `trusted-ca` (options that are not secret, so every role reads them)
 * through the running product: refused by validation, naming the option, without echoing the key, by API write and
 * import; and what a database written before the rule holds is masked in every read, like `certificate-key`.
 */
let product: Product;
let dbUrl: string;
let admin: string;
let viewer: string;

const CERT = readFileSync(FIXTURE_CERTS.proxyCert, 'utf8');
const CA = readFileSync(FIXTURE_CERTS.caCert, 'utf8');
const KEY = readFileSync(FIXTURE_CERTS.proxyKey, 'utf8');
const KEY_BODY = KEY.split('\n')[1]; // a line of base64 that only the key contains
const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const yaml = (text: string) => ({ method: 'POST', headers: { 'content-type': 'application/yaml' }, body: text });
type ErrorBody = { code: string; errors?: { path: string; code: string; message: string }[] };

const text = async (path: string, token: string) => {
  const r = await product.api(path, { token });
  expect(r.status, path).toBe(200);
  return r.text();
};
const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;

async function everyRead(token: string): Promise<Record<string, string>> {
  const v = await head();
  return {
    application: await text('/applications/SIPProxy_1', token),
    applications: await text('/applications?type=sip-proxy', token),
    export: await text('/config/export', token),
    version: await text(`/config/versions/${v}`, token),
    diff: await text(`/config/diff?from=0&to=${v}`, token),
  };
}

beforeAll(async () => {
  dbUrl = await freshDatabase(inject('postgresAdminUrl'), 'pkplace');
  product = await startProduct({ DATABASE_URL: dbUrl });
  admin = await product.login();
  const u = await product.api('/users', {
    token: admin,
    ...json('POST', { username: 'pk-viewer', password: 'Pk-viewer-pass-42', role: 'viewer' }),
  });
  expect(u.status).toBe(201);
  viewer = await product.login('pk-viewer', 'Pk-viewer-pass-42');
  const r = await product.api('/config/import', { token: admin, ...yaml(tlsProxyDocument({ certificate: CERT, key: KEY, ca: CA })) });
  expect(r.status, await r.clone().text()).toBe(200);
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

describe('a private key in certificate or trusted-ca', () => {
  it('is refused by an API write, naming the option, without echoing the key, and stays out of the audit log', async () => {
    const before = await head();
    for (const option of ['certificate', 'trusted-ca']) {
      const value = option === 'certificate' ? CERT + KEY : KEY + CA;
      const r = await product.api('/applications/SIPProxy_1', {
        token: admin,
        ...json('PATCH', { options: { security: { [option]: value } } }),
      });
      const raw = await r.text();
      expect(r.status, raw).toBe(400);
      expect(raw).not.toContain(KEY_BODY);
      const e = ((JSON.parse(raw) as ErrorBody).errors ?? []).find((x) => x.path.endsWith(`options.security.${option}`));
      expect(e, raw).toBeDefined();
      expect(e!.message).toContain(`"${option}"`);
      expect(e!.message).toMatch(/contains a private key; put it in certificate-key/);
    }
    expect(await head()).toBe(before);
    expect(await text('/audit?pageSize=100', admin)).not.toContain(KEY_BODY);
  });

  it('is refused by an import and by validation, naming the option', async () => {
    const doc = tlsProxyDocument({ certificate: CERT + KEY, key: KEY });
    const r = await product.api('/config/import', { token: admin, ...yaml(doc) });
    const raw = await r.text();
    expect(r.status, raw).toBe(400);
    expect(raw).not.toContain(KEY_BODY);
    expect((JSON.parse(raw) as ErrorBody).errors!.map((e) => e.path)).toContain('applications[2].options.security.certificate');
    const v = await product.api('/config/validate', { token: viewer, ...yaml(doc) });
    const vr = await v.text();
    expect(vr).toMatch(/contains a private key/);
    expect(vr).not.toContain(KEY_BODY);
  });

  it('stored before the rule (a database written by an older version), is masked in every read, for every role', async () => {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await product.stop();
      // What an older version accepted and stored: the certificate option holding the key too, everywhere.
      const from = JSON.stringify(CERT).slice(1, -1);
      const to = JSON.stringify(CERT + KEY).slice(1, -1);
      for (const [table, column] of [
        ['config_versions', 'document'],
        ['config_versions', 'changes'],
        ['applications', 'options'],
      ] as const) {
        await db.query(`UPDATE ${table} SET ${column} = replace(${column}::text, $1, $2)::jsonb`, [from, to]);
      }
      await db.query("DELETE FROM migrations WHERE name LIKE 'PrivateKeysInPublicOptions%'");
      product = await startProduct({ DATABASE_URL: dbUrl });
      admin = await product.login();
      viewer = await product.login('pk-viewer', 'Pk-viewer-pass-42');
      for (const token of [admin, viewer]) {
        for (const [what, body] of Object.entries(await everyRead(token))) expect(body, what).not.toContain(KEY_BODY);
      }
      const leaked = (
        await db.query(
          `SELECT (SELECT count(*) FROM config_versions WHERE document::text LIKE '%' || $1 || '%' OR changes::text LIKE '%' || $1 || '%')
        + (SELECT count(*) FROM applications WHERE options::text LIKE '%' || $1 || '%') AS n`,
          [KEY_BODY],
        )
      ).rows[0].n as string;
      expect(Number(leaked)).toBe(0);
      // The admin's explicit export still has it (nothing is lost), and the next edit says where the key must go.
      expect(await text('/config/export?secrets=include', admin)).toContain(KEY_BODY);
      const r = await product.api('/applications/SIPProxy_1', {
        token: admin,
        ...json('PATCH', { options: { sipproxy: { 'oos-check': 6 } } }),
      });
      const raw = await r.text();
      expect(r.status, raw).toBe(400);
      const e = (JSON.parse(raw) as ErrorBody).errors!.find((x) => x.code === 'private-key-misplaced');
      expect(e, raw).toMatchObject({ path: 'applications[2].options.security.certificate' });
      expect(e!.message).toMatch(/contains a private key; put it in certificate-key/);
      expect(raw).not.toContain(KEY_BODY);
    } finally {
      await db.end();
    }
  }, 120_000);
});
