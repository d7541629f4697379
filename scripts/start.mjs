#!/usr/bin/env node
// `npm start`: build what is not built, then run the control plane (which starts PostgreSQL and the workers).
import { spawnSync } from 'node:child_process';
import { resolve, join } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
// Same process: SIGINT/SIGTERM go straight to the app, which stops everything it started, in order.
await import(join(root, 'backend', 'dist', 'backend', 'src', 'control-plane', 'main.js'));
