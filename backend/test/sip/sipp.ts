/**
 * Runs SIPp as a UAC against a local UAS and reads its final statistics (exit code + CSV).
 * Bounded: `-m` calls, `-timeout`, and a hard kill of only the PID we spawned.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../helpers/net.js';

export interface SippResult {
  exitCode: number | null;
  stats: Record<string, string>;
  successful: number;
  failed: number;
  retransmissions: number;
  stderr: string;
  screen: string;
}

export interface SippOptions {
  target: string; // host:port
  scenario: { builtin: string } | { file: string };
  transport: 'u1' | 't1' | 'tn';
  calls: number;
  rate: number;
  timeoutSeconds: number;
  extra?: string[];
}

export async function runSipp(o: SippOptions): Promise<SippResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sipp-'));
  const localPort = await freePort();
  const statFile = path.join(dir, 'stat.csv');
  const screenFile = path.join(dir, 'screen.log');
  const args = [
    o.target,
    ...('builtin' in o.scenario ? ['-sn', o.scenario.builtin] : ['-sf', o.scenario.file]),
    '-t', o.transport,
    '-i', '127.0.0.1',
    '-p', String(localPort),
    '-m', String(o.calls),
    '-r', String(o.rate),
    '-l', String(Math.max(10, o.rate * 2)),
    '-timeout', `${o.timeoutSeconds}s`,
    '-timeout_error',
    '-nostdin',
    '-buff_size', '4194304', // SIPp's 64 KB default drops bursts of 100/180/200 on a busy host
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_screen', '-screen_file', screenFile,
    ...(o.extra ?? []),
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const hardKill = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
  }, (o.timeoutSeconds + 15) * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  clearTimeout(hardKill);
  const stats = readLastStats(statFile);
  let screen: string;
  try {
    screen = readFileSync(screenFile, 'utf8');
  } catch {
    screen = readdirSync(dir).join(',');
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    exitCode,
    stats,
    successful: Number(stats['SuccessfulCall(C)'] ?? NaN),
    failed: Number(stats['FailedCall(C)'] ?? NaN),
    retransmissions: Number(stats['Retransmissions(C)'] ?? NaN),
    stderr,
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
  const names = lines[0]!.split(';');
  const values = lines[lines.length - 1]!.split(';');
  const out: Record<string, string> = {};
  names.forEach((n, i) => {
    if (n) out[n] = values[i] ?? '';
  });
  return out;
}
