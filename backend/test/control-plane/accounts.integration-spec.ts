import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';

// Accounts over the running product: request bodies are declared schemas (a 400 naming each bad field, never a 500
// or a silently stored value), the password policy says why it refuses, and a new password ends old sessions.

let product: Product;
let admin: string;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = { statusCode: number; code: string; message: string; errors?: { path: string; message: string }[] };
const post = (path: string, body: unknown, token?: string) => product.api(path, { method: 'POST', token, ...json(body) });
const patch = (path: string, body: unknown, token?: string) => product.api(path, { method: 'PATCH', token, ...json(body) });

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'accounts') });
  admin = await product.login();
});
afterAll(async () => {
  await product?.stop();
});

describe('request bodies are validated by their declared schema', () => {
  it('a login with the wrong types is a 400 naming each field', async () => {
    for (const body of [{ username: 'admin', password: ['x'] }, { username: { $ne: '' }, password: 'x' }, {}, 'admin']) {
      const r = await post('/auth/login', body);
      const e = (await r.json()) as ErrorBody;
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(e.code).toBe('INVALID_BODY');
      expect(e.errors!.length).toBeGreaterThan(0);
    }
    const e = (await (await post('/auth/login', { username: 'admin', password: ['a', 'b'] })).json()) as ErrorBody;
    expect(e.errors).toEqual([expect.objectContaining({ path: 'password' })]);
    expect(e.message).toContain('password');
  });

  it('creating a user with a password array, an unknown role and an extra field names all three', async () => {
    const r = await post('/users', { username: 'bob', password: ['password-123'], role: 'root', admin: true }, admin);
    expect(r.status).toBe(400);
    const e = (await r.json()) as ErrorBody;
    expect(e.errors!.map((x) => x.path).sort()).toEqual(['admin', 'password', 'role']);
    expect((await (await product.api('/users', { token: admin })).json()) as unknown[]).toHaveLength(1);
  });

  it('a PATCH with a password that is not a string is a 400, and the old password still works', async () => {
    const id = (
      (await (await post('/users', { username: 'carol', password: 'carol-password-1', role: 'viewer' }, admin)).json()) as { id: string }
    ).id;
    for (const password of [['x', 'y'], 12345678, { a: 1 }, null]) {
      const r = await patch(`/users/${id}`, { password }, admin);
      expect(r.status, JSON.stringify(password)).toBe(400);
      expect(((await r.json()) as ErrorBody).errors![0].path).toBe('password');
    }
    await product.login('carol', 'carol-password-1');
  });

  it('a malformed user id is a 400 naming the parameter, not a 500', async () => {
    for (const id of ['not-a-uuid', "1' or '1'='1", '00000000-0000-0000-0000-00000000000g']) {
      const r = await patch(`/users/${encodeURIComponent(id)}`, { role: 'viewer' }, admin);
      expect(r.status, id).toBe(400);
      const e = (await r.json()) as ErrorBody;
      expect(e.code).toBe('INVALID_PARAMETER');
      expect(e.errors![0].path).toBe('id');
      expect((await product.api(`/users/${encodeURIComponent(id)}`, { method: 'DELETE', token: admin })).status).toBe(400);
    }
  });

  it('publishes the declared schemas in OpenAPI and references them from the routes', async () => {
    const doc = (await (await fetch(`${product.url}/api/docs-json`)).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
    };
    expect(doc.components.schemas.LoginBody.required).toEqual(['username', 'password']);
    expect(doc.components.schemas.UserCreateBody.properties!.role).toMatchObject({ enum: ['admin', 'operator', 'viewer'] });
    expect(doc.paths['/api/auth/login'].post.requestBody!.content['application/json'].schema.$ref).toBe('#/components/schemas/LoginBody');
    expect(doc.paths['/api/users/{id}'].patch.requestBody!.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/UserPatchBody',
    );
  });
});

describe('password policy and password changes', () => {
  it('refuses the obvious passwords with a message that says why', async () => {
    const cases: [string, RegExp][] = [
      ['12345678', /consecutive/],
      ['        ', /only spaces/],
      [' leading-space', /start or end with a space/],
      ['password', /list of passwords/],
      ['aaaaaaaaaa', /repeated/],
      ['short', /at least 8/],
      ['dave12', /at least 8/],
      ['x'.repeat(300), /at most 256/],
    ];
    for (const [password, why] of cases) {
      const r = await post('/users', { username: 'dave', password, role: 'viewer' }, admin);
      expect(r.status, password).toBe(400);
      const e = (await r.json()) as ErrorBody;
      expect(e.errors![0].path).toBe('password');
      expect(e.message, password).toMatch(why);
    }
    const same = await post('/users', { username: 'davedave', password: 'davedave1', role: 'viewer' }, admin);
    expect(same.status).toBe(400);
    expect(((await same.json()) as ErrorBody).message).toMatch(/user name/);
  });

  it("an admin setting a user's password ends that user's sessions", async () => {
    const id = (
      (await (await post('/users', { username: 'erin', password: 'erin-password-1', role: 'operator' }, admin)).json()) as { id: string }
    ).id;
    const a = await product.login('erin', 'erin-password-1');
    const b = await product.login('erin', 'erin-password-1');
    expect((await product.api('/auth/me', { token: a })).status).toBe(200);
    expect((await patch(`/users/${id}`, { password: 'erin-new-password-2' }, admin)).status).toBe(200);
    expect((await product.api('/auth/me', { token: a })).status).toBe(401);
    expect((await product.api('/auth/me', { token: b })).status).toBe(401);
    expect((await product.api('/auth/me', { token: admin })).status).toBe(200);
    await product.login('erin', 'erin-new-password-2');
  });

  it('a user changes their own password: the current one is required, the other sessions end, this one stays', async () => {
    await post('/users', { username: 'frank', password: 'frank-password-1', role: 'viewer' }, admin);
    const mine = await product.login('frank', 'frank-password-1');
    const other = await product.login('frank', 'frank-password-1');
    const wrong = await post('/auth/password', { currentPassword: 'not-it-at-all', newPassword: 'frank-password-2' }, mine);
    expect(wrong.status).toBe(403);
    const weak = await post('/auth/password', { currentPassword: 'frank-password-1', newPassword: '12345678' }, mine);
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as ErrorBody).errors![0].path).toBe('newPassword');
    expect((await post('/auth/password', { currentPassword: 'frank-password-1', newPassword: ['x'] }, mine)).status).toBe(400);
    expect((await post('/auth/password', { currentPassword: 'frank-password-1', newPassword: 'frank-password-2' }, mine)).status).toBe(204);
    expect((await product.api('/auth/me', { token: mine })).status).toBe(200);
    expect((await product.api('/auth/me', { token: other })).status).toBe(401);
    await product.login('frank', 'frank-password-2');
    expect((await post('/auth/login', { username: 'frank', password: 'frank-password-1' })).status).toBe(401);
  });
});
