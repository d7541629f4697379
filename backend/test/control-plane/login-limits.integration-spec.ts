import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';

// Login rate limiting over the running product: attempts are counted before the password is checked, per
// (address, user name) and per user name; X-Forwarded-For counts only behind a configured proxy; failures are audited.

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const login = (p: Product, username: string, password: string, headers?: Record<string, string>) =>
  p.api('/auth/login', json({ username, password }, headers));
const statuses = (rs: Response[]) => rs.reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});

describe('login rate limits (no proxy configured)', () => {
  let product: Product;
  let admin: string;
  beforeAll(async () => {
    product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'logins') });
    admin = await product.login();
    for (const u of ['alice', 'bob', 'carol'])
      await product.api('/users', { token: admin, ...json({ username: u, password: `${u}-password-1`, role: 'viewer' }) });
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('checks at most 10 of 40 parallel guesses: the rest are 429 before any password check', async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => login(product, 'alice', `wrong-guess-${i}`)));
    expect(statuses(rs)).toEqual({ 401: 10, 429: 30 });
    const limited = rs.find((r) => r.status === 429)!;
    const seconds = Number(limited.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    const body = (await limited.json()) as { code: string; message: string };
    expect(body.code).toBe('LOGIN_RATE_LIMITED');
    expect(body.message).toMatch(/try again in \d+ s/);
    // Even the right password waits: the attempt is refused before it is checked.
    expect((await login(product, 'alice', 'alice-password-1')).status).toBe(429);
  });

  it('user names count case-sensitively: failures on Bob do not hold bob', async () => {
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => login(product, 'Bob', `wrong-${i}`)));
    expect(statuses(rs)).toEqual({ 401: 10, 429: 2 });
    expect((await login(product, 'bob', 'bob-password-1')).status).toBe(200);
  });

  it("another account's successful login does not clear alice's failures", async () => {
    expect((await login(product, 'bob', 'bob-password-1')).status).toBe(200);
    expect((await login(product, 'alice', 'alice-password-1')).status).toBe(429);
  });

  it('X-Forwarded-For is ignored without TRUST_PROXY: a new header each time does not buy more guesses', async () => {
    const rs = await Promise.all(
      Array.from({ length: 15 }, (_, i) => login(product, 'carol', `wrong-${i}`, { 'x-forwarded-for': `203.0.113.${i + 1}` })),
    );
    expect(statuses(rs)).toEqual({ 401: 10, 429: 5 });
  });

  it('failed logins are in the audit log with the user name and the address', async () => {
    const r = await product.api('/audit?pageSize=100', { token: admin });
    const entries = ((await r.json()) as { items: { actor: string; action: string; detail: { address?: string; reason?: string } }[] })
      .items;
    const failed = entries.filter((e) => e.action === 'login failed');
    expect(failed.filter((e) => e.actor === 'alice')).toHaveLength(10);
    expect(failed.find((e) => e.actor === 'carol')!.detail).toMatchObject({ address: '127.0.0.1', reason: 'wrong password' });
    // Sign-ins are there too (issue 19: the log showed no sign-ins), with the address.
    expect(entries.find((e) => e.action === 'login' && e.actor === 'admin')?.detail).toMatchObject({ address: '127.0.0.1' });
  });

  it('a burst of 60 logins for 60 user names gets 401 or 503 BUSY (bounded hashing), never a 500, and the API keeps answering', async () => {
    const burst = Promise.all(Array.from({ length: 60 }, (_, i) => login(product, `nobody-${i}`, 'some-password')));
    const me = await product.api('/auth/me', { token: admin });
    expect(me.status).toBe(200);
    const rs = await burst;
    const seen = statuses(rs);
    expect(
      Object.keys(seen)
        .map(Number)
        .every((s) => s === 401 || s === 503),
    ).toBe(true);
    const busy = rs.find((r) => r.status === 503);
    if (busy) expect(busy.headers.get('retry-after')).toBe('1');
  });
});

