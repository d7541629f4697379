import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';

/**
 * Through the API of the built product: import errors carry the YAML line and column of what they name (and the
 * import writes nothing), and audit entries name their target as it was called when written (a deleted user still
 * reads as "user alice").
 */
let product: Product;
let admin: string;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const yaml = (text: string) => ({ headers: { 'content-type': 'application/yaml' }, body: text });
type ImportError = { path: string; code: string; message: string; line?: number; column?: number };
type ErrorBody = { code: string; message: string; errors: ImportError[] };
type AuditEntry = { actor: string; action: string; target: string; targetLabel: string | null; configVersion: number | null };

/** 1-based line and column of the first occurrence of `marker` in `text`. */
function where(text: string, marker: string): { line: number; column: number } {
  const i = text.indexOf(marker);
  if (i < 0 || text.indexOf(marker, i + 1) >= 0) throw new Error(`marker ${marker} must occur once`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const BASE = `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: 5070 }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: 5070 } }
  - name: SIPProxy_1
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: 5060, http-port: 8090 }
    options:
      sipproxy:
        applications: SIPServer_A
        servicing-sipserver: SIPServer_A
        sipproxy-role: 10
        oos-check: 5
        oos-force: 5
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: pool.example, external-contact: "127.0.0.1:5060", oos-check: 5, oos-force: 5 } } }
      - { number: "1001", type: extension, options: { TServer: { contact: "127.0.0.1:5999" } } }
`;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'auditimp') });
  admin = await product.login();
  const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(BASE) });
  expect(r.status, await r.clone().text()).toBe(200);
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;
const exported = async () => (await product.api('/config/export', { token: admin })).text();

describe('import errors name the YAML line and column', () => {
  it('a document that fails the shape check: every error with its path and position, nothing written', async () => {
    const text = BASE.replace('version: 1\n', 'version: 1\ncolour: red\n').replace(
      '    host: 127.0.0.1\n    ports: { sip-port: 5060, http-port: 8090 }',
      '    hots: 127.0.0.1\n    ports: { sip-port: five, http-port: 8090 }',
    );
    const [v, before] = [await head(), await exported()];
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(text) });
    expect(r.status).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.code).toBe('CONFIG_INVALID');
    const byPath = new Map(body.errors.map((e) => [e.path, e]));
    expect(byPath.get('colour')).toMatchObject({ code: 'unknown-key', ...where(text, 'colour: red') });
    expect(byPath.get('applications[2].hots')).toMatchObject({ code: 'unknown-key', ...where(text, 'hots:') });
    expect(byPath.get('applications[2].ports.sip-port')).toMatchObject({ code: 'invalid-type', ...where(text, 'five') });
    for (const e of body.errors) {
      expect(e.path, e.message).toBeTruthy();
      expect(e.line, `${e.path}: ${e.message}`).toBeGreaterThan(0);
      expect(e.column).toBeGreaterThan(0);
    }
    expect(await head()).toBe(v);
    expect(await exported()).toBe(before);
  });

  it('a document that parses but breaks the rules: every error with its position, nothing written', async () => {
    const text = BASE.replace('ports: { sip-port: 5070 }, backup', 'ports: { sip-port: 70000 }, backup')
      .replace('        oos-check: 5\n', '        oos-check: 99999\n        no-such-option: 1\n')
      .replace('type: extension', 'type: extensoin');
    const [v, before] = [await head(), await exported()];
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(text) });
    expect(r.status).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.errors.length).toBeGreaterThanOrEqual(4);
    const find = (path: string) => body.errors.find((e) => e.path === path);
    expect(find('applications[0].ports.sip-port')).toMatchObject({ code: 'out-of-range', ...where(text, '70000') });
    expect(find('applications[2].options.sipproxy.oos-check')).toMatchObject({ code: 'out-of-range', ...where(text, '99999') });
    expect(find('applications[2].options.sipproxy.no-such-option')).toMatchObject({
      code: 'unknown-option',
      ...where(text, 'no-such-option'),
    });
    expect(find('switches[0].dns[1].type')).toMatchObject({ code: 'unknown-type', ...where(text, 'extensoin') });
    for (const e of body.errors) {
      expect(e.path, e.message).toBeTruthy();
      expect(e.line, `${e.path}: ${e.message}`).toBeGreaterThan(0);
    }
    // The viewers' check (POST /config/validate) gives the same positions.
    const checked = (await (await product.api('/config/validate', { method: 'POST', token: admin, ...yaml(text) })).json()) as {
      valid: boolean;
      errors: ImportError[];
    };
    expect(checked.valid).toBe(false);
    expect(checked.errors.map((e) => [e.path, e.line, e.column])).toEqual(body.errors.map((e) => [e.path, e.line, e.column]));
    expect(await head()).toBe(v);
    expect(await exported()).toBe(before);
  });

  it("YAML that does not parse: the parser's line and column", async () => {
    const text = 'version: 1\napplications: []\nswitches: []\nversion: 1\n';
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(text) });
    expect(r.status).toBe(400);
    const [e] = ((await r.json()) as ErrorBody).errors;
    expect(e).toMatchObject({ code: 'yaml-syntax', line: 4, column: 1 });
  });
});

