import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// Option values of the wrong YAML/JSON type, through the running product: each is a 400 whose error names the option
// and the type it expects, by API write and by import alike, and nothing is stored.

let product: Product;
let admin: string;
const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = { code: string; errors?: { path: string; code: string; message: string }[] };

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'optypes') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

async function refused(r: Response, path: RegExp, option: string, expected: RegExp): Promise<void> {
  const body = (await r.json()) as ErrorBody;
  expect(r.status, JSON.stringify(body)).toBe(400);
  const e = body.errors?.find((x) => path.test(x.path));
  expect(e, JSON.stringify(body)).toBeDefined();
  expect(e!.code).toBe('invalid-type');
  expect(e!.message).toContain(`"${option}"`);
  expect(e!.message).toMatch(expected);
}

describe('API writes', () => {
  it('a boolean for a DN contact (sip-contact) is a 400 naming contact and saying a string is expected', async () => {
    const r = await product.api('/switches/SiteA/dns/1001', {
      token: admin,
      ...json('PATCH', { options: { TServer: { contact: true } } }),
    });
    await refused(r, /options\.TServer\.contact$/, 'contact', /expected a string/);
    const dn = (await (await product.api('/switches/SiteA/dns/1001', { token: admin })).json()) as {
      options: { TServer: { contact: unknown } };
    };
    expect(dn.options.TServer.contact).toBe('127.0.0.1:5090;transport=tcp');
  });

  it('a number for a string option is a 400 naming it', async () => {
    const r = await product.api('/applications/SIPProxy_2', { token: admin, ...json('PATCH', { options: { log: { standard: 5 } } }) });
    await refused(r, /options\.log\.standard$/, 'standard', /expected a string/);
  });

  it('a string for a bool option ("true" included) is a 400 naming it', async () => {
    for (const v of ['true', 'yes']) {
      const r = await product.api('/applications/SIPProxy_2', {
        token: admin,
        ...json('PATCH', { options: { sipproxy: { 'sip-enable-tcp-keep-alive': v } } }),
      });
      await refused(r, /options\.sipproxy\.sip-enable-tcp-keep-alive$/, 'sip-enable-tcp-keep-alive', /expected a boolean/);
    }
  });

  it('a string for an integer option is a 400 naming it', async () => {
    const r = await product.api('/applications/SIPProxy_2', {
      token: admin,
      ...json('PATCH', { options: { sipproxy: { 'oos-check': '7' } } }),
    });
    await refused(r, /options\.sipproxy\.oos-check$/, 'oos-check', /expected an integer/);
  });
});

describe('import', () => {
  it('the same wrong types in a YAML document are refused, each naming its option, and nothing is saved', async () => {
    const before = (await (await product.api('/config/versions', { token: admin })).json()) as { total: number };
    const d = exampleDocument();
    d.switches[0].dns[2].options.TServer.contact = true;
    const proxy2 = d.applications.find((a) => a.name === 'SIPProxy_2')!;
    Object.assign(proxy2.options.sipproxy, { 'sip-enable-tcp-keep-alive': 'true', 'oos-force': '5' });
    const doc = toYaml(d);
    expect(doc).toMatch(/contact: true\n/);
    expect(doc).toMatch(/sip-enable-tcp-keep-alive: "true"\n/);
    const r = await product.api('/config/import', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/yaml' },
      body: doc,
    });
    const body = (await r.json()) as ErrorBody;
    expect(r.status, JSON.stringify(body)).toBe(400);
    const typeErrors = body.errors!.filter((e) => e.code === 'invalid-type').map((e) => e.path);
    expect(typeErrors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/dns\[2\]\.options\.TServer\.contact$/),
        expect.stringMatching(/options\.sipproxy\.sip-enable-tcp-keep-alive$/),
        expect.stringMatching(/options\.sipproxy\.oos-force$/),
      ]),
    );
    const after = (await (await product.api('/config/versions', { token: admin })).json()) as { total: number };
    expect(after.total).toBe(before.total);
  });
});
