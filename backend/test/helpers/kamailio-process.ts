/**
 * One Kamailio process for a test: a generated configuration in its own temp dir, run in the foreground (-DD -E) so
 * its log is ours to read, stopped by its own PID only (SIGTERM, then SIGKILL after 3 s). The configurations
 * themselves stay with the tests that need them (TLS hop, registrar).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { sleep } from './net.js';

export interface KamailioProcess {
  output(): string;
  stop(): Promise<void>;
}

/**
 * Writes `files(dir)` (file name -> content; `kamailio.cfg` is required) into a fresh temp dir and starts Kamailio.
 * Resolves once `ready(output)` holds (bounded by 10 s) and the process is still alive after `settleMs`.
 */
export async function spawnKamailio(o: {
  prefix: string;
  files: (dir: string) => Record<string, string>;
  ready?: (output: string) => boolean;
  settleMs?: number;
}): Promise<KamailioProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), o.prefix));
  for (const [name, content] of Object.entries(o.files(dir))) writeFileSync(path.join(dir, name), content);
  const child = spawn('kamailio', ['-f', path.join(dir, 'kamailio.cfg'), '-DD', '-E', '-Y', dir, '-w', dir, '-m', '64', '-M', '8'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 10_000;
  while (o.ready && !o.ready(out) && child.exitCode === null && Date.now() < until) await sleep(100);
  await sleep(o.settleMs ?? 700);
  if (child.exitCode !== null) {
    await stop();
    throw new Error(`kamailio exited: ${out}`);
  }
  return { output: () => out, stop };
}
