/**
 * Who a pid left in a file names now. A pid file outlives its process (kill -9, OOM, power loss); after the host
 * restarts, the same number may belong to any process, which must be neither taken for ours (refusing to start)
 * nor signalled (stopping someone else's program). Linux /proc only: where it cannot be read (another OS, a
 * hidepid mount) nothing can be told beyond liveness, and the answer stays the cautious one, "it may be ours".
 */
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When `pid` started, in clock ticks since boot (/proc/<pid>/stat field 22, proc(5)); with the pid it names one
 * process for the life of the host. Undefined when it cannot be read (no such process, no /proc).
 */
export function startTimeOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** The argv `pid` was started with; undefined when it cannot be read. */
export function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

/** The content of a lock file naming this process: `<pid> <start time>` (the start time when it can be read). */
export function ownIdentity(): string {
  const start = startTimeOf(process.pid);
  return start === undefined ? String(process.pid) : `${process.pid} ${start}`;
}

/**
 * Whether the process a lock file names (`<pid>` or `<pid> <start time>`, as ownIdentity wrote it) still runs: alive,
 * and started when the file says (a pid reused after a host restart started at another time). A file without a start
 * time, or a host without /proc, falls back to liveness.
 */
export function lockHolderRuns(content: string): { pid: number; runs: boolean } {
  const [pidText, start] = content.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return { pid, runs: false };
  if (start === undefined) return { pid, runs: true };
  const now = startTimeOf(pid);
  return { pid, runs: now === undefined || now === start };
}

/**
 * Whether `pid` may be a PostgreSQL server on `dataDir`: alive, a `postgres` started with `-D` (how EmbeddedPostgres
 * starts it) whose working directory is `dataDir` (the postmaster changes into its data directory), or with a command
 * line that cannot be read. DATA_DIR may be given relative or through a link: paths are compared resolved.
 */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  if (!isAlive(pid)) return false;
  const argv = commandLineOf(pid);
  if (argv === undefined) return true;
  const i = argv.indexOf('-D');
  if (!/(^|\/)postgres$/.test(argv[0] ?? '') || i < 0 || argv[i + 1] === undefined) return false;
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  try {
    return realpathSync(`/proc/${pid}/cwd`) === real(dataDir);
  } catch {
    return real(argv[i + 1]) === real(dataDir);
  }
}
