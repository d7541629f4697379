import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';

// GET /api/metrics: the control plane's Prometheus series through prom-client (process metrics + API requests by
// route pattern), for operators and admins only, like a worker's /metrics beyond loopback; /api/health stays public.

let product: Product;
let admin: string;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'metrics') });
  admin = await product.login();
});
afterAll(async () => {
  await product?.stop();
});

describe('control-plane /api/metrics', () => {
  it('is not for anonymous callers or viewers', async () => {
    expect((await product.api('/metrics')).status).toBe(401);
    const created = await product.api('/users', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'metrics-viewer', password: 'viewer-password-1', role: 'viewer' }),
    });
    expect(created.status).toBe(201);
    const viewer = await product.login('metrics-viewer', 'viewer-password-1');
    expect((await product.api('/metrics', { token: viewer })).status).toBe(403);
  });

  it('serves the process metrics and counts API answers by route pattern, not by URL', async () => {
    expect((await product.api('/health')).status).toBe(200);
    expect((await product.api('/switches/NoSuchSwitch', { token: admin })).status).toBe(404);
    const r = await product.api('/metrics', { token: admin });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^controlplane_http_requests_total\{method="GET",route="\/api\/health",status="200"\} [1-9]/m);
    expect(text).toMatch(/^controlplane_http_requests_total\{method="GET",route="\/api\/switches\/:name",status="404"\} 1$/m);
    expect(text).toMatch(/^controlplane_http_requests_total\{method="GET",route="\/api\/metrics",status="401"\} 1$/m);
    expect(text).toMatch(/^controlplane_http_request_duration_seconds_count\{method="GET",route="\/api\/health"\} [1-9]/m);
    expect(text).not.toContain('NoSuchSwitch');
  });
});
