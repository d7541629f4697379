/**
 * `npm run proxy -- --control-plane URL --app NAME --token-file FILE`: one worker fed by a control plane.
 * The token comes from a file (--token-file or SIPEDGE_WORKER_TOKEN_FILE) or SIPEDGE_WORKER_TOKEN, never from the
 * command line, which the process list shows to every user of the host.
 * `--state-dir DIR` keeps the last snapshot there and starts on it (see keeper.ts).
 */
import { readFileSync } from 'node:fs';
import { Logger } from './log.js';
import { ManagedWorker } from './managed-worker.js';

export function runManaged(
  controlPlane: string,
  app: string,
  from: { tokenFile?: string; token?: string },
  stateDir?: string,
  logDirectory?: string,
): void {
  // Under a keeper stdout is a log file; run by hand it may be a pipe whose reader goes away. Either way a failed log
  // write is lost, never fatal (an unhandled EPIPE used to end the worker when the control plane died).
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const log = new Logger(app, (l) => {
    try {
      process.stdout.write(l + '\n');
    } catch {
      /* lost, not fatal */
    }
  });
  let token = from.token?.trim();
  if (from.tokenFile) {
    try {
      token = readFileSync(from.tokenFile, 'utf8').trim();
    } catch (e) {
      process.stderr.write(`cannot read the worker token file ${from.tokenFile}: ${(e as Error).message}\n`);
      process.exit(2);
    }
  }
  if (!token) {
    process.stderr.write(
      'a worker token is needed: --token-file FILE, SIPEDGE_WORKER_TOKEN_FILE or SIPEDGE_WORKER_TOKEN (create one in the UI or with POST /api/workers/tokens)\n',
    );
    process.exit(2);
  }
  try {
    new URL(controlPlane);
  } catch {
    process.stderr.write(`--control-plane must be a URL like http://host:8080 (got '${controlPlane}')\n`);
    process.exit(2);
  }
  const managed = new ManagedWorker({
    controlPlane,
    app,
    token,
    logger: log,
    stateDir,
    logDirectory,
    onAuthRefused: (status) => {
      log.error(`control plane refused the token (HTTP ${status}); stopping`);
      void managed.stop(0).then(() => process.exit(3));
    },
  });
  managed.start();
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal: sig });
    managed.stop(sig === 'SIGINT' ? 0 : 4000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
