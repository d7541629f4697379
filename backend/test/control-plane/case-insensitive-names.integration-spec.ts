import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// Names differing only in case (`SIPProxy_1`, `sipproxy_1`) through the running product: applications, DNs of one
// switch and users are unique regardless of case, by API write (409 naming the field and the existing name) and by
// import (400 naming both); the database holds it with unique indexes on lower(name); and the migration that adds
// them leaves a database that already has such names as it is, saying so.

let product: Product;
let dbUrl: string;
let admin: string;
const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = { code: string; message: string; errors?: { path: string; code?: string; message: string }[] };
const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;

beforeAll(async () => {
  dbUrl = await freshDatabase(inject('postgresAdminUrl'), 'casenames');
  product = await startProduct({ DATABASE_URL: dbUrl });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

async function conflict(r: Response, field: string, existing: string): Promise<void> {
  const body = (await r.json()) as ErrorBody;
  expect(r.status, JSON.stringify(body)).toBe(409);
  expect(body.message).toContain(existing);
  expect(body.message).toMatch(/differ only in case/);
  expect(
    body.errors?.map((e) => e.path),
    JSON.stringify(body),
  ).toContain(field);
}

describe('API writes', () => {
  it('an application named like an existing one but for case is a 409 naming it; nothing is saved', async () => {
    const before = await head();
    const r = await product.api('/applications', {
      token: admin,
      ...json('POST', { name: 'sipserver_a', type: 'sip-server', host: '127.0.0.9', ports: { 'sip-port': 5970 } }),
    });
    await conflict(r, 'name', 'SIPServer_A');
    expect(await head()).toBe(before);
  });

  it('a DN numbered like an existing one of the same switch but for case is a 409 naming it; another switch may have it', async () => {
    const r = await product.api('/switches/SiteA/dns', {
      token: admin,
      ...json('POST', { number: 'TO-SITE-B', type: 'extension', options: { TServer: { contact: '127.0.0.1:5092' } } }),
    });
    await conflict(r, 'number', 'to-site-b');
    const other = await product.api('/switches/SiteB/dns', {
      token: admin,
      ...json('POST', { number: 'TO-SITE-B', type: 'extension', options: { TServer: { contact: '127.0.0.1:5092' } } }),
    });
    expect(other.status, await other.clone().text()).toBe(201);
  });

  it('a user named like an existing one but for case is a 409 naming it; login stays case-exact', async () => {
    const r = await product.api('/users', {
      token: admin,
      ...json('POST', { username: 'Admin', password: 'Case-admin-pass-9021', role: 'viewer' }),
    });
    await conflict(r, 'username', "'admin'");
    const login = await product.api('/auth/login', json('POST', { username: 'ADMIN', password: 'admin-password-it' }));
    expect(login.status).toBe(401);
  });
});

describe('import', () => {
  it('one document with SIPProxy_1 and sipproxy_1 (or DNs differing in case) is a 400 naming both; nothing is saved', async () => {
    const before = await head();
    const d = exampleDocument();
    const p1 = d.applications.find((a) => a.name === 'SIPProxy_1')!;
    d.applications.push({ ...structuredClone(p1), name: 'sipproxy_1', host: '127.0.0.5' });
    d.switches[1].dns.push({ ...structuredClone(d.switches[1].dns[1]), number: 'TO-SITE-A-PRIMARY' });
    const r = await product.api('/config/import', {
      token: admin,
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: toYaml(d),
    });
    const body = (await r.json()) as ErrorBody;
    expect(r.status, JSON.stringify(body)).toBe(400);
    const dup = body.errors!.filter((e) => e.code === 'duplicate-name');
    expect(dup.find((e) => e.path === `applications[${d.applications.length - 1}].name`)?.message).toMatch(
      /"sipproxy_1" is already used by "SIPProxy_1"/,
    );
    expect(dup.find((e) => e.path === `switches[1].dns[${d.switches[1].dns.length - 1}].number`)?.message).toMatch(/"to-site-a-primary"/);
    expect(await head()).toBe(before);
  });
});

describe('a change of case alone', () => {
  it('is a rename, not a duplicate: an import that respells SIPProxy_2 and a DN is accepted and stored', async () => {
    const d = exampleDocument();
    d.applications.find((a) => a.name === 'SIPProxy_2')!.name = 'sipproxy_2';
    d.switches[0].dns.find((x) => x.number === '1002')!.number = '1002'; // unchanged: digits have no case
    d.switches[0].dns.find((x) => x.number === 'to-site-b')!.number = 'To-Site-B';
    const r = await product.api('/config/import', {
      token: admin,
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: toYaml(d),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect((await product.api('/applications/sipproxy_2', { token: admin })).status).toBe(200);
    expect((await product.api('/applications/SIPProxy_2', { token: admin })).status).toBe(404);
    expect((await product.api('/switches/SiteA/dns/To-Site-B', { token: admin })).status).toBe(200);
    await importYaml(product, admin, exampleYaml()); // and back
  });
});

describe('the database', () => {
  it('refuses a case-variant duplicate written past the control plane (unique index on lower(name))', async () => {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const fails = async (sql: string) => {
        await expect(db.query(sql)).rejects.toMatchObject({ code: '23505' });
      };
      await fails(`INSERT INTO users (username, password_hash, role) VALUES ('ADMIN', 'x', 'viewer')`);
      await fails(`INSERT INTO applications (name, type, position, revision) VALUES ('SIPPROXY_1', 'sip-proxy', 99, 1)`);
      await fails(`INSERT INTO switches (name, position, revision) VALUES ('sitea', 99, 1)`);
      await fails(`INSERT INTO dns (switch_name, number, type, position, revision) VALUES ('SiteA', 'SIPPROXY-POOL', 'extension', 99, 1)`);
    } finally {
      await db.end();
    }
  });

  it('the migration leaves a database that already has such names as it is, names them, and indexes the other tables', async () => {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await product.stop();
      await db.query('DROP INDEX "IDX_users_username_lower"');
      await db.query('DROP INDEX "IDX_applications_name_lower"');
      await db.query(
        "INSERT INTO users (username, password_hash, role) SELECT 'ADMIN', password_hash, 'viewer' FROM users WHERE username = 'admin'",
      );
      await db.query("DELETE FROM migrations WHERE name LIKE 'CaseInsensitiveNames%'");
      await db.query('DROP INDEX IF EXISTS "IDX_switches_name_lower"');
      await db.query('DROP INDEX IF EXISTS "IDX_dns_switch_number_lower"');
      product = await startProduct({ DATABASE_URL: dbUrl });
      admin = await product.login();
      expect(product.messages()).toMatch(/table users holds names that differ only in case \((ADMIN \/ admin|admin \/ ADMIN)\)/);
      expect(product.messages()).toContain('CREATE UNIQUE INDEX "IDX_users_username_lower"');
      const users = ((await (await product.api('/users', { token: admin })).json()) as { username: string }[]).map((u) => u.username);
      expect(users).toEqual(expect.arrayContaining(['admin', 'ADMIN']));
      const indexes = (await db.query(`SELECT indexname FROM pg_indexes WHERE indexname LIKE 'IDX_%_lower'`)).rows
        .map((r: { indexname: string }) => r.indexname)
        .sort();
      expect(indexes).toEqual(['IDX_applications_name_lower', 'IDX_dns_switch_number_lower', 'IDX_switches_name_lower']);
    } finally {
      await db.end();
    }
  }, 120_000);
});
