import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { proxyApplicationNames } from '../../../contracts/effective-config.js';
import { readKeeperState } from '../../../contracts/keeper-state.js';
import { commandLineOf, isAlive } from '../../database/process-identity.js';
import { ENV, type Env } from '../../config/env.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { AdminStatesService } from './admin-states.service.js';
import { LivenessWatchdog } from './liveness-watchdog.service.js';
import { SnapshotStreamService } from './snapshot-stream.service.js';
import { WorkersRepository } from './workers.repository.js';

// Compiled: dist/backend/src/control-plane/modules/workers -> dist/backend/src/worker/keeper.js
const KEEPER_CLI = resolve(import.meta.dirname, '../../../worker/keeper.js');
const POLL_MS = 500;

/** One application's keeper: a child of this process, or adopted from an earlier run of the control plane. */
interface Child {
  app: string;
  proc?: ChildProcess;
  pid?: number;
  adopted: boolean;
  seenExits: number;
  startedAt: number;
  backoffMs: number;
  stopping: boolean;
  timer?: NodeJS.Timeout;
}

/** True when `pid` runs `script` for `app` (pids are reused: never signal a process only because a file named it). */
export function runs(pid: number, script: string, app: string): boolean {
  if (!isAlive(pid)) return false;
  const argv = commandLineOf(pid);
  if (argv === undefined) return process.platform !== 'linux';
  const i = argv.indexOf('--app');
  return argv.some((a) => a.endsWith(script)) && i >= 0 && argv[i + 1] === app;
}

/** True when `host` names this machine (loopback, one of its interface addresses, or its host name). */
export function isLocalHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === hostname().toLowerCase() || h === '0.0.0.0' || h === '::') return true;
  if (isIP(h) === 4 && h.startsWith('127.')) return true;
  if (h === '::1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address.toLowerCase() === h));
}

/**
 * Runs one embedded worker per SIP Proxy application hosted on this machine, through a keeper (worker/keeper.ts):
 * a detached process that outlives this one, logs to `DATA_DIR/logs/worker-<app>.log`, restarts its worker on the
 * last snapshot kept in `DATA_DIR/workers/<app>/`, and is adopted (not started twice) when this process comes back
 * after a crash. A graceful stop of the control plane stops the keepers; a crash leaves them serving.
 */
@Injectable()
export class EmbeddedSupervisor implements OnApplicationShutdown {
  private readonly logger = new Logger('Supervisor');
  private readonly children = new Map<string, Child>();
  private controlPlaneUrl: string | undefined;
  private stopped = false;
  private poller: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: ConfigurationService,
    private readonly snapshots: SnapshotStreamService,
    private readonly liveness: LivenessWatchdog,
    private readonly repo: WorkersRepository,
    private readonly adminStates: AdminStatesService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** Called once the HTTP server listens (the workers connect back to it). */
  async start(controlPlaneUrl: string): Promise<void> {
    this.adoptLeftovers(controlPlaneUrl);
    if (!this.env.workersEnabled) {
      this.logger.log('embedded workers disabled (WORKERS_ENABLED=false)');
      await Promise.all([...this.children.values()].map((c) => this.stopChild(c)));
      this.children.clear();
      return;
    }
    this.controlPlaneUrl = controlPlaneUrl;
    this.snapshots.onConfigChange(() => void this.reconcile());
    this.poller = setInterval(() => this.poll(), POLL_MS);
    this.poller.unref();
    await this.reconcile();
  }

  running(): string[] {
    return [...this.children.keys()];
  }

  private stateDir(app: string): string {
    return join(this.env.dataDir, 'workers', app);
  }

