/**
 * The process group of one SIP Proxy application (`[sipproxy] worker-processes` > 1): the supervisor forks `size`
 * members of the same entry (cli.js, bench-sut.js) with their index in the environment (group-member.ts), and each
 * member binds the application's SIP ports with SO_REUSEPORT (proxy-worker.ts, `group`). The supervisor holds no
 * socket and runs no SIP: what it must survive is small.
 *
 * - A member that exits (crash, kill -9) is forked again with its index after a back-off (0.5 s doubling to 30 s,
 *   reset after a minute up); the others keep serving meanwhile.
 * - stop(signal) sends the signal to every member (SIGTERM: they drain), waits for all of them (SIGKILL after
 *   `stopGraceMs`) and resolves: the group stops as a whole. A member whose supervisor is gone (its IPC channel
 *   closed: the supervisor was killed) stops by itself (watchSupervisor), so no process outlives the group.
 * - Every change of the member table is sent to every member (`group.members`), so member 0 can show the group on
 *   /status and /metrics (its management port is the group's).
 * - Messages a member sends that are not the group's own (`group.*`) go to onMemberMessage handlers; sendTo and
 *   broadcast carry the shared state's messages (group-channel*.ts) the other way.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { GROUP_INDEX_ENV, GROUP_SIZE_ENV, type GroupMessage } from './group-member.js';

export interface GroupMemberState {
  index: number;
  /** The running process's pid (undefined while it is being restarted). */
  pid?: number;
  /** Started and serving: it said `group.ready` after its ProxyWorker bound its ports. */
  up: boolean;
  /** How many times it was forked again after an exit. */
  restarts: number;
  startedAt?: string;
  lastExit?: { code: number | null; signal: string | null; at: string };
}

/** `group.members`: the table, sent to every member on each change. */
export interface GroupMembersMessage extends GroupMessage {
  type: 'group.members';
  size: number;
  supervisorPid: number;
  members: GroupMemberState[];
}

export interface GroupSupervisorOptions {
  size: number;
  /** The module each member runs (absolute path) and its arguments. */
  entry: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** First restart delay (ms), doubled per quick exit up to maxBackoffMs; default 500 and 30,000. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** After stop's signal, how long members may drain before SIGKILL (default 8,000 ms). */
  stopGraceMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

interface Slot {
  state: GroupMemberState;
  child?: ChildProcess;
  backoffMs: number;
  timer?: NodeJS.Timeout;
}

export class GroupSupervisor {
  private readonly slots: Slot[];
  private stopping = false;
  private readonly handlers: ((index: number, msg: GroupMessage) => void)[] = [];
  private readonly changeHandlers: ((members: GroupMemberState[]) => void)[] = [];

  private constructor(private readonly o: GroupSupervisorOptions) {
    this.slots = Array.from({ length: o.size }, (_, index) => ({
      state: { index, up: false, restarts: 0 },
      backoffMs: o.backoffMs ?? 500,
    }));
  }

  /** Forks every member at once. */
  static start(o: GroupSupervisorOptions): GroupSupervisor {
    const g = new GroupSupervisor(o);
    for (const s of g.slots) g.run(s);
    return g;
  }

  get size(): number {
    return this.slots.length;
  }

  members(): GroupMemberState[] {
    return this.slots.map((s) => ({ ...s.state }));
  }

  /** A member's own message (not `group.*`). */
  onMemberMessage(handler: (index: number, msg: GroupMessage) => void): void {
    this.handlers.push(handler);
  }

  /** The member table changed (a member started, became ready, exited). */
  onChange(handler: (members: GroupMemberState[]) => void): void {
    this.changeHandlers.push(handler);
  }

  /** False when member `index` is not running or its channel is closed. */
  sendTo(index: number, msg: GroupMessage): boolean {
    const c = this.slots[index]?.child;
    if (!c?.connected) return false;
    try {
      return c.send(msg);
    } catch {
      return false;
    }
  }

  broadcast(msg: GroupMessage, except?: number): void {
    for (const s of this.slots) if (s.state.index !== except) this.sendTo(s.state.index, msg);
  }

  /** Passes a signal to every running member (SIGHUP: re-read the configuration file). */
  signal(sig: NodeJS.Signals): void {
    for (const s of this.slots) s.child?.kill(sig);
  }

  /** Stops the group: `sig` to every member, SIGKILL after the grace time; resolves when none is left. */
  stop(sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    const waits = this.slots.map((s) => {
      if (s.timer) clearTimeout(s.timer);
      const c = s.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(sig);
        setTimeout(() => c.kill('SIGKILL'), this.o.stopGraceMs ?? 8000).unref();
      });
    });
    return Promise.all(waits).then(() => undefined);
  }

  private run(s: Slot): void {
    if (this.stopping) return;
    const index = s.state.index;
    const startedAt = Date.now();
    const child = fork(this.o.entry, this.o.args, {
      env: { ...(this.o.env ?? process.env), [GROUP_INDEX_ENV]: String(index), [GROUP_SIZE_ENV]: String(this.slots.length) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    s.child = child;
    s.state = { ...s.state, pid: child.pid, up: false, startedAt: new Date(startedAt).toISOString() };
    this.o.log?.('info', 'group member started', { index, pid: child.pid });
    child.on('message', (m: unknown) => {
      if (m === null || typeof m !== 'object' || typeof (m as GroupMessage).type !== 'string') return;
      const msg = m as GroupMessage;
      if (msg.type === 'group.ready') {
        s.state = { ...s.state, up: true };
        this.changed();
      } else if (!msg.type.startsWith('group.')) {
        for (const h of this.handlers) {
          try {
            h(index, msg);
          } catch {
            // a handler's bug must not take the supervisor down
          }
        }
      }
    });
    // A send to a member that just died fails asynchronously: nothing to do, its exit is handled below.
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      if (s.child === child) s.child = undefined;
      s.state = { ...s.state, pid: undefined, up: false, lastExit: { code, signal, at: new Date().toISOString() } };
      if (this.stopping) return;
      // Back-off grows on crash loops and resets once a member has run for a minute.
      if (Date.now() - startedAt > 60_000) s.backoffMs = this.o.backoffMs ?? 500;
      const delay = s.backoffMs;
      s.backoffMs = Math.min(s.backoffMs * 2, this.o.maxBackoffMs ?? 30_000);
      this.o.log?.('error', 'group member exited; restarting it, the others keep serving', { index, code, signal, restartInMs: delay });
      s.state = { ...s.state, restarts: s.state.restarts + 1 };
      this.changed();
      s.timer = setTimeout(() => {
        s.timer = undefined;
        this.run(s);
      }, delay);
    });
    this.changed();
  }

  private changed(): void {
    const members = this.members();
    const msg: GroupMembersMessage = { type: 'group.members', size: this.slots.length, supervisorPid: process.pid, members };
    this.broadcast(msg);
    for (const h of this.changeHandlers) {
      try {
        h(members);
      } catch {
        // as above
      }
    }
  }
}

/**
 * Runs a group as this process's whole job (the standalone CLI, the bench entry, the managed worker): SIGTERM and
 * SIGINT stop every member and then this process (exit 0), SIGHUP is passed on. Resolves never; exits.
 */
export function superviseUntilSignalled(g: GroupSupervisor, log?: GroupSupervisorOptions['log']): void {
  let stopping = false;
  const stop = (sig: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log?.('info', 'stopping the group', { signal: sig, members: g.size });
    void g.stop(sig).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => g.signal('SIGHUP'));
}
