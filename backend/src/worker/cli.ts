#!/usr/bin/env node
/**
 * Standalone SIP Proxy: `npm run proxy -- --config FILE --app NAME`.
 * Reads the YAML configuration document, validates it, compiles the application's effective configuration and
 * runs one worker. SIGHUP re-reads the file and applies what can change live; SIGTERM/SIGINT drain and stop.
 * `[sipproxy] worker-processes` > 1 (0: one per core): this process supervises a group of that many members, each
 * this same command (group/group-supervisor.ts), sharing the SIP ports with SO_REUSEPORT; signals reach them all.
 * `--check` validates only (docs/config-format.md, "Rules"): every error with its line and column, exit 1; 0 when valid.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { checkConfigFile } from './config-check.js';
import { compileEffectiveConfig, fileTlsMaterialCheck, loadConfigDocument, type EffectiveProxyConfig } from '../contracts/index.js';
import { toRuntimeConfig } from './config-adapter.js';
import { Logger } from './log.js';
import { runManaged } from './managed-cli.js';
import { ProxyWorker, WorkerStartError } from './proxy-worker.js';
import { groupSize, memberOfGroup } from './group/group-member.js';
import { GroupSupervisor, superviseUntilSignalled } from './group/group-supervisor.js';
import { GroupView } from './group/group-view.js';
import { linkOverChannel, relaySharedState } from './group/group-channel.js';

interface Args {
  controlPlane?: string;
  tokenOnCommandLine?: boolean;
  tokenFile?: string;
  stateDir?: string;
  logDir?: string;
  config?: string;
  app?: string;
  help?: boolean;
  check?: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string | undefined => (k.includes('=') ? k.slice(k.indexOf('=') + 1) : argv[++i]);
    if (k === '--control-plane' || k.startsWith('--control-plane=')) a.controlPlane = v();
    else if (k === '--token-file' || k.startsWith('--token-file=')) a.tokenFile = v();
    else if (k === '--token' || k.startsWith('--token=')) {
      v();
      a.tokenOnCommandLine = true;
    } else if (k === '--state-dir' || k.startsWith('--state-dir=')) a.stateDir = v();
    else if (k === '--log-dir' || k.startsWith('--log-dir=')) a.logDir = v();
    else if (k === '--config' || k.startsWith('--config=')) a.config = v();
    else if (k === '--app' || k.startsWith('--app=')) a.app = v();
    else if (k === '--check') a.check = true;
    else if (k === '--help' || k === '-h') a.help = true;
  }
  return a;
}

/** Reads and compiles the document; logs event 40003 and returns undefined on any error. */
export function readEffectiveConfig(file: string, app: string, log: Logger): EffectiveProxyConfig | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    log.event(40003, 'error', { file }, `${file}: ${(e as Error).message}`);
    return undefined;
  }
  // Certificates are checked at start (they load, the key matches), as the control plane checks them on import.
  const { doc, errors } = loadConfigDocument(text, { checkTlsMaterial: fileTlsMaterialCheck(dirname(resolve(file))) });
  if (errors.length) {
    log.event(
      40003,
      'error',
      { file, errors },
      `${file}: ${errors.length} error(s): ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
    return undefined;
  }
  try {
    const eff = compileEffectiveConfig(doc, app, { baseDir: dirname(resolve(file)), tlsMaterial: 'absolute-paths' });
    toRuntimeConfig(eff); // what the worker could not run is a configuration error too
    return eff;
  } catch (e) {
    log.event(40003, 'error', { file, app }, (e as Error).message);
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // The [log] options' file outputs are created here and nowhere else (log-outputs.ts).
  const logDirectory = args.logDir ?? process.env.SIPEDGE_LOG_DIR ?? process.cwd();
  if (args.controlPlane && args.app) {
    // A token on the command line is visible to every user of the host (ps, /proc/<pid>/cmdline): refused.
    if (args.tokenOnCommandLine) {
      process.stderr.write(
        '--token is not accepted (the process list would show it): put the token in a file and pass --token-file FILE or SIPEDGE_WORKER_TOKEN_FILE=FILE, or set SIPEDGE_WORKER_TOKEN\n',
      );
      process.exit(2);
    }
    runManaged(
      args.controlPlane,
      args.app,
      { tokenFile: args.tokenFile ?? process.env.SIPEDGE_WORKER_TOKEN_FILE, token: process.env.SIPEDGE_WORKER_TOKEN },
      args.stateDir,
      logDirectory,
    );
    return;
  }
  if (args.check && args.config) {
    const r = checkConfigFile(args.config, args.app);
    (r.ok ? process.stdout : process.stderr).write(r.report);
    process.exit(r.ok ? 0 : 1);
  }
  if (args.help || !args.config || !args.app) {
    process.stderr.write(
      'usage: npm run proxy -- --config FILE --app NAME\n       npm run proxy -- --check --config FILE [--app NAME]\n       npm run proxy -- --control-plane URL --app NAME --token-file FILE (or SIPEDGE_WORKER_TOKEN_FILE / SIPEDGE_WORKER_TOKEN) [--state-dir DIR]\n       [--log-dir DIR] (or SIPEDGE_LOG_DIR): where [log] file outputs are written (default: the working directory)\n',
    );
    process.exit(args.help ? 0 : 2);
  }
  const file = args.config;
  const app = args.app;
  const log = new Logger(app);
  const config = readEffectiveConfig(file, app, log);
  if (!config) process.exit(2);
  const member = memberOfGroup();
  const size = groupSize(Number(config.options.sipproxy['worker-processes'] ?? 1), availableParallelism());
  if (!member && size > 1) {
    // The supervisor: checked the document above (exit 2 before any fork), runs no SIP itself.
    const g = GroupSupervisor.start({
      size,
      entry: process.argv[1],
      args: process.argv.slice(2),
      log: (level, msg, fields) => log[level](msg, fields),
    });
    log.info(`worker group of ${size} processes sharing the SIP ports (worker-processes)`, { option: 'worker-processes', size });
    relaySharedState(g); // the members' shared state (one HA view, the group's overload rate), member to member
    superviseUntilSignalled(g, (level, msg, fields) => log[level](msg, fields));
    return;
  }
  let worker: ProxyWorker;
  try {
    // A member: SO_REUSEPORT on the SIP ports; member 0 holds the management port (the group's /status).
    worker = await ProxyWorker.start(config, {
      logger: log,
      logDirectory,
      group: member && { index: member.index, size: member.size },
      groupLink: member && linkOverChannel(member.index, member.size, member.channel),
      management: !member || member.index === 0,
    });
  } catch (e) {
    if (!(e instanceof WorkerStartError)) log.error('start failed', { error: (e as Error).message });
    process.exit(1);
  }
  process.on('SIGHUP', () => {
    const next = readEffectiveConfig(file, app, log);
    if (next) worker.applyConfig(next);
  });
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal: sig });
    worker.stop(sig === 'SIGINT' ? 0 : 4000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (member) {
    // Its supervisor gone (killed): stop at once rather than outlive the group.
    worker.groupView = new GroupView(member, () => stop('SIGINT'));
    worker.groupView.ready();
  }
}

void main();
