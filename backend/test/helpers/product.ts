import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { FIXTURES_DIR } from '../fixtures/config/index.js';
import { freePort, sleep } from './net.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const MAIN_JS = join(REPO_ROOT, 'backend/dist/backend/src/control-plane/main.js');

export { freshDatabase } from './fresh-database.js';

export interface Product {
  url: string;
  process: ChildProcess;
  output: () => string;
  /** The output with each JSON log line replaced by its `msg` (for assertions on what the product said). */
  messages: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  login: (username?: string, password?: string) => Promise<string>;
  api: (path: string, init?: RequestInit & { token?: string }) => Promise<Response>;
}

/** Drops unset keys: spawn would pass the string "undefined". */
function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export const ADMIN_PASSWORD = 'admin-password-it';

/** Starts the built control plane as a user would (node main.js), on a free port (or env.PORT, to start it again). */
export async function startProduct(env: Record<string, string | undefined>): Promise<Product> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let out = '';
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: REPO_ROOT,
    // TLS material files of the tests' documents are the fixture certificates (paths inside this directory).
    env: definedOnly({
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_PASSWORD,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sipedge-it-data-')),
      LOG_LEVEL: 'warn',
      WORKERS_ENABLED: 'false',
      TLS_MATERIAL_DIR: FIXTURES_DIR,
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  // TLS_CERT makes the product serve HTTPS (the test trusts its certificate as it sees fit).
  const url = `${env.TLS_CERT ? 'https' : 'http'}://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  let up = false;
  while (Date.now() < until && child.exitCode === null) {
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.status === 200) {
        up = true;
        break;
      }
    } catch {
      /* not yet */
    }
    await sleep(250);
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`product did not come up:\n${out}`);
  }
  const api: Product['api'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    return fetch(`${url}/api${path}`, { ...init, headers });
  };
  return {
    url,
    process: child,
    output: () => out,
    api,
    messages: () =>
      out
        .split('\n')
        .map((l) => {
          if (!l.startsWith('{')) return l;
          try {
            return String((JSON.parse(l) as { msg?: unknown }).msg);
          } catch {
            return l;
          }
        })
        .join('\n'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    login: async (username = 'admin', password = ADMIN_PASSWORD) => {
      const r = await api('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
      return ((await r.json()) as { token: string }).token;
    },
  };
}

/** Imports a YAML configuration as `token`'s user and expects it to be accepted (200). */
export async function importYaml(product: Product, token: string, yaml: string): Promise<void> {
  const r = await product.api('/config/import', { method: 'POST', token, headers: { 'content-type': 'application/yaml' }, body: yaml });
  expect(r.status, await r.clone().text()).toBe(200);
}
