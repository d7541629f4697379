import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateConfigDocument } from '../fixtures/config/index.js';
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
  await product.api('/users', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'reader', password: 'reader-password-1', role: 'viewer' }),
  });
  viewer = await product.login('reader', 'reader-password-1');
});
afterAll(async () => {
  await product?.stop();
});

describe('YAML documents too large to parse', () => {
  it("a viewer's flow sequence of 300,000 items (600 kB) is refused before parsing: 413 CONFIG_TOO_LARGE", async () => {
    const bomb = `version: 1\nx: [${'0,'.repeat(300_000)}0]\n`;
    const r = await product.api('/config/validate', { method: 'POST', token: viewer, ...yamlBody(bomb) });
    expect(r.status).toBe(413);
    expect(((await r.json()) as ErrorBody).code).toBe('CONFIG_TOO_LARGE');
    expect((await product.api('/health')).status).toBe(200);
  });

  it("an editor's flow sequence of 8,000,001 items (16 MB) is refused before parsing, on validate and import", async () => {
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

  it("an editor validates a deployment of 5,000 DNs (past the viewer's cap): whole deployments stay importable", async () => {
    const big = serializeConfigDocument(generateConfigDocument({ switches: 5, dnsPerSwitch: 1000, dnKind: 'trunk' }));
    expect((await product.api('/config/validate', { method: 'POST', token: viewer, ...yamlBody(big) })).status).toBe(413);
    const r = await product.api('/config/validate', { method: 'POST', token: admin, ...yamlBody(big) });
    expect(r.status).toBe(200);
  });
});

describe('control characters in path parameters and query values', () => {
  it('NUL in a path parameter or a query value is a 400 INVALID_PARAMETER naming it, for every method', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/applications/A%00B', 'name'],
      ['DELETE', '/applications/A%00B', 'name'],
      ['PATCH', '/applications/A%00B', 'name'],
      ['GET', '/switches/A%00B', 'name'],
      ['GET', '/switches/SiteA/dns/A%00B', 'number'],
      ['DELETE', '/switches/SiteA/dns/A%00B', 'number'],
      ['GET', '/applications?q=%00', 'q'],
      ['GET', '/applications?type=%00', 'type'],
      ['GET', '/dns?q=%00', 'q'],
      ['GET', '/dns?switch=%00', 'switch'],
      ['GET', '/audit?actor=%00', 'actor'],
      ['GET', '/applications?q=a%0D%0Ab', 'q'],
    ];
    for (const [method, path, field] of cases) {
      const r = await product.api(path, { method, token: admin, ...(method === 'PATCH' ? json({ host: '127.0.0.1' }) : {}) });
      expect(r.status, `${method} ${path}`).toBe(400);
      const body = (await r.json()) as ErrorBody;
      expect(body.code, `${method} ${path}`).toBe('INVALID_PARAMETER');
      expect(
        body.errors!.map((e) => e.path),
        `${method} ${path}`,
      ).toContain(field);
    }
  });

  it('a login name with NUL is a 400 naming username, before any account lookup', async () => {
    const r = await product.api('/auth/login', { method: 'POST', ...json({ username: 'a\u0000', password: 'x' }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).errors!.map((e) => e.path)).toContain('username');
  });
});

describe('malformed ids and query parameters', () => {
  const named = async (r: Response, code: string, field: string, what: string) => {
    expect(r.status, what).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.code, what).toBe(code);
    expect(
      body.errors?.map((e) => e.path),
      what,
    ).toContain(field);
  };

  it('a non-UUID alarm or worker-token id is a 400 INVALID_PARAMETER naming id, before the database sees it', async () => {
    await named(
      await product.api('/alarms/not-a-uuid/acknowledge', { method: 'POST', token: admin }),
      'INVALID_PARAMETER',
      'id',
      'acknowledge',
    );
    await named(await product.api('/workers/tokens/not-a-uuid', { method: 'DELETE', token: admin }), 'INVALID_PARAMETER', 'id', 'revoke');
    // A well-formed id of nothing is still a 404.
    const none = '00000000-0000-4000-8000-000000000000';
    expect((await product.api(`/alarms/${none}/acknowledge`, { method: 'POST', token: admin })).status).toBe(404);
    expect((await product.api(`/workers/tokens/${none}`, { method: 'DELETE', token: admin })).status).toBe(404);
  });

  it('/config/diff without from or to, or with ones that are not whole numbers, is a 400 naming the parameter', async () => {
    await named(await product.api('/config/diff', { token: viewer }), 'INVALID_QUERY', 'from', 'no from');
    await named(await product.api('/config/diff?from=1', { token: viewer }), 'INVALID_QUERY', 'to', 'no to');
    await named(await product.api('/config/diff?to=1', { token: viewer }), 'INVALID_QUERY', 'from', 'only to');
    await named(await product.api('/config/diff?from=x&to=1', { token: viewer }), 'INVALID_QUERY', 'from', 'from=x');
    await named(await product.api('/config/diff?from=1&to=1.5', { token: viewer }), 'INVALID_QUERY', 'to', 'to=1.5');
    await named(await product.api('/config/diff?from=-1&to=1', { token: viewer }), 'INVALID_QUERY', 'from', 'from=-1');
    expect((await product.api('/config/diff?from=0&to=1', { token: viewer })).status).toBe(200);
  });

  it('a version that is not a whole number is a 400 naming version; bad paging, sort order, state and secrets are named too', async () => {
    await named(await product.api('/config/versions/abc', { token: viewer }), 'INVALID_PARAMETER', 'version', 'GET version');
    await named(
      await product.api('/config/versions/1e3/rollback', { method: 'POST', token: admin }),
      'INVALID_PARAMETER',
      'version',
      'rollback',
    );
    await named(await product.api('/config/versions?page=0', { token: viewer }), 'INVALID_QUERY', 'page', 'versions page');
    await named(await product.api('/applications?pageSize=100000', { token: viewer }), 'INVALID_QUERY', 'pageSize', 'pageSize');
    await named(await product.api('/applications?order=sideways', { token: viewer }), 'INVALID_QUERY', 'order', 'order');
    await named(await product.api('/switches/SiteA/dns?page=x', { token: viewer }), 'INVALID_QUERY', 'page', 'dns page');
    await named(await product.api('/audit?pageSize=0', { token: admin }), 'INVALID_QUERY', 'pageSize', 'audit');
    await named(await product.api('/alarms?state=bogus', { token: viewer }), 'INVALID_QUERY', 'state', 'alarms state');
    await named(await product.api('/config/export?secrets=bogus', { token: admin }), 'INVALID_QUERY', 'secrets', 'export secrets');
    await named(
      await product.api('/applications/SIPProxy_1?revision=x', { method: 'DELETE', token: admin }),
      'INVALID_QUERY',
      'revision',
      'delete revision',
    );
    await named(
      await product.api('/applications?dryRun=maybe', { method: 'POST', token: admin, ...json({ name: 'X', type: 'sip-server' }) }),
      'INVALID_QUERY',
      'dryRun',
      'dryRun',
    );
    await named(
      await product.api('/config/import?baseVersion=x', { method: 'POST', token: admin, ...yamlBody(exampleYaml()) }),
      'INVALID_QUERY',
      'baseVersion',
      'import baseVersion',
    );
  });
});

describe('values PostgreSQL refuses', () => {
  it('names longer than the column (300 characters) are a 4xx in create and import, never a 500', async () => {
    const long = 'Z'.repeat(300);
    const app = await product.api('/applications', {
      method: 'POST',
      token: admin,
      ...json({ name: long, type: 'sip-server', host: '127.0.0.9', ports: { 'sip-port': 25096 }, options: {} }),
    });
    expect(app.status).toBeGreaterThanOrEqual(400);
    expect(app.status).toBeLessThan(500);
    const dn = await product.api('/switches/SiteA/dns', {
      method: 'POST',
      token: admin,
      ...json({ number: long, type: 'extension', options: {} }),
    });
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
    for (const [path, token] of [
      ['/applications', admin],
      ['/config/export', admin],
      ['/health', undefined],
      ['/applications/none', admin],
    ] as const) {
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
