import { closeSync, existsSync, mkdirSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  let probe = join(dir, `.write-test-${process.pid}`);
  try {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      // Recursive mkdir reports ENOENT for most failures: find out why on the nearest existing ancestor.
      let up = dirname(dir);
      while (!existsSync(up) && up !== dirname(up)) up = dirname(up);
      if (!statSync(up).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      probe = join(up, `.write-test-${process.pid}`);
      closeSync(openSync(probe, 'w'));
      rmSync(probe, { force: true });
      throw e;
    }
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, Buffer.alloc(4096));
    } finally {
      closeSync(fd);
    }
    rmSync(probe, { force: true });
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < minFreeBytes)
      return `DATA_DIR ${dir} is not usable: only ${Math.floor(free / 1024 / 1024)} MB free (at least ${minFreeBytes / 1024 / 1024} MB needed)`;
    return undefined;
  } catch (e) {
    rmSync(probe, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return `DATA_DIR ${dir} is not usable: ${CAUSES[code] ?? (e as Error).message}${code ? ` (${code})` : ''}`;
  }
}
