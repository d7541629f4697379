/**
 * The [log] options as the Genesys Framework log options mean them: `verbose` is the lowest level written
 * (all/debug > trace > interaction > standard > none); `standard`, `trace`, `debug` and `all` name the outputs
 * (stdout, stderr or file names, comma-separated) of the events of that level — `trace` also receives the levels above
 * it (interaction, standard), `debug` every level from debug up, `all` everything. Applied live (registry: Immediately).
 *
 * Our records map onto those levels: the guide's events 40000-40007, errors and warnings are Standard; other
 * information (HA changes, configuration applied) is Trace; debug records are Debug.
 *
 * A file output is a plain name created in the worker's log directory, opened without following a symbolic link and
 * kept only if it is a regular file: whoever may edit options cannot make the worker (often root) write elsewhere.
 */
import { closeSync, constants, createWriteStream, fstatSync, openSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { isLogFileName, type OptionValue } from '../contracts/index.js';
import type { Logger, LogLevel, LogRecord, LogSink } from './log.js';

/** Genesys levels by rank: a record of rank r is written when r <= the verbose rank. */
const VERBOSE_RANK: Readonly<Record<string, number>> = { none: -1, standard: 0, interaction: 1, trace: 2, debug: 3, all: 3 };

function rankOf(r: LogRecord): number {
  if (r.event !== undefined || r.level === 'error' || r.level === 'warn') return 0;
  return r.level === 'info' ? 2 : 3;
}

function outputs(v: OptionValue | undefined): string[] {
  const items: readonly unknown[] = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : [];
  return items.map((x) => String(x).trim()).filter((x) => x !== '');
}

/** Opens `name` in `dir` for appending: no link followed, nothing but a regular file (a FIFO or device is refused). */
function openLogFile(dir: string, name: string): WriteStream {
  if (!isLogFileName(name)) throw new Error(`'${name}' is not a plain file name`);
  const fd = openSync(
    join(dir, name),
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    0o640,
  );
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${join(dir, name)} is not a regular file`);
  }
  return createWriteStream('', { fd });
}

export class LogOutputs {
  private files = new Map<string, WriteStream>();
  /** Last failure per file (shown in /status notes by the worker when it wants). */
  readonly failures = new Map<string, string>();

  /** `dir`: the worker's log directory (file outputs are created there and nowhere else). */
  constructor(
    private readonly logger: Logger,
    private readonly dir: string,
  ) {}

  /** (Re)configures the logger from the [log] section (registry defaults filled). */
  configure(log: Readonly<Record<string, OptionValue>>): void {
    const verbose = VERBOSE_RANK[String(log.verbose)] ?? 0;
    const byRank = (rank: number): string[] => {
      const out = new Set([...outputs(log.all), ...outputs(log.debug)]);
      if (rank <= 2) for (const o of outputs(log.trace)) out.add(o);
      if (rank === 0) for (const o of outputs(log.standard)) out.add(o);
      return [...out];
    };
    const plan = [byRank(0), byRank(1), byRank(2), byRank(3)];
    const wanted = new Set(plan.flat().filter((o) => o !== 'stdout' && o !== 'stderr'));
    for (const [f, s] of this.files)
      if (!wanted.has(f)) {
        s.end();
        this.files.delete(f);
      }
    for (const f of wanted) {
      if (this.files.has(f)) continue;
      // A file that cannot be written must not take the worker down: note it and go on.
      let s: WriteStream;
      try {
        s = openLogFile(this.dir, f);
      } catch (e) {
        this.failures.set(f, (e as Error).message);
        continue;
      }
      s.on('error', (e) => {
        this.failures.set(f, e.message);
        this.files.delete(f);
      });
      this.files.set(f, s);
    }
    const route = (line: string, r: LogRecord, base: LogSink): void => {
      const rank = rankOf(r);
      if (rank > verbose) return;
      for (const o of plan[rank]) {
        if (o === 'stdout') base(line);
        else if (o === 'stderr') {
          try {
            process.stderr.write(line + '\n');
          } catch {
            /* a closed stderr loses the line, not the worker */
          }
        } else this.files.get(o)?.write(line + '\n');
      }
    };
    const minLevel: LogLevel = verbose >= 3 ? 'debug' : 'info';
    this.logger.setOutputs(route, minLevel);
  }

  close(): void {
    for (const s of this.files.values()) s.end();
    this.files.clear();
  }
}
