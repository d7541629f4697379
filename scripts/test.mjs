#!/usr/bin/env node
// `npm test`: every suite — static checks, backend unit, backend integration (real PostgreSQL, sockets, SIPp),
// frontend, and browser tests (Playwright in Debian's Chromium against `npm start`). Ends with `N passed, M failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.test-output');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (n) => join(root, 'node_modules', '.bin', n);
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));

// System packages the tests drive: command -> Debian package.
const SYSTEM = [
  { cmd: 'chromium', pkg: 'chromium', path: '/usr/bin/chromium' },
  { cmd: 'sipp', pkg: 'sip-tester' },
  // TLS peers no one here wrote (Kamailio's TLS module, baresip), tshark to read the TOS byte off the wire,
  // iproute2 for the network namespaces of the keep-alive test.
  { cmd: 'kamailio', pkg: 'kamailio' },
  { cmd: 'kamailio-tls', pkg: 'kamailio-tls-modules', path: '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so' },
  { cmd: 'baresip', pkg: 'baresip' },
  { cmd: 'tshark', pkg: 'tshark' },
  { cmd: 'ip', pkg: 'iproute2' },
  // A real DNS server (NAPTR/SRV/A records) for the RFC 3263 resolver test.
  { cmd: 'dnsmasq', pkg: 'dnsmasq-base', path: '/usr/sbin/dnsmasq' },
];
function have(cmd, path) {
  if (path && existsSync(path)) return true;
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
const missing = SYSTEM.filter((s) => !have(s.cmd, s.path));
if (missing.length) {
  const pkgs = missing.map((m) => m.pkg).join(' ');
  const canApt = process.getuid?.() === 0 && have('apt-get');
  if (canApt) {
    process.stdout.write(`installing system packages the tests need: ${pkgs}\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing.map((m) => m.pkg)], { stdio: 'inherit', env });
    if (r.status !== 0) {
      process.stderr.write(`could not install ${pkgs}: run  sudo apt-get install -y ${pkgs}\n`);
      process.exit(1);
    }
  } else {
    process.stderr.write(`missing system packages for the tests: run  sudo apt-get install -y ${pkgs}\n`);
    process.exit(1);
  }
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) {
  process.stdout.write('build failed\n0 passed, 1 failed\n');
  process.exit(1);
}

const results = [];
function record(name, passed, failed, note = '') {
  results.push({ name, passed, failed, note });
}

function runCheck(name, cmd, args, cwd) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  return r.status === 0;
}

function vitest(name, cwd, args) {
  const file = join(out, `${name}.json`);
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(bin('vitest'), ['run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], {
    cwd,
    stdio: 'inherit',
    env: process.env,
  });
  if (!existsSync(file)) {
    record(name, 0, 1, `vitest exited ${r.status} without results`);
    return;
  }
  const j = JSON.parse(readFileSync(file, 'utf8'));
  // A file that failed to load counts as a failure even when it reports no tests.
  const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  record(name, j.numPassedTests ?? 0, (j.numFailedTests ?? 0) + brokenFiles);
}

function playwright(name) {
  const file = join(out, `${name}.json`);
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(bin('playwright'), ['test', '--reporter=list,json'], {
    cwd: join(root, 'e2e'),
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: file },
  });
  if (!existsSync(file)) {
    record(name, 0, 1, `playwright exited ${r.status} without results`);
    return;
  }
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  record(
    name,
    (s.expected ?? 0) + (s.flaky ?? 0),
    (s.unexpected ?? 0) + ((s.expected ?? 0) + (s.unexpected ?? 0) + (s.flaky ?? 0) === 0 && r.status !== 0 ? 1 : 0),
    s.flaky ? `${s.flaky} flaky` : '',
  );
}

const want = (s) => only.length === 0 || only.includes(s);
if (want('static')) {
  const checks = [
    ['typecheck backend', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], join(root, 'backend')],
    ['typecheck frontend', bin('tsc'), ['-b', '--noEmit'], join(root, 'frontend')],
    ['lint backend', bin('eslint'), ['src', 'test'], join(root, 'backend')],
    ['lint frontend', bin('eslint'), ['src'], join(root, 'frontend')],
    ['dependency rule backend', bin('depcruise'), ['src', 'test', '--config', '.dependency-cruiser.cjs'], join(root, 'backend')],
    ['dependency rule frontend', bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs'], join(root, 'frontend')],
    // The UI's API types (frontend/src/api/schema.gen.ts) are what the routes declare; stale -> `npm run gen:api`.
    ['generated API types current', process.execPath, [join(root, 'scripts', 'gen-api.mjs'), '--check', '--no-build'], root],
    // One format for every file (.prettierrc.json); a failure names the files: `npm run format` rewrites them.
    ['format (prettier)', bin('prettier'), ['--check', '--log-level', 'warn', '.'], root],
  ];
  let p = 0,
    f = 0;
  for (const [n, c, a, cwd] of checks) runCheck(n, c, a, cwd) ? p++ : f++;
  record('static checks', p, f);
}
if (want('unit')) vitest('backend-unit', join(root, 'backend'), ['--project', 'unit']);
if (want('integration')) vitest('backend-integration', join(root, 'backend'), ['--project', 'integration']);
if (want('frontend')) vitest('frontend', join(root, 'frontend'), []);
if (want('e2e')) playwright('browser');

process.stdout.write('\n=== summary ===\n');
let P = 0,
  F = 0;
for (const r of results) {
  P += r.passed;
  F += r.failed;
  process.stdout.write(`${r.name.padEnd(22)} ${String(r.passed).padStart(5)} passed ${String(r.failed).padStart(4)} failed ${r.note}\n`);
}
process.stdout.write(`${P} passed, ${F} failed\n`);
process.exit(F > 0 ? 1 : 0);
