import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN_PASSWORD, freshDatabase, MAIN_JS, REPO_ROOT, startProduct, type Product } from '../helpers/product.js';
import { freePort, sleep } from '../helpers/net.js';

describe('control plane on an external PostgreSQL (DATABASE_URL)', () => {
  let product: Product;
  let admin: string;
  beforeAll(async () => {
    product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl')) });
    admin = await product.login();
  });
  afterAll(async () => {
    await product?.stop();
  });

  it('answers /api/health with the database state', async () => {
    const r = await product.api('/health');
    expect(r.status).toBe(200);
    const body = (await r.json()) as { status: string; database: { mode: string; up: boolean } };
    expect(body.database).toMatchObject({ mode: 'external', up: true });
    expect(body.status).toBe('ok');
  });

  it('refuses a wrong password with a message, and every endpoint but login and health without a session', async () => {
    const bad = await product.api('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'nope-nope' }),
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { message: string }).message).toBe('Invalid username or password');
    expect((await product.api('/auth/me')).status).toBe(401);
    expect((await product.api('/users')).status).toBe(401);
  });

  it('logs in with a bearer token, and logout ends the session', async () => {
    const token = await product.login();
    const me = await product.api('/auth/me', { token });
    expect(await me.json()).toMatchObject({ username: 'admin', role: 'admin' });
    expect((await product.api('/auth/logout', { method: 'POST', token })).status).toBe(204);
    expect((await product.api('/auth/me', { token })).status).toBe(401);
  });

  it('sets an httpOnly SameSite session cookie, and cookie writes need the CSRF token', async () => {
    const r = await product.api('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookies = r.headers.getSetCookie();
    const sid = cookies.find((c) => c.startsWith('sid='))!;
    const csrf = cookies.find((c) => c.startsWith('csrf='))!;
    expect(sid).toMatch(/HttpOnly/i);
    expect(sid).toMatch(/SameSite=Strict/i);
    const cookie = [sid, csrf].map((c) => c.split(';')[0]).join('; ');
    expect((await product.api('/auth/me', { headers: { cookie } })).status).toBe(200);
    const body = JSON.stringify({ username: 'csrf-user', password: 'password-123', role: 'viewer' });
    const noCsrf = await product.api('/users', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
    expect(noCsrf.status).toBe(403);
    const csrfValue = decodeURIComponent(csrf.split(';')[0].slice('csrf='.length));
    const withCsrf = await product.api('/users', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrfValue },
      body,
    });
    expect(withCsrf.status).toBe(201);
  });

  it('lets only admins manage users (viewer and operator get 403)', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const created = await product.api('/users', {
        method: 'POST',
        token: admin,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `u-${role}`, password: 'password-123', role }),
      });
      expect(created.status).toBe(201);
      const token = await product.login(`u-${role}`, 'password-123');
      expect((await product.api('/users', { token })).status).toBe(403);
      expect((await product.api('/auth/me', { token })).status).toBe(200);
    }
  });

  it('rate-limits repeated failed logins with 429', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const r = await product.api('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: `wrong-${i}` }),
      });
      last = r.status;
    }
    expect(last).toBe(429);
  });

  it('serves OpenAPI at /api/docs', async () => {
    const r = await fetch(`${product.url}/api/docs-json`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/api/auth/login');
  });
});

