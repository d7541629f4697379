#!/usr/bin/env node
/**
 * The keeper of one embedded worker: `node keeper.js --control-plane URL --app NAME --state-dir DIR`
 * (token in SIPEDGE_WORKER_TOKEN, passed on to the worker).
 *
 * The control plane starts it detached (its own session, stdout/stderr on a log file in DATA_DIR), so neither a
 * crash of the control plane nor a broken pipe can take the data plane down. It runs the managed worker as its child
 * and restarts it with back-off when it dies, and the worker then starts on the last snapshot kept in DIR: a crash
 * while the control plane or the database is away is repaired without either. `DIR/keeper.json` says who it is and
 * how its worker last exited; a restarted control plane adopts a live keeper from that file instead of starting a
 * second one (which would only fail to bind the SIP ports).
 *
 * Kept small on purpose (node:*, the log and the state file only): it must not share the proxy's failure modes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEEPER_STATE_FILE, writeKeeperState, type KeeperState } from '../contracts/keeper-state.js';
import { Logger } from './log.js';

const WORKER_CLI = resolve(import.meta.dirname, 'cli.js');
/** The managed worker exits 3 when the control plane refuses its token: a new keeper with a new token is needed. */
const EXIT_TOKEN_REFUSED = 3;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const controlPlane = arg('--control-plane');
const app = arg('--app');
const stateDir = arg('--state-dir');
if (!controlPlane || !app || !stateDir) {
  process.stderr.write('usage: keeper.js --control-plane URL --app NAME --state-dir DIR (token in SIPEDGE_WORKER_TOKEN)\n');
  process.exit(2);
}
// A log write that fails (disk full, a pipe whose reader died) is lost, never fatal.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
const log = new Logger(app, (l) => {
  try {
    process.stdout.write(l + '\n');
  } catch {
    /* lost, not fatal */
  }
});
mkdirSync(stateDir, { recursive: true });

let state: KeeperState = { app, pid: process.pid, controlPlane, startedAt: new Date().toISOString(), exits: 0 };
const save = (s: Partial<KeeperState>): void => {
  state = { ...state, ...s };
  try {
    writeKeeperState(stateDir, state);
  } catch (e) {
    log.error('cannot write the keeper state', { error: (e as Error).message });
  }
};

let child: ChildProcess | undefined;
let stopping = false;
let backoffMs = 500;
let startedAt = 0;
let timer: NodeJS.Timeout | undefined;

function run(): void {
  if (stopping) return;
  startedAt = Date.now();
  const proc = spawn(process.execPath, [WORKER_CLI, '--control-plane', controlPlane!, '--app', app!, '--state-dir', stateDir!], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  child = proc;
  save({ workerPid: proc.pid });
  log.info('worker started', { pid: proc.pid, keeper: process.pid });
  proc.once('exit', (code, signal) => {
    child = undefined;
    if (stopping) {
      rmSync(join(stateDir!, KEEPER_STATE_FILE), { force: true });
      process.exit(0);
    }
    save({ workerPid: undefined, exits: state.exits + 1, lastExit: { code, signal, at: new Date().toISOString() } });
    if (code === EXIT_TOKEN_REFUSED) {
      log.error('the control plane refused the worker token; the keeper stops (the control plane starts a new one)', { code });
      rmSync(join(stateDir!, KEEPER_STATE_FILE), { force: true });
      process.exit(EXIT_TOKEN_REFUSED);
    }
    // Back-off grows on crash loops and resets once a worker has run for a minute.
    if (Date.now() - startedAt > 60_000) backoffMs = 500;
    log.error('worker exited; restarting it on its last configuration', { code, signal, restartInMs: backoffMs });
    timer = setTimeout(run, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 30_000);
  });
}

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  if (timer) clearTimeout(timer);
  log.info('stopping', { signal });
  if (!child) {
    rmSync(join(stateDir!, KEEPER_STATE_FILE), { force: true });
    process.exit(0);
  }
  child.kill(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM'); // the worker drains, then exits; the exit handler ends us
  setTimeout(() => child?.kill('SIGKILL'), 8000).unref();
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
// The control plane's terminal going away is not a reason to stop serving SIP.
process.on('SIGHUP', () => undefined);
save({});
run();
