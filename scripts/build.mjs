#!/usr/bin/env node
// Builds what is not built: the backend (tsc, incremental) and the frontend (vite) when its sources are newer.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (m) => {
  if (!quiet) process.stdout.write(`${m}\n`);
};

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
  if (r.status !== 0) {
    process.stderr.write(`build failed: ${cmd} ${argv.join(' ')} (in ${cwd})\n`);
    process.exit(r.status ?? 1);
  }
}
const bin = (name) => join(root, 'node_modules', '.bin', name);

if (!existsSync(join(root, 'node_modules'))) {
  process.stderr.write('node_modules is missing: run npm ci first\n');
  process.exit(1);
}

// The socket-options addon (backend/native/sockopt.c): IP_TOS and TCP keep-alive timings Node has no API for.
// Compiled with the C compiler against Node's own headers (Node-API, no node-gyp, no download). Optional: without it
// the worker says at start-up which options fall back to the OS defaults.
const nativeSrc = join(root, 'backend', 'native', 'sockopt.c');
const nativeOut = join(root, 'backend', 'native', 'build', 'sockopt.node');
if (existsSync(nativeSrc) && (!existsSync(nativeOut) || statSync(nativeOut).mtimeMs < statSync(nativeSrc).mtimeMs || args.has('--force'))) {
  const prefix = process.config.variables.node_prefix ?? '/usr';
  const candidates = [process.env.npm_config_nodedir, prefix, '/usr', '/usr/local', join(process.execPath, '..', '..')]
    .filter(Boolean)
    .map((d) => join(d, 'include', 'node'));
  const include = candidates.find((d) => existsSync(join(d, 'node_api.h')));
  const cc = ['cc', 'gcc', 'clang'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
  if (!include || !cc) {
    process.stderr.write(
      `note: socket-options addon not built (${!cc ? 'no C compiler' : "Node's headers (node_api.h) not found"}); sip-ip-tos and tcp-keep-alive-interval/-count will use the OS defaults\n`,
    );
  } else {
    say('building the socket-options addon (cc)...');
    mkdirSync(dirname(nativeOut), { recursive: true });
    const r = spawnSync(
      cc,
      [
        '-O2',
        '-Wall',
        '-shared',
        '-fPIC',
        '-DNODE_GYP_MODULE_NAME=sockopt',
        '-DNAPI_VERSION=8',
        `-I${include}`,
        nativeSrc,
        '-o',
        nativeOut,
      ],
      { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' },
    );
    if (r.status !== 0)
      process.stderr.write(
        'note: socket-options addon failed to build; sip-ip-tos and tcp-keep-alive-interval/-count will use the OS defaults\n',
      );
  }
}

const backendOut = join(root, 'backend', 'dist', 'backend', 'src', 'control-plane', 'main.js');
const backendSrc = Math.max(
  newest(join(root, 'backend', 'src')),
  newest(join(root, 'migrations')),
  statSync(join(root, 'backend', 'tsconfig.json')).mtimeMs,
);
if (!existsSync(backendOut) || statSync(backendOut).mtimeMs < backendSrc || args.has('--force')) {
  say('building the backend (tsc)...');
  run(bin('tsc'), ['-p', 'tsconfig.build.json'], join(root, 'backend'));
}

if (!args.has('--backend-only')) {
  const feOut = join(root, 'frontend', 'dist', 'index.html');
  const feSrc = Math.max(
    newest(join(root, 'frontend', 'src')),
    ...['index.html', 'vite.config.ts', 'package.json'].map((f) =>
      existsSync(join(root, 'frontend', f)) ? statSync(join(root, 'frontend', f)).mtimeMs : 0,
    ),
  );
  if (!existsSync(feOut) || statSync(feOut).mtimeMs < feSrc || args.has('--force')) {
    say('building the frontend (vite)...');
    run(bin('vite'), ['build', '--logLevel', quiet ? 'error' : 'warn'], join(root, 'frontend'));
  }
}
