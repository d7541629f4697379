import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// Hostile names in configuration requests over the running product: each is a 400 naming the field (or a 409 for a
// case-variant duplicate), never a 500 and never stored.

let product: Product;
let admin: string;
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = { code: string; errors?: { path: string; message: string }[] };

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'hostile') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => { await product?.stop(); });

describe('switch names and fields', () => {
  it('NUL, CR/LF, bidi override, "/", over-long and wrong types are each a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'a\u0000b' }, 'name'], [{ name: 'a\r\nb' }, 'name'], [{ name: 'evil\u202Etxt' }, 'name'], [{ name: 'a/b' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'], [{ name: ['S'] }, 'name'], [{ name: 'S1', sipServer: 'x\r\nInjected: 1' }, 'sipServer'],
      [{ name: 'S1', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await product.api('/switches', { method: 'POST', token: admin, ...json(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as ErrorBody).errors!.map((e) => e.path), JSON.stringify(body)).toContain(field);
    }
    const names = ((await (await product.api('/switches', { token: admin })).json()) as { name: string }[]).map((s) => s.name);
    expect(names.some((n) => n !== 'SiteA' && n !== 'SiteB' && n.startsWith('Site') === false)).toBe(false);
  });

  it('a name differing only in case from an existing switch is a 409', async () => {
    const r = await product.api('/switches', { method: 'POST', token: admin, ...json({ name: 'sitea', sipServer: 'SIPServer_A' }) });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toMatch(/differ only in case/);
  });
});