  /**
   * Keepers a crashed control plane left running keep serving; take them back. One whose recorded control-plane URL
   * is not ours any more is stopped (reconcile starts a fresh one): it could never reach us.
   */
  private adoptLeftovers(controlPlaneUrl: string): void {
    let apps: string[];
    try {
      apps = readdirSync(join(this.env.dataDir, 'workers'));
    } catch {
      return;
    }
    for (const app of apps) {
      const st = readKeeperState(this.stateDir(app));
      if (!st || st.app !== app) continue;
      if (!runs(st.pid, 'keeper.js', app)) {
        // A keeper killed on its own leaves its worker orphaned, still holding the SIP ports.
        if (st.workerPid && runs(st.workerPid, 'cli.js', app)) {
          this.logger.warn(`${app}: stopping the worker (pid ${st.workerPid}) its dead keeper left`);
          try {
            process.kill(st.workerPid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        continue;
      }
      const c: Child = { app, pid: st.pid, adopted: true, seenExits: st.exits, startedAt: Date.now(), backoffMs: 500, stopping: false };
      this.children.set(app, c);
      if (st.controlPlane !== controlPlaneUrl) {
        this.logger.warn(`${app}: the running keeper (pid ${st.pid}) follows ${st.controlPlane}, not ${controlPlaneUrl}; replacing it`);
        void this.stopChild(c).then(() => {
          this.children.delete(app);
          void this.reconcile();
        });
        continue;
      }
      this.logger.log(
        `adopted the running keeper of ${app} (pid ${st.pid}, worker pid ${st.workerPid ?? 'restarting'}): it served on while the control plane was away`,
      );
    }
  }

  private async reconcile(): Promise<void> {
    if (this.stopped || !this.controlPlaneUrl) return;
    let wanted: string[];
    try {
      const { doc } = await this.config.head();
      wanted = proxyApplicationNames(doc).filter(
        (name) =>
          isLocalHost(doc.applications.find((a) => a.name === name)?.host) &&
          (!this.env.embeddedApps || this.env.embeddedApps.includes(name)),
      );
    } catch (e) {
      this.logger.error(`cannot read the configuration: ${(e as Error).message}`);
      return;
    }
    // Not knowing whether an operator stopped an application, start nothing (the next change or reload retries).
    if (!(await this.adminStates.ensureLoaded())) return;
    // What an operator stopped stays stopped (guide: stop and start an application), across our restarts too.
    const stopped = wanted.filter((app) => this.adminStates.applicationState(app) === 'stopped');
    wanted = wanted.filter((app) => !stopped.includes(app));
    for (const app of wanted) if (!this.children.has(app)) this.launch(app);
    for (const [app, c] of this.children) {
      if (wanted.includes(app) || c.stopping) continue;
      this.logger.log(
        stopped.includes(app)
          ? `${app} was stopped by an operator; stopping its worker`
          : `${app} left the configuration; stopping its worker`,
      );
      await this.stopChild(c);
      this.children.delete(app);
    }
  }

  private launch(app: string): void {
    const c: Child = this.children.get(app) ?? { app, adopted: false, seenExits: 0, startedAt: 0, backoffMs: 500, stopping: false };
    this.children.set(app, c);
    void this.spawnKeeper(c);
  }

  private async spawnKeeper(c: Child): Promise<void> {
    if (this.stopped || c.stopping) return;
    let token: string;
    try {
      await this.repo.revokeEmbedded(c.app);
      token = (await this.repo.createToken(c.app, 'embedded', 'supervisor')).token;
    } catch (e) {
      this.logger.error(`cannot make a token for ${c.app} (retrying): ${(e as Error).message}`);
      c.timer = setTimeout(() => void this.spawnKeeper(c), 2000);
      return;
    }
    const logDir = join(this.env.dataDir, 'logs');
    const logFile = join(logDir, `worker-${c.app}.log`);
    const stateDir = this.stateDir(c.app);
    // The [log] options' file outputs of this application are created here and nowhere else.
    const appLogDir = join(logDir, c.app);
    mkdirSync(appLogDir, { recursive: true, mode: 0o750 });
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // A file, not a pipe to us: writes to it cannot fail because this process died. Detached: its own session,
    // so neither our death nor a signal to our process group reaches it.
    const fd = openSync(logFile, 'a');
    let proc: ChildProcess;
    try {
      proc = spawn(process.execPath, [KEEPER_CLI, '--control-plane', this.controlPlaneUrl!, '--app', c.app, '--state-dir', stateDir], {
        env: { ...process.env, SIPEDGE_WORKER_TOKEN: token, SIPEDGE_LOG_DIR: appLogDir },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    proc.unref();
    Object.assign(c, { proc, pid: proc.pid, adopted: false, seenExits: 0, startedAt: Date.now() });
    this.logger.log(`started the embedded worker of ${c.app} (keeper pid ${proc.pid}); log in ${logFile}`);
    proc.once('exit', (code, signal) => {
      if (c.proc === proc) this.keeperGone(c, `${signal ? `signal ${signal}` : `code ${code}`}`);
    });
  }

  /** The keeper itself ended (it never does on its own but for a refused token): start a new one. */
  private keeperGone(c: Child, how: string): void {
    c.proc = undefined;
    c.pid = undefined;
    if (c.stopping || this.stopped) return;
    const st = readKeeperState(this.stateDir(c.app));
    if (st?.workerPid && runs(st.workerPid, 'cli.js', c.app))
      try {
        process.kill(st.workerPid, 'SIGKILL');
      } catch {
        /* gone */
      }
    if (Date.now() - c.startedAt > 60_000) c.backoffMs = 500;
    this.logger.error(`the keeper of ${c.app} ended (${how}); starting a new one in ${c.backoffMs} ms`);
    c.timer = setTimeout(() => void this.spawnKeeper(c), c.backoffMs);
    c.backoffMs = Math.min(c.backoffMs * 2, 30_000);
  }

  /** Worker exits the keepers saw (they restart the worker themselves), and adopted keepers that died. */
  private poll(): void {
    for (const c of this.children.values()) {
      if (c.stopping || !c.pid) continue;
      if (c.adopted && !runs(c.pid, 'keeper.js', c.app)) {
        c.adopted = false;
        this.keeperGone(c, 'adopted keeper gone');
        continue;
      }
      const st = readKeeperState(this.stateDir(c.app));
      if (!st || st.pid !== c.pid || st.exits <= c.seenExits) continue;
      c.seenExits = st.exits;
      const exit = st.lastExit ?? { code: null, signal: null };
      this.logger.error(
        `embedded worker ${c.app} exited (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}); its keeper restarts it`,
      );
      void this.liveness.workerExited(c.app, { code: exit.code, signal: exit.signal });
    }
  }

  private async stopChild(c: Child): Promise<void> {
    c.stopping = true;
    if (c.timer) clearTimeout(c.timer);
    const pid = c.pid;
    if (!pid || !isAlive(pid)) return;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    // The keeper drains its worker (4 s), then exits; both get SIGKILL if that takes too long.
    const until = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) {
      const st = readKeeperState(this.stateDir(c.app));
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      if (st?.workerPid && runs(st.workerPid, 'cli.js', c.app))
        try {
          process.kill(st.workerPid, 'SIGKILL');
        } catch {
          /* gone */
        }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.poller) clearInterval(this.poller);
    await Promise.all([...this.children.values()].map((c) => this.stopChild(c)));
  }
}
