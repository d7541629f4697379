import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// Names that read the same but are different strings, through the running product: `Café` composed (U+00E9) and
// decomposed (e + U+0301), full-width `ＳiteA` next to `SiteA` are one name (UAX #15 NFKC, then case): a second is a
// 409 or a duplicate-name in an import. A zero-width space or joiner makes `Site\u200bA` look like `SiteA`: a 400.

let product: Product;
let admin: string;
const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = { code: string; message: string; errors?: { path: string; code?: string; message: string }[] };
const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;
const NFC = 'Caf\u00e9';
const NFD = 'Cafe\u0301';

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'lookalike') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

describe('API writes', () => {
  it('a switch named like an existing one but for Unicode form (decomposed accent, full-width letter) is a 409 naming it', async () => {
    const created = await product.api('/switches', { token: admin, ...json('POST', { name: NFC, sipServer: 'SIPServer_B' }) });
    expect(created.status, await created.clone().text()).toBe(201);
    const before = await head();
    for (const [name, existing] of [
      [NFD, NFC],
      ['\uff33iteA', 'SiteA'],
      ['\uff53ITEA', 'SiteA'],
    ]) {
      const r = await product.api('/switches', { token: admin, ...json('POST', { name, sipServer: 'SIPServer_B' }) });
      const body = (await r.json()) as ErrorBody;
      expect(r.status, `${JSON.stringify(name)}: ${JSON.stringify(body)}`).toBe(409);
      expect(body.message).toContain(existing);
      expect(body.errors?.map((e) => e.path)).toContain('name');
    }
    expect(await head()).toBe(before);
  });

  it('a DN numbered like an existing one of the switch but for Unicode form is a 409', async () => {
    const ok = await product.api('/switches/SiteA/dns', {
      token: admin,
      ...json('POST', { number: `ext-${NFC}`, type: 'extension', options: { TServer: { contact: '127.0.0.1:5092' } } }),
    });
    expect(ok.status, await ok.clone().text()).toBe(201);
    const r = await product.api('/switches/SiteA/dns', {
      token: admin,
      ...json('POST', { number: `ext-${NFD}`, type: 'extension', options: { TServer: { contact: '127.0.0.1:5093' } } }),
    });
    expect(r.status, await r.clone().text()).toBe(409);
  });

  it('a name holding a zero-width space, joiner, soft hyphen or BOM is a 400 naming the field; nothing is saved', async () => {
    const before = await head();
    for (const name of ['Site\u200bA', 'Site\u200dB', 'Si\u00adteC', 'Site\ufeffD', 'Site\u2060E']) {
      const sw = await product.api('/switches', { token: admin, ...json('POST', { name, sipServer: 'SIPServer_B' }) });
      expect(sw.status, JSON.stringify(name)).toBe(400);
      expect(
        ((await sw.json()) as ErrorBody).errors?.map((e) => e.path),
        JSON.stringify(name),
      ).toContain('name');
      const app = await product.api('/applications', {
        token: admin,
        ...json('POST', { name: `SIPServer_${name}`, type: 'sip-server', host: '127.0.0.9', ports: { 'sip-port': 25070 } }),
      });
      expect(app.status, JSON.stringify(name)).toBe(400);
    }
    expect(await head()).toBe(before);
  });
});

describe('import', () => {
  it('a document with Café composed and decomposed, or a name with a zero-width space, is refused naming each; nothing is saved', async () => {
    const before = await head();
    const d = exampleDocument();
    d.switches.push(
      { ...structuredClone(d.switches[1]), name: NFC, dns: [] },
      { ...structuredClone(d.switches[1]), name: NFD, dns: [] },
      { ...structuredClone(d.switches[1]), name: 'Site\u200bB', dns: [] },
    );
    const r = await product.api('/config/import', {
      token: admin,
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: toYaml(d),
    });
    const body = (await r.json()) as ErrorBody;
    expect(r.status, JSON.stringify(body)).toBe(400);
    const n = d.switches.length;
    expect(body.errors!.find((e) => e.path === `switches[${n - 2}].name`)?.code, JSON.stringify(body)).toBe('duplicate-name');
    expect(
      body.errors!.some((e) => e.path === `switches[${n - 1}].name` && /invisible/.test(e.message)),
      JSON.stringify(body),
    ).toBe(true);
    expect(await head()).toBe(before);
  });
});