describe('environment and database selection', () => {
  it('refuses a bad variable with a message naming it', () => {
    const r = spawnSync(process.execPath, [MAIN_JS], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: 'mysql://x' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("PORT must be a whole number from 0 to 65535 (got 'eighty')");
    expect(r.stderr).toContain('DATABASE_URL must be a postgres://');
  });

  it('never falls back to the embedded server when DATABASE_URL does not answer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-nofallback-'));
    const r = spawnSync(process.execPath, [MAIN_JS], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('embedded PostgreSQL (no DATABASE_URL)', () => {
  it('keeps data across restarts and comes back after kill -9', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-embedded-'));
    const env = { DATABASE_URL: undefined, DATA_DIR: dataDir };
    let p = await startProduct(env);
    try {
      const health = (await (await p.api('/health')).json()) as { database: { mode: string; up: boolean } };
      expect(health.database).toMatchObject({ mode: 'embedded', up: true });
      const admin = await p.login();
      expect(
        (
          await p.api('/users', {
            method: 'POST',
            token: admin,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'kept', password: 'password-123', role: 'viewer' }),
          })
        ).status,
      ).toBe(201);
      expect(await p.stop('SIGTERM')).toBe(0);

      p = await startProduct(env);
      await p.login('kept', 'password-123');
      await p.stop('SIGKILL'); // leaves its PostgreSQL running, holding the data directory

      p = await startProduct(env);
      await p.login('kept', 'password-123');
      expect(await p.stop('SIGINT')).toBe(0);
      expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      await p.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('embedded PostgreSQL as root, DATA_DIR under a root-only directory', () => {
  // A clone in /root (0700) or a `mktemp -d` directory: the postgres OS user could not reach DATA_DIR and initdb
  // failed with EACCES. The start grants search permission (x only) on the blocking directory and says so.
  it.runIf(process.getuid?.() === 0)(
    'starts, and the root-only parent gains o+x and nothing more',
    async () => {
      const parent = mkdtempSync(join(tmpdir(), 'sipedge-rootonly-'));
      chmodSync(parent, 0o700);
      const dataDir = join(parent, 'data');
      const p = await startProduct({ DATABASE_URL: undefined, DATA_DIR: dataDir, LOG_LEVEL: 'info' });
      try {
        const health = (await (await p.api('/health')).json()) as { database: { mode: string; up: boolean } };
        expect(health.database).toMatchObject({ mode: 'embedded', up: true });
        expect(statSync(parent).mode & 0o777).toBe(0o701);
        expect(p.output()).toContain(`granted search permission (o+x) on ${parent}`);
        expect(await p.stop('SIGTERM')).toBe(0);
      } finally {
        await p.stop('SIGKILL');
        rmSync(parent, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

describe('embedded PostgreSQL as an ordinary user', () => {
  // As root the server runs as the postgres OS user (tested above); here the whole product runs unprivileged.
  it.runIf(process.getuid?.() === 0)(
    'starts, answers health and stops cleanly when run by an unprivileged user',
    async () => {
      if (spawnSync('id', ['sipedge-it']).status !== 0)
        spawnSync('useradd', ['--system', '--no-create-home', '--user-group', 'sipedge-it']);
      const uid = Number(spawnSync('id', ['-u', 'sipedge-it'], { encoding: 'utf8' }).stdout.trim());
      const gid = Number(spawnSync('id', ['-g', 'sipedge-it'], { encoding: 'utf8' }).stdout.trim());
      const dataDir = mkdtempSync(join(tmpdir(), 'sipedge-unpriv-'));
      chownSync(dataDir, uid, gid);
      const port = await freePort();
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dataDir,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_PASSWORD,
        WORKERS_ENABLED: 'false',
        LOG_LEVEL: 'warn',
      };
      const child = spawn(process.execPath, [MAIN_JS], { cwd: REPO_ROOT, uid, gid, env, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      try {
        let health: { database?: { mode: string; up: boolean } } = {};
        for (let i = 0; i < 240 && child.exitCode === null; i++) {
          try {
            const r = await fetch(`http://127.0.0.1:${port}/api/health`);
            if (r.ok) {
              health = (await r.json()) as typeof health;
              break;
            }
          } catch {
            /* starting */
          }
          await sleep(250);
        }
        expect(health.database).toEqual(expect.objectContaining({ mode: 'embedded', up: true }));
        const pgOwner = spawnSync('stat', ['-c', '%u', join(dataDir, 'pg', 'PG_VERSION')], { encoding: 'utf8' }).stdout.trim();
        expect(Number(pgOwner)).toBe(uid);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
