/**
 * The files an embedded worker keeps in its state directory (`DATA_DIR/workers/<app>/`), shared by the worker's
 * keeper (writer of `keeper.json`), the managed worker (writer of `snapshot.json`) and the control plane's supervisor
 * (reader of both, to adopt a running keeper after its own restart). Plain files: they must outlive every process.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const KEEPER_STATE_FILE = 'keeper.json';
export const SNAPSHOT_FILE = 'snapshot.json';

/** What the keeper of one application says about itself. */
export interface KeeperState {
  readonly app: string;
  /** The keeper's own pid (the process the supervisor adopts). */
  readonly pid: number;
  /** The proxy worker the keeper runs now (undefined between a crash and its restart). */
  readonly workerPid?: number;
  readonly controlPlane: string;
  readonly startedAt: string;
  /** How many times the worker exited unexpectedly under this keeper, and how the last one did. */
  readonly exits: number;
  readonly lastExit?: { readonly code: number | null; readonly signal: string | null; readonly at: string };
}

/** Writes `data` to `file` atomically (write beside it, then rename), readable by its owner only (snapshots hold keys). */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

export function writeKeeperState(stateDir: string, s: KeeperState): void {
  writeFileAtomic(join(stateDir, KEEPER_STATE_FILE), JSON.stringify(s));
}

/** The keeper's state, or undefined when there is none or it does not parse. */
export function readKeeperState(stateDir: string): KeeperState | undefined {
  try {
    const v = JSON.parse(readFileSync(join(stateDir, KEEPER_STATE_FILE), 'utf8')) as Partial<KeeperState>;
    if (typeof v.pid !== 'number' || typeof v.app !== 'string' || typeof v.controlPlane !== 'string') return undefined;
    return { exits: 0, startedAt: '', ...v } as KeeperState;
  } catch {
    return undefined;
  }
}
