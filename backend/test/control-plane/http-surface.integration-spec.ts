import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_PASSWORD, freshDatabase, startProduct, type Product } from '../helpers/product.js';
import { makeTestPki, type TestPki } from '../tls/certs.js';

// The HTTP surface over the running product: body size limits that an anonymous client cannot use to fill memory,
// security headers on every response, and HTTPS served by the product itself (TLS_CERT/TLS_KEY) with HSTS and
// Secure cookies.

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function expectSecurityHeaders(h: Headers, where: string): void {
  const csp = h.get('content-security-policy') ?? '';
  expect(csp, where).toContain("frame-ancestors 'none'");
  expect(csp, where).toContain("default-src 'self'");
  expect(csp, where).toContain("script-src 'self'");
  expect(h.get('x-content-type-options'), where).toBe('nosniff');
  expect(h.get('referrer-policy'), where).toBe('no-referrer');
  expect(h.get('x-frame-options'), where).toBe('DENY');
  expect(h.get('x-powered-by'), where).toBeNull();
}

describe('over HTTP', () => {
  let product: Product;
  let admin: string;
  beforeAll(async () => {
    product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'surface') });
    admin = await product.login();
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('a 1 MB login body is refused with 413 before it is parsed', async () => {
    const r = await product.api('/auth/login', {
      method: 'POST',
      ...json({ username: 'admin', password: ADMIN_PASSWORD, pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a 5 MB import or validate without a session is 401, unread; with a session it is read', async () => {
    const big = `# ${'x'.repeat(5 * 1024 * 1024)}\nversion: 1\n`;
    for (const path of ['/config/import', '/config/validate']) {
      const r = await product.api(path, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: big });
      expect(r.status, path).toBe(401);
    }
    const ok = await product.api('/config/validate', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/yaml' },
      body: big,
    });
    expect(ok.status).toBe(200);
  });

  it('other routes keep the small limit even for a signed-in admin', async () => {
    const r = await product.api('/switches', { method: 'POST', token: admin, ...json({ name: 'S', sipServer: 'x'.repeat(1024 * 1024) }) });
    expect(r.status).toBe(413);
  });

  it('every response carries the security headers, and no HSTS over plain HTTP', async () => {
    const responses: [string, Response][] = [
      ['health', await product.api('/health')],
      ['401', await product.api('/users')],
      ['404', await product.api('/no-such-route', { token: admin })],
      ['docs', await fetch(`${product.url}/api/docs`)],
      ['ui', await fetch(`${product.url}/`)],
    ];
    for (const [where, r] of responses) {
      expectSecurityHeaders(r.headers, where);
      expect(r.headers.get('strict-transport-security'), where).toBeNull();
      await r.arrayBuffer();
    }
  });
});

describe('over HTTPS (TLS_CERT/TLS_KEY)', () => {
  let pki: TestPki;
  let product: Product;
  const previous = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  beforeAll(async () => {
    pki = makeTestPki();
    // The helper's fetch cannot be given the test CA; the certificate itself is checked below with node:https.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    product = await startProduct({
      DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'surface_tls'),
      TLS_CERT: pki.peerCert,
      TLS_KEY: pki.peerKey,
    });
  });
  afterAll(async () => {
    await product?.stop();
    if (previous === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = previous;
    pki?.cleanup();
  });

  it('serves the API with the configured certificate, HSTS and Secure session cookies', async () => {
    expect(product.url.startsWith('https://')).toBe(true);
    const res = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const body = JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD });
      const req = httpsRequest(
        `${product.url}/api/auth/login`,
        {
          method: 'POST',
          ca: readFileSync(pki.ca),
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(200);
    expect(String(res.headers['strict-transport-security'])).toMatch(/max-age=\d+/);
    const cookies = [res.headers['set-cookie'] ?? []].flat();
    expect(cookies.find((c) => c.startsWith('sid='))).toMatch(/;\s*Secure/i);
    expect(cookies.find((c) => c.startsWith('csrf='))).toMatch(/;\s*Secure/i);
  });
});
