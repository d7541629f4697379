/**
 * A worker group of N real processes for the group's shared-state tests: each member is the built
 * `worker/group/group-rig.js` forked with an IPC channel, and this process is their parent, relaying their
 * messages (relaySharedState) and sending the member table (`group.members`) as the group supervisor does.
 * Members may be killed and started again by index.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { GROUP_FLOW_KEY_ENV, newGroupFlowKey, relaySharedState, type RelayHost } from '../../src/worker/group/group-channel.js';
import type { WorkerStatus } from '../../src/worker/proxy-worker.js';
import type { ProxyRuntimeConfig } from '../../src/sip/index.js';
import type { LogRecord } from '../../src/worker/log.js';
import { REPO_ROOT } from './product.js';

const RIG = join(REPO_ROOT, 'backend/dist/backend/src/worker/group/group-rig.js');

export interface RigMember {
  index: number;
  child: ChildProcess;
  logs: (LogRecord & Record<string, unknown>)[];
  config: Partial<ProxyRuntimeConfig>;
}

export class GroupRig implements RelayHost {
  readonly members: (RigMember | undefined)[] = [];
  private readonly up = new Set<number>();
  private readonly handlers: ((index: number, msg: { type: string }) => void)[] = [];
  /** One flow-token key for the group's life, as the supervisor makes it. */
  private readonly flowKey = newGroupFlowKey();
  /** Every log line of every member run, in arrival order (a restarted member's too). */
  readonly allLogs: (LogRecord & Record<string, unknown> & { member: number })[] = [];

  constructor(private readonly configs: Partial<ProxyRuntimeConfig>[]) {
    relaySharedState(this);
  }

  onMemberMessage(handler: (index: number, msg: { type: string }) => void): void {
    this.handlers.push(handler);
  }

  sendTo(index: number, msg: { type: string }): boolean {
    const c = this.members[index]?.child;
    if (!c?.connected) return false;
    try {
      return c.send(msg);
    } catch {
      return false;
    }
  }

  broadcast(msg: { type: string }, except?: number): void {
    this.members.forEach((m, i) => {
      if (m && i !== except) this.sendTo(i, msg);
    });
  }

  private table(): void {
    const members = this.configs.map((_, index) => ({ index, up: this.up.has(index), pid: this.members[index]?.child.pid }));
    this.broadcast({ type: 'group.members', members } as { type: string });
  }

  static async start(configs: Partial<ProxyRuntimeConfig>[]): Promise<GroupRig> {
    const rig = new GroupRig(configs);
    try {
      await Promise.all(configs.map((_, i) => rig.startMember(i)));
    } catch (e) {
      await rig.stop();
      throw e;
    }
    return rig;
  }

  async startMember(index: number): Promise<void> {
    const config = this.configs[index];
    const child = fork(RIG, [], {
      env: {
        ...process.env,
        GROUP_INDEX: String(index),
        GROUP_SIZE: String(this.configs.length),
        GROUP_RIG_CONFIG: JSON.stringify(config),
        [GROUP_FLOW_KEY_ENV]: this.flowKey,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.on('error', () => undefined); // a send on a closed channel: the member is exiting
    const m: RigMember = { index, child, logs: [], config };
    this.members[index] = m;
    this.table();
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const rec = JSON.parse(line) as LogRecord & Record<string, unknown>;
          m.logs.push(rec);
          this.allLogs.push({ ...rec, member: index });
        } catch {
          // not a log line
        }
      }
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('exit', () => {
      if (this.members[index]?.child !== child) return;
      this.up.delete(index);
      this.members[index] = undefined;
      this.table();
    });
    child.on('message', (msg: { type?: unknown }) => {
      if (typeof msg?.type !== 'string') return;
      if (msg.type === 'group.ready') {
        this.up.add(index);
        this.table();
      } else if (!msg.type.startsWith('group.')) {
        for (const h of this.handlers) h(index, msg as { type: string });
      }
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`member ${index} did not start: ${err}`)), 15_000);
      child.on('message', (msg: { type?: string }) => {
        if (msg?.type === 'group.ready') {
          clearTimeout(t);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`member ${index} exited (${code}): ${err}`));
      });
    });
  }

  /** Kills member `index` (SIGKILL: no goodbye) and waits for its exit. */
  async kill(index: number): Promise<void> {
    const m = this.members[index];
    if (!m || m.child.exitCode !== null || m.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => m.child.once('exit', () => r()));
    m.child.kill('SIGKILL');
    await gone;
  }

  async status(index: number): Promise<WorkerStatus> {
    const port = this.configs[index].httpPort;
    const r = await fetch(`http://127.0.0.1:${port}/status`);
    return (await r.json()) as WorkerStatus;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        if (!m || m.child.exitCode !== null || m.child.signalCode !== null) return;
        const gone = new Promise<void>((r) => m.child.once('exit', () => r()));
        m.child.kill('SIGTERM');
        const t = setTimeout(() => m.child.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(t);
      }),
    );
  }
}
