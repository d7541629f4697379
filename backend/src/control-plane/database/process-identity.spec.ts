import { spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPostmasterOf, lockHolderRuns, ownIdentity, startTimeOf } from './process-identity.js';

// Real processes and the real /proc: this test and a `sleep` it starts.
describe.runIf(process.platform === 'linux')('process identity (pid files left behind)', () => {
  it('a lock naming this process by pid and start time runs; the same pid with another start time (a reused pid) does not', () => {
    expect(ownIdentity()).toBe(`${process.pid} ${startTimeOf(process.pid)}`);
    expect(lockHolderRuns(ownIdentity())).toEqual({ pid: process.pid, runs: true });
    expect(lockHolderRuns(`${process.pid} 1`)).toEqual({ pid: process.pid, runs: false });
  });

  it('an old lock with a pid only falls back to liveness; a dead or malformed pid does not run', () => {
    expect(lockHolderRuns(`${process.pid}\n`).runs).toBe(true);
    expect(lockHolderRuns('2147483646 5').runs).toBe(false);
    expect(lockHolderRuns('').runs).toBe(false);
    expect(lockHolderRuns('not-a-pid').runs).toBe(false);
  });

  it('a live process that is not `postgres -D` on the directory is not its postmaster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pid-identity-'));
    const sleeper = spawn('sleep', ['30'], { cwd: dir, stdio: 'ignore' });
    try {
      await new Promise((r) => sleeper.once('spawn', r));
      expect(isPostmasterOf(sleeper.pid!, dir)).toBe(false);
      expect(isPostmasterOf(process.pid, dir)).toBe(false);
      expect(isPostmasterOf(2147483646, dir)).toBe(false);
    } finally {
      sleeper.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a `postgres -D` process whose working directory is the data directory is, however DATA_DIR is spelled', async () => {
    // A shell named `postgres` waiting in the directory (`-D dir` are its $0 $1): the identity is the name, -D and
    // the working directory. Its own process group, so the sleep under it goes with it.
    const dir = mkdtempSync(join(tmpdir(), 'pid-identity-'));
    const bin = join(dir, 'postgres');
    symlinkSync(realpathSync('/bin/sh'), bin);
    const link = join(tmpdir(), `pid-identity-link-${process.pid}`);
    symlinkSync(dir, link);
    const fake = spawn(bin, ['-c', 'sleep 30; :', '-D', dir], { cwd: dir, stdio: 'ignore', detached: true });
    try {
      await new Promise((r) => fake.once('spawn', r));
      expect(fake.exitCode).toBeNull();
      expect(isPostmasterOf(fake.pid!, dir)).toBe(true);
      expect(isPostmasterOf(fake.pid!, link)).toBe(true);
      expect(isPostmasterOf(fake.pid!, tmpdir())).toBe(false);
      expect(fake.exitCode, 'still running when checked').toBeNull();
    } finally {
      process.kill(-fake.pid!, 'SIGKILL');
      rmSync(link, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