describe('login rate limits behind a configured proxy (TRUST_PROXY=loopback)', () => {
  let product: Product;
  beforeAll(async () => {
    product = await startProduct({
      DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'logins_proxy'),
      TRUST_PROXY: 'loopback',
    });
    const users = await product.api('/users', {
      token: await product.login(),
      ...json({ username: 'victim', password: 'victim-password-1', role: 'viewer' }),
    });
    expect(users.status).toBeLessThan(300);
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('counts per forwarded address, and the per-user limit (100) still caps a spread of addresses', async () => {
    const one = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(product, 'admin', `wrong-${i}`, { 'x-forwarded-for': '198.51.100.7' })),
    );
    expect(statuses(one)).toEqual({ 401: 10, 429: 2 });
    // 10 counted for admin so far (the 2 refused per address never reached the per-user count); 100 per user -> 90 more.
    const seen: Record<number, number> = {};
    for (let batch = 0; batch < 4; batch++) {
      const rs = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          login(product, 'admin', `wrong-${i}`, { 'x-forwarded-for': `198.51.${101 + batch}.${i + 1}` }),
        ),
      );
      for (const [s, n] of Object.entries(statuses(rs))) seen[Number(s)] = (seen[Number(s)] ?? 0) + n;
    }
    expect(seen).toEqual({ 401: 90, 429: 10 });
  });

  it('failures from many addresses do not lock the owner out of an address that logged in before; a new address waits', async () => {
    expect((await login(product, 'victim', 'victim-password-1', { 'x-forwarded-for': '192.0.2.10' })).status).toBe(200);
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          login(product, 'victim', `wrong-${i}`, { 'x-forwarded-for': `203.0.${110 + batch}.${i + 1}` }),
        ),
      );
    }
    expect((await login(product, 'victim', 'victim-password-1', { 'x-forwarded-for': '203.0.120.1' })).status).toBe(429);
    expect((await login(product, 'victim', 'victim-password-1', { 'x-forwarded-for': '192.0.2.10' })).status).toBe(200);
  });
});

describe('the current-password check of POST /api/auth/password counts with the login limiter', () => {
  let product: Product;
  let dave: string;
  const change = (token: string, currentPassword: string) =>
    product.api('/auth/password', { token, ...json({ currentPassword, newPassword: 'Dave-new-pass-7305' }) });
  beforeAll(async () => {
    product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'pwchange') });
    const admin = await product.login();
    for (const u of ['dave', 'erin'])
      expect(
        (await product.api('/users', { token: admin, ...json({ username: u, password: `${u}-password-1`, role: 'viewer' }) })).status,
      ).toBe(201);
    dave = await product.login('dave', 'dave-password-1');
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('a stolen session gets at most 10 of 40 parallel guesses checked; the rest are 429, the right password too', async () => {
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => change(dave, `wrong-guess-${i}`)));
    expect(statuses(rs)).toEqual({ 403: 10, 429: 30 });
    const limited = rs.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { code: string }).code).toBe('LOGIN_RATE_LIMITED');
    expect((await change(dave, 'dave-password-1')).status).toBe(429);
    // Same budget as the login: the guesses hold dave's login from this address too, and nobody else's.
    expect((await login(product, 'dave', 'dave-password-1')).status).toBe(429);
    expect((await login(product, 'erin', 'erin-password-1')).status).toBe(200);
  });

  it('a right current password refunds its attempt: erin changes her password after a few wrong tries', async () => {
    const erin = await product.login('erin', 'erin-password-1');
    for (let i = 0; i < 3; i++) expect((await change(erin, `wrong-${i}`)).status).toBe(403);
    expect((await change(erin, 'erin-password-1')).status).toBe(204);
    expect((await login(product, 'erin', 'Dave-new-pass-7305')).status).toBe(200);
  });
});
