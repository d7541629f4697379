import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN_JS, REPO_ROOT } from '../helpers/product.js';

// A start with an unusable DATA_DIR stops at once with one line naming the directory and the cause (not a stack
// trace from initdb). Read-only and full file systems are real tmpfs mounts (the suite runs as root).

const canMount = process.getuid?.() === 0;
const mounts: string[] = [];
const base = mkdtempSync(join(tmpdir(), 'sipedge-datadir-'));

function mount(options: string): string {
  const dir = mkdtempSync(join(base, 'm-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  if (r.status !== 0) throw new Error(`mount: ${r.stderr.toString()}`);
  mounts.push(dir);
  return dir;
}

function start(dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, [MAIN_JS], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: '',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        WORKERS_ENABLED: 'false',
        ADMIN_PASSWORD: 'data-dir-password',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe.runIf(canMount)('an unusable DATA_DIR', () => {
  let readOnly: string;
  let full: string;
  beforeAll(() => {
    readOnly = mount('ro,size=1m');
    full = mount('size=1m');
    writeFileSync(join(full, 'filler'), Buffer.alloc(1024 * 1024 - 4096)); // what tmpfs leaves: less than a probe's worth
  });
  afterAll(() => {
    for (const m of mounts) spawnSync('umount', [m]);
    rmSync(base, { recursive: true, force: true });
  });

  it('read-only: exits 2 with one line naming the directory and the cause', async () => {
    const { code, out } = await start(join(readOnly, 'data'));
    expect(code).toBe(2);
    expect(out.trim()).toBe(`DATA_DIR ${join(readOnly, 'data')} is not usable: it is on a read-only file system (EROFS)`);
  });

  it('full: exits 2 with one line saying so', async () => {
    const { code, out } = await start(full);
    expect(code).toBe(2);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(new RegExp(`^DATA_DIR ${full} is not usable: (the file system is full \\(ENOSPC\\)|only \\d+ MB free)`));
  });
});
