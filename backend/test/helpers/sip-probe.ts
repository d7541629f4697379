/**
 * What a fault test watches from outside: an OPTIONS prober over UDP (one request every `everyMs`, each answered or
 * not within `answerMs`), and the processes of an embedded worker found in /proc (scoped to one DATA_DIR).
 */
import * as dgram from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { parseMessage, isResponse } from '../../src/sip/index.js';
import { sleep } from './net.js';

export interface ProbeResult {
  sent: number;
  answered: number;
  unanswered: { at: string; callId: string }[];
}

export class OptionsProber {
  private readonly socket = dgram.createSocket('udp4');
  private readonly pending = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly result: ProbeResult = { sent: 0, answered: 0, unanswered: [] };
  private running = false;
  private loop: Promise<void> | undefined;
  private n = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly everyMs = 500,
    private readonly answerMs = 4000,
  ) {}

  async start(): Promise<void> {
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', () => r()));
    this.socket.on('message', (buf) => {
      const p = parseMessage(buf);
      if (!p.ok || !isResponse(p.message) || p.message.status < 200) return;
      const id = p.message.callId ?? '';
      const w = this.pending.get(id);
      if (!w) return;
      clearTimeout(w.timer);
      this.pending.delete(id);
      this.result.answered++;
    });
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        this.send();
        await sleep(this.everyMs);
      }
    })();
  }

  private send(): void {
    const callId = `probe-${process.pid}-${++this.n}-${Date.now().toString(36)}`;
    const port = this.socket.address().port;
    const text = [
      `OPTIONS sip:${this.target.host}:${this.target.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-${callId};rport`,
      'Max-Forwards: 70',
      `From: <sip:probe@127.0.0.1:${port}>;tag=p${this.n}`,
      `To: <sip:${this.target.host}:${this.target.port}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const at = Date.now();
    this.pending.set(callId, {
      at,
      timer: setTimeout(() => {
        this.pending.delete(callId);
        this.result.unanswered.push({ at: new Date(at).toISOString(), callId });
      }, this.answerMs),
    });
    this.result.sent++;
    this.socket.send(text, this.target.port, this.target.host);
  }

  /** Stops sending, waits for the last answers (or their deadline), and tells what happened. */
  async stop(): Promise<ProbeResult> {
    this.running = false;
    await this.loop;
    const until = Date.now() + this.answerMs + 500;
    while (this.pending.size && Date.now() < until) await sleep(50);
    this.socket.close();
    return this.result;
  }
}

/** Pids of the processes running `script` (a path suffix, e.g. 'worker/cli.js') for `app` with a --state-dir under `dataDir`. */
export function processesOf(script: string, app: string, dataDir: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = argv.indexOf('--app');
    const s = argv.indexOf('--state-dir');
    if (argv.some((a) => a.endsWith(script)) && argv[i + 1] === app && s >= 0 && argv[s + 1]?.startsWith(dataDir)) out.push(Number(d));
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
