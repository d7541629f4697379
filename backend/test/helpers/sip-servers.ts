import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SippUas, scenario } from './sipp.js';

/**
 * A SIPp UAS playing a SIP Server over UDP: answers calls (uas_call.xml) and OPTIONS (-aa), and logs every message
 * with its time (-trace_msg), so a test can see the proxy's probes on the wire. Can be killed and started again
 * (each run logs to its own file). Bounded by -timeout; killed by PID.
 */
export class SipServer {
  private uas: SippUas | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'sipsrv-'));
  private runs = 0;
  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  get messageLog(): string {
    return join(this.dir, `messages-${this.runs}.log`);
  }

  async start(maxSeconds = 600): Promise<void> {
    this.runs++;
    this.uas = await SippUas.start({
      scenario: scenario('uas_call.xml'),
      host: this.host,
      port: this.port,
      transport: 'udp',
      maxSeconds,
      cwd: this.dir,
      extra: ['-trace_msg', '-message_file', this.messageLog],
    });
  }

  async kill(): Promise<void> {
    const uas = this.uas;
    this.uas = undefined;
    await uas?.kill();
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
        if (m) out.push(Date.parse(m[1].replace(' ', 'T').slice(0, 23)));
      }
    }
    return out.sort((a, b) => a - b);
  }
}
