/**
 * SIPp peers and an in-process proxy worker for the proxy integration tests. Loopback only (127.0.0.x),
 * every SIPp run bounded (-m, -timeout, a hard kill of only the PID spawned here).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProxyWorker } from '../../src/worker/proxy-worker.js';
import { Logger, type LogRecord } from '../../src/worker/log.js';
import { defaultRuntimeConfig, type ProxyRuntimeConfig } from '../../src/sip/index.js';
import { freePort, waitFor } from '../helpers/net.js';
import { readLastStats } from '../sip/sipp.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sipp');
const work = mkdtempSync(path.join(tmpdir(), 'proxy-it-'));

export function cleanupWork(): void {
  rmSync(work, { recursive: true, force: true });
}

/** A scenario file, with @NAME@ placeholders replaced (written to a scratch dir when there are any). */
export function scenario(name: string, vars: Record<string, string | number> = {}): string {
  const src = path.join(FIXTURES, name);
  if (Object.keys(vars).length === 0) return src;
  let text = readFileSync(src, 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const out = path.join(work, `${Object.values(vars).join('-').replace(/[^\w.-]/g, '_')}-${name}`);
  writeFileSync(out, text);
  return out;
}

function listening(transport: 'udp' | 'tcp', host: string, port: number): boolean {
  const r = spawnSync('ss', [transport === 'udp' ? '-Hlnu' : '-Hlnt', `sport = :${port}`], { encoding: 'utf8' });
  return r.stdout.split('\n').some((l) => l.includes(`${host}:${port}`));
}

/** A SIPp UAS in the background (auto-answers OPTIONS with -aa). */
export class SippUas {
  private exited: Promise<number | null>;
  output = '';
  private constructor(readonly child: ChildProcess, readonly host: string, readonly port: number) {
    this.exited = new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(o: { scenario: string; host: string; port: number; transport: 'udp' | 'tcp'; maxSeconds?: number }): Promise<SippUas> {
    const args = ['-sf', o.scenario, '-aa', '-i', o.host, '-p', String(o.port), '-t', o.transport === 'udp' ? 'u1' : 't1', '-nostdin', '-buff_size', '1048576', '-timeout', `${o.maxSeconds ?? 120}s`];
    const child = spawn('sipp', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const uas = new SippUas(child, o.host, o.port);
    await waitFor(() => listening(o.transport, o.host, o.port) || child.exitCode !== null, 5000, `SIPp UAS on ${o.host}:${o.port}`);
    if (child.exitCode !== null) throw new Error(`SIPp UAS exited: ${uas.output}`);
    return uas;
  }

  /** Kills this UAS only (by its PID). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

export interface UacResult {
  exitCode: number | null;
  successful: number;
  failed: number;
  stats: Record<string, string>;
  output: string;
}

/** Runs a SIPp UAC to completion (bounded by -m and -timeout). */
export async function runUac(o: {
  scenario: string;
  target: string;
  transport: 'udp' | 'tcp';
  calls: number;
  rate: number;
  host?: string;
  timeoutS?: number;
  extra?: string[];
}): Promise<UacResult> {
  const port = await freePort(o.host ?? '127.0.0.1');
  const stat = path.join(work, `uac-${port}.csv`);
  const timeoutS = o.timeoutS ?? 30;
  const args = [
    o.target, '-sf', o.scenario, '-t', o.transport === 'udp' ? 'u1' : 't1', '-i', o.host ?? '127.0.0.1', '-p', String(port),
    '-m', String(o.calls), '-r', String(o.rate), '-l', String(Math.max(10, o.rate * 4)), '-timeout', `${timeoutS}s`, '-timeout_error',
    '-nostdin', '-trace_stat', '-stf', stat, '-fd', '1', '-buff_size', '1048576', ...(o.extra ?? []),
  ];
  const child = spawn('sipp', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 10) * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(hard);
  const stats = readLastStats(stat);
  return { exitCode, successful: Number(stats['SuccessfulCall(C)'] ?? NaN), failed: Number(stats['FailedCall(C)'] ?? NaN), stats, output };
}

export interface RunningProxy {
  worker: ProxyWorker;
  logs: LogRecord[];
  port: number;
  httpPort: number;
  target: string;
  stop(): Promise<void>;
  get(path: string): Promise<{ status: number; body: string }>;
}

/** Starts a proxy worker in this process on 127.0.0.1 with a serving pair built from `pairs`. */
export async function startProxy(over: Partial<ProxyRuntimeConfig>): Promise<RunningProxy> {
  const port = over.sipPort ?? (await freePort());
  const httpPort = over.httpPort ?? (await freePort());
  const config = defaultRuntimeConfig({
    appName: 'SIPProxy_IT',
    version: 'it-1',
    listenHost: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    sipPort: port,
    httpPort,
    transports: ['udp', 'tcp'],
    ...over,
  });
  const logs: LogRecord[] = [];
  const logger = new Logger(config.appName, (l) => logs.push(JSON.parse(l) as LogRecord));
  const worker = await ProxyWorker.start(config, { logger });
  return {
    worker,
    logs,
    port,
    httpPort,
    target: `127.0.0.1:${port}`,
    stop: () => worker.stop(0),
    async get(p: string) {
      const r = await fetch(`http://127.0.0.1:${httpPort}${p}`);
      return { status: r.status, body: await r.text() };
    },
  };
}
