#!/usr/bin/env node
// Builds what is not built: the backend (tsc, incremental) and the frontend (vite) when its sources are newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (m) => { if (!quiet) process.stdout.write(`${m}\n`); };

function newest(dir, skip = new Set(['node_modules', 'dist'])) {
  let t = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(e.name)) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p, skip) : statSync(p).mtimeMs);
  }
  return t;
}
function run(cmd, argv, cwd) {
  const r = spawnSync(cmd, argv, { cwd, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
  if (r.status !== 0) { process.stderr.write(`build failed: ${cmd} ${argv.join(' ')} (in ${cwd})\n`); process.exit(r.status ?? 1); }
}
const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!existsSync(join(root, 'node_modules'))) { process.stderr.write('node_modules is missing: run npm ci first\n'); process.exit(1); }

const backendOut = join(root, 'backend', 'dist', 'backend', 'src', 'control-plane', 'main.js');
const backendSrc = Math.max(newest(join(root, 'backend', 'src')), newest(join(root, 'migrations')), statSync(join(root, 'backend', 'tsconfig.json')).mtimeMs);
if (!existsSync(backendOut) || statSync(backendOut).mtimeMs < backendSrc || args.has('--force')) {
  say('building the backend (tsc)...');
  run(bin('tsc'), ['-p', 'tsconfig.build.json'], join(root, 'backend'));
}

if (!args.has('--backend-only')) {
  const feOut = join(root, 'frontend', 'dist', 'index.html');
  const feSrc = Math.max(newest(join(root, 'frontend', 'src')), ...['index.html', 'vite.config.ts', 'package.json'].map((f) => existsSync(join(root, 'frontend', f)) ? statSync(join(root, 'frontend', f)).mtimeMs : 0));
  if (!existsSync(feOut) || statSync(feOut).mtimeMs < feSrc || args.has('--force')) {
    say('building the frontend (vite)...');
    run(bin('vite'), ['build', '--logLevel', quiet ? 'error' : 'warn'], join(root, 'frontend'));
  }
}
