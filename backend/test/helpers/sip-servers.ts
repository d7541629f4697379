import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from './net.js';

export const SIPP_FIXTURES = resolve(import.meta.dirname, '../fixtures/sipp');

function listening(host: string, port: number): boolean {
  const r = spawnSync('ss', ['-Hlnu', `sport = :${port}`], { encoding: 'utf8' });
  return r.stdout.includes(`${host}:${port}`);
}

/**
 * A SIPp UAS playing a SIP Server over UDP: answers calls (uas_call.xml) and OPTIONS (-aa), and logs every message
 * with its time (-trace_msg), so a test can see the proxy's probes on the wire. Bounded by -timeout; killed by PID.
 */
export class SipServer {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'sipsrv-'));
  private runs = 0;
  constructor(readonly host: string, readonly port: number) {}

  get messageLog(): string { return join(this.dir, `messages-${this.runs}.log`); }

  async start(maxSeconds = 600): Promise<void> {
    this.runs++;
    const args = ['-sf', join(SIPP_FIXTURES, 'uas_call.xml'), '-aa', '-i', this.host, '-p', String(this.port), '-t', 'u1', '-nostdin', '-trace_msg', '-message_file', this.messageLog, '-timeout', `${maxSeconds}s`, '-buff_size', '1048576'];
    this.child = spawn('sipp', args, { cwd: this.dir, stdio: 'ignore' });
    const until = Date.now() + 5000;
    while (!listening(this.host, this.port)) {
      if (Date.now() > until || this.child.exitCode !== null) throw new Error(`SIPp UAS on ${this.host}:${this.port} did not start`);
      await sleep(50);
    }
  }

  async kill(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }

  /** Arrival times (ms since epoch) of OPTIONS requests, from every run's message log. */
  optionsTimes(): number[] {
    const out: number[] = [];
    for (let i = 1; i <= this.runs; i++) {
      const f = join(this.dir, `messages-${i}.log`);
      if (!existsSync(f)) continue;
      const blocks = readFileSync(f, 'latin1').split(/^-{10,} /m);
      for (const b of blocks) {
        const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*\n\w+ message received \[\d+\] bytes :\s*\nOPTIONS /.exec(b);
        if (m) out.push(Date.parse(m[1]!.replace(' ', 'T').slice(0, 23)));
      }
    }
    return out.sort((a, b) => a - b);
  }
}
