import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// GET /api/search: the header search over the running product's configuration and option registry, paged,
// its query checked by the schema (a 400 naming the parameter, never a 500).

let product: Product;
let admin: string;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'search') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

const find = async (query: string) => {
  const res = await product.api(`/search?${query}`, { token: admin });
  return {
    status: res.status,
    body: (await res.json()) as {
      items: { kind: string; name: string; switch?: string }[];
      total: number;
      page: number;
      pageSize: number;
      errors?: { path: string }[];
    },
  };
};

describe('GET /api/search', () => {
  it('finds an application, a switch, a DN number and an option name', async () => {
    expect((await find('q=SIPServer_A')).body.items[0]).toMatchObject({ kind: 'application', name: 'SIPServer_A' });
    expect((await find('q=sitea')).body.items[0]).toMatchObject({ kind: 'switch', name: 'SiteA' });
    expect((await find('q=sipproxy-pool')).body.items.find((h) => h.kind === 'dn')).toMatchObject({
      name: 'sipproxy-pool',
      switch: 'SiteA',
    });
    expect((await find('q=oos-force')).body.items).toEqual([expect.objectContaining({ kind: 'option', name: 'oos-force' })]);
  });

  it('pages the hits', async () => {
    const all = (await find('q=s&pageSize=100')).body;
    expect(all.total).toBeGreaterThan(3);
    const second = (await find('q=s&page=2&pageSize=2')).body;
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: all.total });
    expect(second.items).toEqual(all.items.slice(2, 4));
  });

  it('refuses a missing, empty or oversized query and a bad page with a 400 naming the parameter', async () => {
    for (const [query, path] of [
      ['', 'q'],
      ['q=', 'q'],
      [`q=${'x'.repeat(101)}`, 'q'],
      ['q=a&pageSize=101', 'pageSize'],
      ['q=a&page=0', 'page'],
      ['q=a&q=b', 'q'],
    ] as const) {
      const r = await find(query);
      expect(r.status, query).toBe(400);
      expect(
        r.body.errors?.map((e) => e.path),
        query,
      ).toContain(path);
    }
  });

  it('needs a session', async () => {
    expect((await product.api('/search?q=SiteA')).status).toBe(401);
  });
});
