import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateConfigDocument } from '../../src/contracts/fixtures/index.js';
import { serializeConfigDocument } from '../../src/contracts/index.js';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// Input that used to freeze the control plane or reach PostgreSQL unchecked (a 500), over the running product:
// a YAML document of a few hundred kB with hundreds of thousands of nodes, NUL in path parameters, query values
// and the login name, names longer than the database column. Each is a 4xx with a code, and the API stays up.

let product: Product;
let admin: string;
let viewer: string;
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const yamlBody = (text: string) => ({ headers: { 'content-type': 'application/yaml' }, body: text });
type ErrorBody = { code: string; message: string; errors?: { path: string; message: string }[] };

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'limits') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
  await product.api('/users', { method: 'POST', token: admin, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reader', password: 'reader-password-1', role: 'viewer' }) });
  viewer = await product.login('reader', 'reader-password-1');
});
afterAll(async () => { await product?.stop(); });

describe('YAML documents too large to parse', () => {
  it('a viewer\'s flow sequence of 300,000 items (600 kB) is refused before parsing: 413 CONFIG_TOO_LARGE', async () => {
    const bomb = `version: 1\nx: [${'0,'.repeat(300_000)}0]\n`;
    const r = await product.api('/config/validate', { method: 'POST', token: viewer, ...yamlBody(bomb) });
    expect(r.status).toBe(413);
    expect(((await r.json()) as ErrorBody).code).toBe('CONFIG_TOO_LARGE');
    expect((await product.api('/health')).status).toBe(200);
  });

  it('an editor\'s flow sequence of 8,000,001 items (16 MB) is refused before parsing, on validate and import', async () => {
    const bomb = `version: 1\nx: [${'0,'.repeat(8_000_001)}0]\n`;
    for (const path of ['/config/validate', '/config/import']) {
      const r = await product.api(path, { method: 'POST', token: admin, ...yamlBody(bomb) });
      expect(r.status, path).toBe(413);
      expect(((await r.json()) as ErrorBody).code).toBe('CONFIG_TOO_LARGE');
    }
    expect((await product.api('/health')).status).toBe(200);
  });

  it('a document of ordinary size still validates', async () => {
    const r = await product.api('/config/validate', { method: 'POST', token: admin, ...yamlBody(exampleYaml()) });
    expect(r.status).toBe(200);
  });

  it('an editor validates a deployment of 5,000 DNs (past the viewer\'s cap): whole deployments stay importable', async () => {
    const big = serializeConfigDocument(generateConfigDocument({ switches: 5, dnsPerSwitch: 1000, dnKind: 'trunk' }));
    expect((await product.api('/config/validate', { method: 'POST', token: viewer, ...yamlBody(big) })).status).toBe(413);
    const r = await product.api('/config/validate', { method: 'POST', token: admin, ...yamlBody(big) });
    expect(r.status).toBe(200);
  });
});

describe('control characters in path parameters and query values', () => {
  it('NUL in a path parameter or a query value is a 400 INVALID_PARAMETER naming it, for every method', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/applications/A%00B', 'name'], ['DELETE', '/applications/A%00B', 'name'], ['PATCH', '/applications/A%00B', 'name'],
      ['GET', '/switches/A%00B', 'name'], ['GET', '/switches/SiteA/dns/A%00B', 'number'], ['DELETE', '/switches/SiteA/dns/A%00B', 'number'],
      ['GET', '/applications?q=%00', 'q'], ['GET', '/applications?type=%00', 'type'], ['GET', '/dns?q=%00', 'q'],
      ['GET', '/dns?switch=%00', 'switch'], ['GET', '/audit?actor=%00', 'actor'], ['GET', '/applications?q=a%0D%0Ab', 'q'],
    ];
    for (const [method, path, field] of cases) {
      const r = await product.api(path, { method, token: admin, ...(method === 'PATCH' ? json({ host: '127.0.0.1' }) : {}) });
      expect(r.status, `${method} ${path}`).toBe(400);
      const body = (await r.json()) as ErrorBody;
      expect(body.code, `${method} ${path}`).toBe('INVALID_PARAMETER');
      expect(body.errors!.map((e) => e.path), `${method} ${path}`).toContain(field);
    }
  });

  it('a login name with NUL is a 400 naming username, before any account lookup', async () => {
    const r = await product.api('/auth/login', { method: 'POST', ...json({ username: 'a\u0000', password: 'x' }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).errors!.map((e) => e.path)).toContain('username');
  });
});

describe('values PostgreSQL refuses', () => {
  it('names longer than the column (300 characters) are a 4xx in create and import, never a 500', async () => {
    const long = 'Z'.repeat(300);
    const app = await product.api('/applications', { method: 'POST', token: admin, ...json({ name: long, type: 'sip-server', host: '127.0.0.9', ports: { 'sip-port': 25096 }, options: {} }) });
    expect(app.status).toBeGreaterThanOrEqual(400);
    expect(app.status).toBeLessThan(500);
    const dn = await product.api('/switches/SiteA/dns', { method: 'POST', token: admin, ...json({ number: long, type: 'extension', options: {} }) });
    expect(dn.status).toBeGreaterThanOrEqual(400);
    expect(dn.status).toBeLessThan(500);
    const doc = exampleDocument();
    doc.applications.push({ ...structuredClone(doc.applications.find((a) => a.type === 'sip-server')!), name: long, backup: undefined });
    const imported = await product.api('/config/import', { method: 'POST', token: admin, ...yamlBody(toYaml(doc)) });
    expect(imported.status).toBeGreaterThanOrEqual(400);
    expect(imported.status).toBeLessThan(500);
  });
});

describe('response hygiene', () => {
  it('API answers are Cache-Control: no-store, errors included', async () => {
    for (const [path, token] of [['/applications', admin], ['/config/export', admin], ['/health', undefined], ['/applications/none', admin]] as const) {
      const r = await product.api(path, { token });
      expect(r.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('a 404 echoes at most the start of a long path parameter', async () => {
    const r = await product.api(`/applications/${'N'.repeat(5000)}`, { token: admin });
    expect(r.status).toBe(404);
    const message = ((await r.json()) as ErrorBody).message;
    expect(message.length).toBeLessThan(200);
  });
});
