/**
 * Upgrading a database written before option values were typed strictly (issue 14): such a release stored
 * `oos-check: "7"` and `sip-enable-tcp-keep-alive: "true"` as given. Since every commit validates the whole document,
 * one such value would refuse every later write with an error about an option nobody touched, and the worker would
 * run the default instead. The migration `1763770000008-option-value-types` rewrites them to what they meant.
 * Real PostgreSQL, the built product started twice on one database.
 */
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

let product: Product | undefined;
afterAll(async () => {
  await product?.stop();
});

/** What an earlier release left in the database: string-typed values in the objects and in the head version. */
async function writeLegacyValues(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const legacy = (o: Record<string, Record<string, unknown>>) => ({
      ...o,
      sipproxy: { ...o.sipproxy, 'oos-check': '7', 'sip-enable-tcp-keep-alive': 'true' },
    });
    const [app] = (await c.query(`SELECT options FROM applications WHERE name = 'SIPProxy_1'`)).rows as {
      options: Record<string, Record<string, unknown>>;
    }[];
    await c.query(`UPDATE applications SET options = $1 WHERE name = 'SIPProxy_1'`, [JSON.stringify(legacy(app.options))]);
    const [head] = (await c.query('SELECT v.version, v.document FROM config_versions v JOIN config_head h ON h.version = v.version'))
      .rows as { version: number; document: { applications: { name: string; options: Record<string, Record<string, unknown>> }[] } }[];
    for (const a of head.document.applications) if (a.name === 'SIPProxy_1') a.options = legacy(a.options);
    await c.query('UPDATE config_versions SET document = $2 WHERE version = $1', [head.version, JSON.stringify(head.document)]);
    // As if the database predates the migration.
    await c.query(`DELETE FROM migrations WHERE name = 'OptionValueTypes1763770000008'`);
  } finally {
    await c.end();
  }
}

describe('a database from before strict option types', () => {
  it('is migrated: later writes are accepted and the stored values are typed', async () => {
    const url = await freshDatabase(inject('postgresAdminUrl'), 'legacyvals');
    product = await startProduct({ DATABASE_URL: url });
    await importYaml(product, await product.login(), exampleYaml());
    await product.stop();
    await writeLegacyValues(url);

    product = await startProduct({ DATABASE_URL: url });
    const admin = await product.login();
    const r = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ options: { sipproxy: { 'oos-force': 4 } } }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    const app = (await (await product.api('/applications/SIPProxy_1', { token: admin })).json()) as {
      options: { sipproxy: Record<string, unknown> };
    };
    expect(app.options.sipproxy).toMatchObject({ 'oos-check': 7, 'sip-enable-tcp-keep-alive': true, 'oos-force': 4 });
  });
});
