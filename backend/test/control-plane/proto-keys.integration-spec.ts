import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// `__proto__` as a key of an option map or of `ports` in a JSON body, through the running product. JSON.parse makes
// it an ordinary key, but copying it into a new object sets that object's prototype instead: the sections, options
// or ports under it vanished and the request answered 200/201 having silently dropped them (a DN created without
// the contact it was sent with). Each is a 400 naming the key, and nothing is saved.

let product: Product;
let admin: string;
const json = (method: string, raw: string) => ({ method, headers: { 'content-type': 'application/json' }, body: raw });
type ErrorBody = { code: string; errors?: { path: string; message: string }[] };
const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'protokeys') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

describe('__proto__ keys in request bodies', () => {
  it('in a section map, an option map or ports: a 400 naming the key; nothing is saved', async () => {
    const before = await head();
    const cases: [string, string, string, string][] = [
      ['PATCH', '/applications/SIPProxy_2', '{"options":{"__proto__":{"sipproxy":{"oos-check":8}}}}', 'options.__proto__'],
      ['PATCH', '/applications/SIPProxy_2', '{"options":{"sipproxy":{"__proto__":{"oos-check":9}}}}', 'options.sipproxy.__proto__'],
      [
        'POST',
        '/applications',
        '{"name":"SIPServer_Q","type":"sip-server","host":"127.0.0.9","ports":{"__proto__":{"sip-port":25070}}}',
        'ports.__proto__',
      ],
      [
        'POST',
        '/switches/SiteA/dns',
        '{"number":"777","type":"extension","options":{"__proto__":{"TServer":{"contact":"127.0.0.1:5099"}}}}',
        'options.__proto__',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await product.api(path, { token: admin, ...json(method, body) });
      const b = (await r.json()) as ErrorBody;
      expect(r.status, `${body}: ${JSON.stringify(b)}`).toBe(400);
      expect(
        b.errors?.map((e) => e.path),
        body,
      ).toContain(field);
    }
    expect(await head()).toBe(before);
    expect((await product.api('/switches/SiteA/dns/777', { token: admin })).status).toBe(404);
  });
});
