import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { proxyApplicationNames } from '../../../contracts/effective-config.js';
import { ENV, type Env } from '../../config/env.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import { WorkersRepository } from './workers.repository.js';
import { WorkersService } from './workers.service.js';

// Compiled: dist/backend/src/control-plane/modules/workers -> dist/backend/src/worker/cli.js
const WORKER_CLI = resolve(import.meta.dirname, '../../../worker/cli.js');

interface Child { app: string; proc?: ChildProcess; startedAt: number; backoffMs: number; stopping: boolean; timer?: NodeJS.Timeout; log: WriteStream }

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
 * Runs one embedded worker (a child process: the same CLI a remote host runs) per SIP Proxy application hosted on
 * this machine, restarts a crashed one with back-off, and follows the configuration as applications come and go.
 */
@Injectable()
export class EmbeddedSupervisor implements OnApplicationShutdown {
  private readonly logger = new Logger('Supervisor');
  private readonly children = new Map<string, Child>();
  private controlPlaneUrl: string | undefined;
  private stopped = false;

  constructor(private readonly config: ConfigurationService, private readonly workers: WorkersService, private readonly repo: WorkersRepository, @Inject(ENV) private readonly env: Env) {}

  /** Called once the HTTP server listens (the workers connect back to it). */
  async start(controlPlaneUrl: string): Promise<void> {
    if (!this.env.workersEnabled) { this.logger.log('embedded workers disabled (WORKERS_ENABLED=false)'); return; }
    this.controlPlaneUrl = controlPlaneUrl;
    this.workers.onConfigChange(() => void this.reconcile());
    await this.reconcile();
  }

  running(): string[] { return [...this.children.keys()]; }

  private async reconcile(): Promise<void> {
    if (this.stopped || !this.controlPlaneUrl) return;
    let wanted: string[];
    try {
      const { doc } = await this.config.head();
      wanted = proxyApplicationNames(doc).filter((name) => isLocalHost(doc.applications.find((a) => a.name === name)?.host) && (!this.env.embeddedApps || this.env.embeddedApps.includes(name)));
    } catch (e) { this.logger.error(`cannot read the configuration: ${(e as Error).message}`); return; }
    for (const app of wanted) if (!this.children.has(app)) this.launch(app);
    for (const [app, c] of this.children) if (!wanted.includes(app)) { this.logger.log(`${app} left the configuration; stopping its worker`); await this.stopChild(c); this.children.delete(app); }
  }

  private launch(app: string): void {
    const dir = join(this.env.dataDir, 'logs');
    mkdirSync(dir, { recursive: true });
    const c: Child = this.children.get(app) ?? { app, startedAt: 0, backoffMs: 500, stopping: false, log: createWriteStream(join(dir, `worker-${app}.log`), { flags: 'a' }) };
    this.children.set(app, c);
    void this.spawnChild(c);
  }

  private async spawnChild(c: Child): Promise<void> {
    if (this.stopped || c.stopping) return;
    let token: string;
    try {
      await this.repo.revokeEmbedded(c.app);
      token = (await this.repo.createToken(c.app, 'embedded', 'supervisor')).token;
    } catch (e) {
      this.logger.error(`cannot make a token for ${c.app} (retrying): ${(e as Error).message}`);
      c.timer = setTimeout(() => void this.spawnChild(c), 2000);
      return;
    }
    const proc = spawn(process.execPath, [WORKER_CLI, '--control-plane', this.controlPlaneUrl!, '--app', c.app], {
      env: { ...process.env, SIPEDGE_WORKER_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    c.proc = proc;
    c.startedAt = Date.now();
    this.logger.log(`started the embedded worker of ${c.app} (pid ${proc.pid}); log in ${join(this.env.dataDir, 'logs', `worker-${c.app}.log`)}`);
    proc.stdout!.pipe(c.log, { end: false });
    proc.stderr!.on('data', (d: Buffer) => { c.log.write(d); this.logger.warn(`${c.app}: ${d.toString().trim().slice(0, 500)}`); });
    proc.once('exit', (code, signal) => {
      c.proc = undefined;
      if (c.stopping || this.stopped) return;
      // Back-off grows on crash loops and resets once a worker has run for a minute.
      if (Date.now() - c.startedAt > 60_000) c.backoffMs = 500;
      const reason = `embedded worker ${c.app} exited (${signal ? `signal ${signal}` : `code ${code}`}); restarting in ${c.backoffMs} ms`;
      this.logger.error(reason);
      void this.workers.workerExited(c.app, { code, signal });
      c.timer = setTimeout(() => void this.spawnChild(c), c.backoffMs);
      c.backoffMs = Math.min(c.backoffMs * 2, 30_000);
    });
  }

  private async stopChild(c: Child): Promise<void> {
    c.stopping = true;
    if (c.timer) clearTimeout(c.timer);
    const p = c.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(t);
    }
    c.log.end();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.children.values()].map((c) => this.stopChild(c)));
  }
}
