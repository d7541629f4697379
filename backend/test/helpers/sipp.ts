/**
 * The one SIPp runner of the integration tests: a UAC run to completion (`runUac`) and a UAS in the background
 * (`SippUas`), with the scenario files of test/fixtures/sipp. Loopback only (127.0.0.x); every run bounded
 * (-m, -timeout, a hard kill of only the PID spawned here).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from './net.js';

export const SIPP_FIXTURES = path.resolve(import.meta.dirname, '../fixtures/sipp');
const work = mkdtempSync(path.join(tmpdir(), 'sipp-it-'));

/** Removes this run's scratch directory (scenarios with their placeholders filled, statistics files). */
export function cleanupWork(): void {
  rmSync(work, { recursive: true, force: true });
}

/** A scenario file of test/fixtures/sipp, with @NAME@ placeholders replaced (written to a scratch dir when there are any). */
export function scenario(name: string, vars: Record<string, string | number> = {}): string {
  const src = path.join(SIPP_FIXTURES, name);
  if (Object.keys(vars).length === 0) return src;
  let text = readFileSync(src, 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`@${k}@`).join(String(v));
  const out = path.join(
    work,
    `${Object.values(vars)
      .join('-')
      .replace(/[^\w.-]/g, '_')}-${name}`,
  );
  writeFileSync(out, text);
  return out;
}

/** SIPp's -t: UDP on one socket, TCP on one connection, or TCP with a connection per call. */
export type SippTransport = 'udp' | 'tcp' | 'tcp-per-call';
const TRANSPORT_FLAG: Record<SippTransport, string> = { udp: 'u1', tcp: 't1', 'tcp-per-call': 'tn' };

function listening(transport: 'udp' | 'tcp', host: string, port: number): boolean {
  const r = spawnSync('ss', [transport === 'udp' ? '-Hlnu' : '-Hlnt', `sport = :${port}`], { encoding: 'utf8' });
  return r.stdout.split('\n').some((l) => l.includes(`${host}:${port}`));
}

/** A SIPp UAS in the background (auto-answers OPTIONS with -aa); `extra` adds SIPp flags (e.g. -trace_msg). */
export class SippUas {
  private exited: Promise<number | null>;
  output = '';
  private constructor(
    readonly child: ChildProcess,
    readonly host: string,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  static async start(o: {
    scenario: string;
    host: string;
    port: number;
    transport: 'udp' | 'tcp';
    maxSeconds?: number;
    extra?: string[];
    cwd?: string;
  }): Promise<SippUas> {
    const args = [
      '-sf',
      o.scenario,
      '-aa',
      '-i',
      o.host,
      '-p',
      String(o.port),
      '-t',
      TRANSPORT_FLAG[o.transport],
      '-nostdin',
      '-buff_size',
      '1048576',
      '-timeout',
      `${o.maxSeconds ?? 120}s`,
      ...(o.extra ?? []),
    ];
    const child = spawn('sipp', args, { cwd: o.cwd ?? work, stdio: ['ignore', 'pipe', 'pipe'] });
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
  retransmissions: number;
  /** The last row of SIPp's statistics CSV, by column name. */
  stats: Record<string, string>;
  /** SIPp's stdout and stderr. */
  output: string;
  /** SIPp's final screen (-trace_screen): what it says when a call failed. */
  screen: string;
}

/** Runs a SIPp UAC to completion (bounded by -m and -timeout): a scenario file, or one of SIPp's built-in ones. */
export async function runUac(o: {
  scenario: string | { builtin: string };
  target: string;
  transport: SippTransport;
  calls: number;
  rate: number;
  host?: string;
  timeoutS?: number;
  extra?: string[];
}): Promise<UacResult> {
  const port = await freePort(o.host ?? '127.0.0.1');
  const stat = path.join(work, `uac-${port}.csv`);
  const screenFile = path.join(work, `uac-${port}-screen.log`);
  const timeoutS = o.timeoutS ?? 30;
  const args = [
    o.target,
    ...(typeof o.scenario === 'string' ? ['-sf', o.scenario] : ['-sn', o.scenario.builtin]),
    '-t',
    TRANSPORT_FLAG[o.transport],
    '-i',
    o.host ?? '127.0.0.1',
    '-p',
    String(port),
    '-m',
    String(o.calls),
    '-r',
    String(o.rate),
    '-l',
    String(Math.max(10, o.rate * 4)),
    '-timeout',
    `${timeoutS}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_stat',
    '-stf',
    stat,
    '-fd',
    '1',
    '-trace_screen',
    '-screen_file',
    screenFile,
    '-buff_size',
    '4194304', // SIPp's 64 KB default drops bursts of 100/180/200 on a busy host
    ...(o.extra ?? []),
  ];
  const child = spawn('sipp', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 10) * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(hard);
  const stats = readLastStats(stat);
  let screen = '';
  try {
    screen = readFileSync(screenFile, 'utf8');
  } catch {
    /* SIPp wrote none (it did not start) */
  }
  return {
    exitCode,
    successful: Number(stats['SuccessfulCall(C)'] ?? NaN),
    failed: Number(stats['FailedCall(C)'] ?? NaN),
    retransmissions: Number(stats['Retransmissions(C)'] ?? NaN),
    stats,
    output,
    screen,
  };
}

/** The last row of SIPp's statistics CSV (-trace_stat), by column name; empty when there is none yet. */
export function readLastStats(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return {};
  const names = lines[0].split(';');
  const values = lines[lines.length - 1].split(';');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    if (n) out[n] = values[i] ?? '';
  });
  return out;
}
