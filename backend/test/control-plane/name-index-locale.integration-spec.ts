import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// The case-insensitive name indexes against a database whose locale folds Unicode (the postgres image's en_US.utf8,
// C.utf8): there lower('SİPServer_A') is 'sipserver_a' (U+0130 to plain i) and lower('ΣΙΤΕΣ') ends in σ, while
// the control plane's rule (contracts/names.ts, JavaScript toLowerCase) gives 'si̇pserver_a' (i + U+0307) and a
// final ς. A name the control plane accepts as new must be stored, not refused by the index with a 500.

let product: Product;
let dbUrl: string;
let admin: string;
const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A database folding by Unicode rules: PostgreSQL's builtin C.UTF-8 (17+), else the C.utf8 libc locale. */
async function unicodeFoldingDatabase(): Promise<string> {
  const admin = inject('postgresAdminUrl');
  try {
    return await freshDatabase(
      admin,
      'nameloc',
      `TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8' LOCALE 'C'`,
    );
  } catch {
    return freshDatabase(admin, 'nameloc', `TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.utf8'`);
  }
}

beforeAll(async () => {
  dbUrl = await unicodeFoldingDatabase();
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    // The premise: this database's lower() folds U+0130 where JavaScript's does not.
    expect((await db.query(`SELECT lower('SİPServer_A') AS l`)).rows[0].l).toBe('sipserver_a');
  } finally {
    await db.end();
  }
  product = await startProduct({ DATABASE_URL: dbUrl });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

describe('names the control plane tells apart, in a database whose lower() folds Unicode', () => {
  it('an application SİPServer_A (capital I with dot) next to SIPServer_A is created, not a 500', async () => {
    const r = await product.api('/applications', {
      token: admin,
      ...json('POST', { name: 'SİPServer_A', type: 'sip-server', host: '127.0.0.9', ports: { 'sip-port': 25070 } }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    const names = (
      (await (await product.api('/applications?pageSize=100', { token: admin })).json()) as { items: { name: string }[] }
    ).items.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['SIPServer_A', 'SİPServer_A']));
  });

  it('switches ΣΙΤΕΣ and σιτεσ (final sigma) are both created, not a 500', async () => {
    for (const name of ['ΣΙΤΕΣ', 'σιτεσ']) {
      const r = await product.api('/switches', { token: admin, ...json('POST', { name, sipServer: 'SIPServer_B' }) });
      expect(r.status, `${name}: ${await r.clone().text()}`).toBe(201);
    }
  });

  it('the database still refuses an ASCII case variant on its own (the index holds under concurrent writes)', async () => {
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      await expect(
        db.query(`INSERT INTO applications (name, type, position, revision) VALUES ('SIPPROXY_1', 'sip-proxy', 99, 1)`),
      ).rejects.toMatchObject({ code: '23505' });
      await expect(db.query(`INSERT INTO users (username, password_hash, role) VALUES ('ADMIN', 'x', 'viewer')`)).rejects.toMatchObject({
        code: '23505',
      });
    } finally {
      await db.end();
    }
    const r = await product.api('/applications', {
      token: admin,
      ...json('POST', { name: 'sipserver_a', type: 'sip-server', host: '127.0.0.9', ports: { 'sip-port': 25071 } }),
    });
    expect(r.status).toBe(409);
  });
});
