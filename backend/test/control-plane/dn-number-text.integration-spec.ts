import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// A DN number (or an object name) written unquoted in an imported YAML document is kept as written, through the
// running product. The YAML core schema reads `0012`, `+4930123`, `1e3`, `0x1F` and 20-digit numbers as numbers;
// turned back into text they became 12, 4930123, 1000, 31 and 12345678901234567000: another number than the one
// dialled, stored without a word.

let product: Product;
let admin: string;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'dntext') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

describe('numbers as written', () => {
  it('DN numbers 0012, +4930123, 1e3, 0x1F and a 20-digit number are stored exactly as written', async () => {
    const exported = await (await product.api('/config/export', { token: admin })).text();
    const written = ['0012', '+4930123', '1e3', '0x1F', '12345678901234567890'];
    const dns = written
      .map(
        (n, i) =>
          `      - number: ${n}\n        type: extension\n        options:\n          TServer:\n            contact: "127.0.0.1:${5200 + i}"\n`,
      )
      .join('');
    const yaml = exported.replace(/^(switches:\n {2}- name: SiteA\n(?: {4}.*\n)*? {4}dns:\n)/m, `$1${dns}`);
    expect(yaml).not.toBe(exported);
    await importYaml(product, admin, yaml);
    const stored = (
      (await (await product.api('/switches/SiteA/dns?pageSize=100', { token: admin })).json()) as { items: { number: string }[] }
    ).items.map((d) => d.number);
    expect(stored).toEqual(expect.arrayContaining(written));
    expect(stored).not.toContain('12');
    expect(stored).not.toContain('1000');
  });

  it('an application named 1e3 is named "1e3"', async () => {
    const exported = await (await product.api('/config/export', { token: admin })).text();
    const yaml = exported.replace(
      /^applications:\n/m,
      'applications:\n  - name: 1e3\n    type: sip-server\n    host: 127.0.0.9\n    ports:\n      sip-port: 25070\n',
    );
    await importYaml(product, admin, yaml);
    expect((await product.api('/applications/1e3', { token: admin })).status).toBe(200);
  });
});
