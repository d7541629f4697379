import { closeSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Below this much free space PostgreSQL cannot even initialise its cluster (initdb writes ~40 MB). */
export const DATA_DIR_MIN_FREE_BYTES = 64 * 1024 * 1024;

const CAUSES: Record<string, string> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the file system is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
};

/**
 * Checks that DATA_DIR can hold the embedded database and logs before anything starts: created if missing,
 * writable (a probe file is written and removed), with room to spare. Returns one line naming the directory and
 * the cause, or undefined when it is usable.
 */
export function dataDirProblem(dir: string, minFreeBytes = DATA_DIR_MIN_FREE_BYTES): string | undefined {
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(probe, 'w');
    try { writeSync(fd, Buffer.alloc(4096)); } finally { closeSync(fd); }
    rmSync(probe, { force: true });
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < minFreeBytes) return `DATA_DIR ${dir} is not usable: only ${Math.floor(free / 1024 / 1024)} MB free (at least ${minFreeBytes / 1024 / 1024} MB needed)`;
    return undefined;
  } catch (e) {
    rmSync(probe, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return `DATA_DIR ${dir} is not usable: ${CAUSES[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`;
  }
}