describe('audit entries name their target as it was called', () => {
  it('a deleted user, a DN, an application and a worker token read by name; the path stays exact', async () => {
    const created = (await (
      await product.api('/users', {
        method: 'POST',
        token: admin,
        ...json({ username: 'alice', password: 'password-123', role: 'operator' }),
      })
    ).json()) as { id: string };
    const alice = await product.login('alice', 'password-123');
    expect(
      (
        await product.api('/applications/SIPProxy_1', {
          method: 'PATCH',
          token: alice,
          ...json({ options: { sipproxy: { 'oos-check': 6 } } }),
        })
      ).status,
    ).toBe(200);
    expect((await product.api(`/users/${created.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await product.api('/switches/SiteA/dns/1001', { method: 'DELETE', token: admin })).status).toBe(200);
    const token = (await (
      await product.api('/workers/tokens', { method: 'POST', token: admin, ...json({ app: 'SIPProxy_1' }) })
    ).json()) as { id: string };
    expect((await product.api(`/workers/tokens/${token.id}`, { method: 'DELETE', token: admin })).status).toBe(204);

    const { items } = (await (await product.api('/audit?pageSize=100', { token: admin })).json()) as { items: AuditEntry[] };
    const entry = (action: string, target?: string) => items.find((i) => i.action === action && (!target || i.target === target));
    expect(entry('DELETE /api/users/:id')).toMatchObject({ actor: 'admin', target: `/api/users/${created.id}`, targetLabel: 'user alice' });
    expect(entry('POST /api/users')).toMatchObject({ targetLabel: 'user alice' });
    // What alice did still reads as hers after she is gone.
    expect(entry('PATCH /api/applications/:name')).toMatchObject({ actor: 'alice', targetLabel: 'application SIPProxy_1' });
    expect(items.find((i) => i.action === 'config.commit' && i.actor === 'alice')?.targetLabel).toMatch(
      /^configuration v\d+ \(edit application SIPProxy_1\)$/,
    );
    expect(entry('DELETE /api/switches/:sw/dns/:number')).toMatchObject({
      target: '/api/switches/SiteA/dns/1001',
      targetLabel: 'DN 1001 on switch SiteA',
    });
    expect(entry('POST /api/workers/tokens')).toMatchObject({ targetLabel: 'worker token for SIPProxy_1' });
    expect(entry('DELETE /api/workers/tokens/:id')).toMatchObject({
      target: `/api/workers/tokens/${token.id}`,
      targetLabel: 'worker token for SIPProxy_1',
    });
    expect(entry('POST /api/config/import')).toMatchObject({ targetLabel: 'the whole configuration (YAML import)' });
    // Filtering by the acting user still works on the name.
    const byAlice = (await (await product.api('/audit?actor=alice', { token: admin })).json()) as { items: AuditEntry[] };
    expect(byAlice.items.length).toBeGreaterThanOrEqual(2);
    expect(byAlice.items.every((i) => i.actor === 'alice')).toBe(true);
  });
});
