/**
 * Proxy calls benchmark: drives N complete calls (INVITE/100/180/200/ACK/BYE/200, SIPp's bench scenario) through
 * the stateful proxy core (RFC 3261 §16) in one process, over an in-memory UDP-like transport: every message is
 * serialized by the sender and parsed by the receiver, as on the wire, but no socket is involved, so the figures
 * are the proxy's own cost without the kernel's.
 *
 * The clock is virtual and advances 1/RATE s per call, so the transaction timers (J/L/M: 32 s) roll as in a
 * sustained run at RATE calls/s and the heap holds about RATE x 32 s finished calls. Prints per run:
 *   - heap (and ArrayBuffer) bytes retained per call still in its timer window (after a forced GC),
 *   - proxy µs per call (time inside parse + transaction layer + proxy core; the simulated UAC/UAS excluded)
 *     and process CPU µs per call (everything, peers included),
 *   - GC share: time in 'gc' performance entries over the run's wall time.
 *
 *   npm run bench:proxy                                  # 3 runs of this build
 *   npm run bench:proxy -- --runs 5 --against <other build's proxy-calls.js>   # alternate two builds, medians
 * (an older commit's build: `git archive <commit> backend/src/sip backend/tsconfig.json | tar -x -C /tmp/old`, copy this
 * file into /tmp/old/backend/src/bench/ and compile it there with tsc: it uses only the proxy's public API.)
 *   npm run bench:proxy -- --trace 5000                  # alternate this build with the SIP trace off and on
 *     (the worker's SipTrace on the transport tap, a ring of 5000 messages, secrets masked: sip-trace-size)
 * Environment: BENCH_CALLS (60000), BENCH_RATE (1500), BENCH_TRACE (ring size; 0 = off). Figures only; nothing here
 * asserts a timing.
 */
import { spawnSync } from 'node:child_process';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  parseMessage,
  serialize,
  type SipMessage,
  type SipResponse,
  ProxyCore,
  defaultRuntimeConfig,
  TimerWheel,
  TransactionLayer,
  responseDestination,
  type Destination,
  type MessageHandler,
  type MessageSource,
  type SipTransport,
  type TransportErrorSink,
  type MessageTap,
} from '../sip/index.js';
import { SipTrace } from '../worker/trace/sip-trace.js';

const PROXY = '10.0.0.1';
const UAC_IP = '10.0.0.50';
const UAC_PORT = 5062;
const UAS_IP = '10.0.0.10';
const UAS_PORT = 5070;
const UAC_SRC: MessageSource = { transport: 'udp', remoteAddress: UAC_IP, remotePort: UAC_PORT, localAddress: PROXY, localPort: 5060 };
const UAS_SRC: MessageSource = { transport: 'udp', remoteAddress: UAS_IP, remotePort: UAS_PORT, localAddress: PROXY, localPort: 5060 };

interface Result {
  build: string;
  calls: number;
  rate: number;
  inWindow: number;
  heapPerCall: number;
  arrayBuffersPerCall: number;
  proxyUsPerCall: number;
  cpuUsPerCall: number;
  gcShare: number;
  gcMs: number;
  wallMs: number;
  leftAfterTimers: number;
  liveTransactions: number;
}

type Dest = 'proxy-from-uac' | 'proxy-from-uas' | 'uac' | 'uas';

/** In-memory transport: sends are queued as bytes and delivered by the driver loop. */
class MemTransport implements SipTransport {
  readonly queue: { buf: Buffer; to: Dest }[] = [];
  handler: MessageHandler | undefined;
  /** The SIP trace's tap, as TransportLayer calls it (BENCH_TRACE). */
  tap: MessageTap | undefined;
  send(message: SipMessage | Buffer, destination: Destination, _sink?: TransportErrorSink): string | undefined {
    const buf = Buffer.isBuffer(message) ? message : serialize(message);
    this.tap?.sent(buf, destination);
    if (destination.host === UAS_IP && destination.port === UAS_PORT) this.queue.push({ buf, to: 'uas' });
    else if (destination.host === UAC_IP && destination.port === UAC_PORT) this.queue.push({ buf, to: 'uac' });
    else throw new Error(`bench: unexpected destination ${destination.host}:${destination.port}`);
    return undefined;
  }
  responseDestination(response: SipResponse, source?: MessageSource): Destination {
    return responseDestination(response, source);
  }
  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }
}

const SDP =
  'v=0\r\no=user1 53655765 2353687637 IN IP4 10.0.0.50\r\ns=-\r\nc=IN IP4 10.0.0.50\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const UAC_HP = `${UAC_IP}:${UAC_PORT}`;

function lines(buf: Buffer): string[] {
  const s = buf.toString('latin1');
  return s.slice(0, s.indexOf('\r\n\r\n')).split('\r\n');
}
const pick = (ls: string[], name: string): string[] => ls.filter((l) => l.startsWith(name + ':'));
const one = (ls: string[], name: string): string => pick(ls, name)[0] ?? '';

/** Response from the UAS to a request it received: Via, Record-Route, From, To (+tag), Call-ID, CSeq copied. */
function uasResponse(ls: string[], status: number, reason: string, tag: string | undefined, contact: boolean): Buffer {
  let s = `SIP/2.0 ${status} ${reason}\r\n`;
  for (const l of pick(ls, 'Via')) s += l + '\r\n';
  for (const l of pick(ls, 'Record-Route')) s += l + '\r\n';
  s +=
    one(ls, 'From') + '\r\n' + one(ls, 'To') + (tag ? ';tag=' + tag : '') + '\r\n' + one(ls, 'Call-ID') + '\r\n' + one(ls, 'CSeq') + '\r\n';
  if (contact) s += `Contact: <sip:uas@${UAS_IP}:${UAS_PORT};transport=udp>\r\n`;
  s += 'Content-Length: 0\r\n\r\n';
  return Buffer.from(s, 'latin1');
}

interface CallState {
  n: number;
  toTag: string;
  routes: string[];
  target: string;
  done: boolean;
}

async function measure(): Promise<Result> {
  const calls = Number(process.env.BENCH_CALLS ?? 60_000);
  const rate = Number(process.env.BENCH_RATE ?? 1500);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  let vnow = 0;
  const timers = new TimerWheel({ autoDrive: false, clock: () => vnow, tickMs: 10 });
  const transport = new MemTransport();
  const tl = new TransactionLayer(transport, { timers });
  const config = defaultRuntimeConfig({
    appName: 'bench',
    servingPair: 'UAS',
    oosCheckS: 0,
    pairs: [{ name: 'UAS', primary: { name: 'UAS', host: UAS_IP, port: UAS_PORT, transport: 'udp' } }],
  });
  const proxy = new ProxyCore({ config, tl, local: { advertisedHost: PROXY, aliases: [], ports: { udp: 5060 } } });
  proxy.start();
  const receive = transport.handler;
  if (!receive) throw new Error('transaction layer did not attach');
  const traceSize = Number(process.env.BENCH_TRACE ?? 0);
  if (traceSize > 0) {
    const trace = new SipTrace(() => ({ address: PROXY, port: 5060 }), PROXY);
    trace.configure(traceSize, { secrets: true, bodies: false });
    transport.tap = trace;
  }
  const tap = transport.tap;

  const pid = process.pid;
  const byCallId = new Map<string, CallState>();
  let proxyMs = 0;
  let completed = 0;

  const toProxy = (buf: Buffer, src: MessageSource): void => {
    const t0 = performance.now();
    const r = parseMessage(buf);
    if (r.ok) {
      tap?.received(r.message, src);
      receive(r.message, src);
    }
    proxyMs += performance.now() - t0;
  };
  const uacSend = (s: string): void => {
    transport.queue.push({ buf: Buffer.from(s, 'latin1'), to: 'proxy-from-uac' });
  };
  const uasSend = (b: Buffer): void => {
    transport.queue.push({ buf: b, to: 'proxy-from-uas' });
  };

  const inDialog = (c: CallState, method: string, cseq: number): string => {
    let s = `${method} ${c.target} SIP/2.0\r\nVia: SIP/2.0/UDP ${UAC_HP};branch=z9hG4bK-${pid}-${c.n}-${method}\r\n`;
    for (const r of c.routes) s += `Route: ${r}\r\n`;
    s +=
      `From: sipp <sip:sipp@${UAC_HP}>;tag=${pid}SIPpTag00${c.n}\r\nTo: 2000 <sip:2000@${PROXY}:5060>;tag=${c.toTag}\r\n` +
      `Call-ID: ${c.n}-${pid}@${UAC_IP}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:sipp@${UAC_HP};transport=UDP>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    return s;
  };

  const uac = (buf: Buffer): void => {
    const ls = lines(buf);
    const status = Number(ls[0].slice(8, 11));
    const c = byCallId.get(one(ls, 'Call-ID').slice(9));
    if (!c || status < 200) return;
    const cseq = one(ls, 'CSeq');
    if (cseq.endsWith('INVITE')) {
      if (c.toTag) return; // 2xx retransmission
      c.toTag = /;tag=([^;\s]+)/.exec(one(ls, 'To'))?.[1] ?? '';
      c.routes = pick(ls, 'Record-Route')
        .map((l) => l.slice(14))
        .reverse();
      c.target = /<([^>]+)>/.exec(one(ls, 'Contact'))?.[1] ?? '';
      uacSend(inDialog(c, 'ACK', 1));
      uacSend(inDialog(c, 'BYE', 2));
    } else if (cseq.endsWith('BYE') && !c.done) {
      c.done = true;
      completed++;
      byCallId.delete(one(ls, 'Call-ID').slice(9));
    }
  };
  let tagSeq = 0;
  const uas = (buf: Buffer): void => {
    const ls = lines(buf);
    const method = ls[0].slice(0, ls[0].indexOf(' '));
    if (method === 'INVITE') {
      const tag = `uas${++tagSeq}`;
      uasSend(uasResponse(ls, 100, 'Trying', undefined, false));
      uasSend(uasResponse(ls, 180, 'Ringing', tag, true));
      uasSend(uasResponse(ls, 200, 'OK', tag, true));
    } else if (method === 'BYE') {
      uasSend(uasResponse(ls, 200, 'OK', undefined, false));
    }
  };
  const drain = (): void => {
    const q = transport.queue;
    for (let i = 0; i < q.length; i++) {
      const m = q[i];
      if (m.to === 'proxy-from-uac') toProxy(m.buf, UAC_SRC);
      else if (m.to === 'proxy-from-uas') toProxy(m.buf, UAS_SRC);
      else if (m.to === 'uas') uas(m.buf);
      else uac(m.buf);
    }
    q.length = 0;
  };
  const startCall = (n: number): void => {
    const c: CallState = { n, toTag: '', routes: [], target: '', done: false };
    const callId = `${n}-${pid}@${UAC_IP}`;
    byCallId.set(callId, c);
    uacSend(
      `INVITE sip:2000@${PROXY}:5060 SIP/2.0\r\nVia: SIP/2.0/UDP ${UAC_HP};branch=z9hG4bK-${pid}-${n}-INVITE\r\n` +
        `From: sipp <sip:sipp@${UAC_HP}>;tag=${pid}SIPpTag00${n}\r\nTo: 2000 <sip:2000@${PROXY}:5060>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\n` +
        `Contact: <sip:sipp@${UAC_HP};transport=UDP>\r\nMax-Forwards: 70\r\nSubject: Performance Test\r\nContent-Type: application/sdp\r\n` +
        `Content-Length: ${SDP.length}\r\n\r\n${SDP}`,
    );
  };

  const step = 1000 / rate;
  let n = 0;
  const runCalls = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      startCall(++n);
      drain();
      vnow += step;
      timers.advanceTo(vnow);
      // Let the PerformanceObserver and other callbacks run now and then, as an event loop would.
      if ((i & 1023) === 1023) await new Promise((r) => setImmediate(r));
    }
  };

  // Warm-up (JIT, pools), then let every warm-up transaction end, so the baseline holds none of them.
  await runCalls(Math.min(5000, calls));
  vnow += 40_000;
  timers.advanceTo(vnow);
  gc();
  gc();
  const base = process.memoryUsage();

  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  const done0 = completed;
  proxyMs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await runCalls(calls);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  if (completed - done0 !== calls) throw new Error(`bench: ${completed - done0} of ${calls} calls completed`);

  // Calls whose INVITE transactions are still in Timer L/M (64*T1 = 32 s of virtual time).
  const windowCalls = Math.min(calls, Math.floor((32_000 / 1000) * rate));
  gc();
  gc();
  const mem = process.memoryUsage();
  const stats = tl.stats();
  const inWindow = windowCalls;
  // All timers expire: what is left is a leak.
  vnow += 40_000;
  timers.advanceTo(vnow);
  gc();
  gc();
  const after = process.memoryUsage();
  return {
    build: '',
    calls,
    rate,
    inWindow,
    heapPerCall: (mem.heapUsed - base.heapUsed) / inWindow,
    arrayBuffersPerCall: (mem.arrayBuffers - base.arrayBuffers) / inWindow,
    proxyUsPerCall: (proxyMs * 1000) / calls,
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
    gcShare: gcMs / wallMs,
    gcMs,
    wallMs,
    leftAfterTimers: (after.heapUsed - base.heapUsed) / calls,
    liveTransactions: stats.serverTransactions + stats.clientTransactions,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(r: Result): string {
  return (
    `heap/call ${r.heapPerCall.toFixed(0).padStart(6)} B  arrayBuffers/call ${r.arrayBuffersPerCall.toFixed(0).padStart(5)} B  ` +
    `proxy ${r.proxyUsPerCall.toFixed(1).padStart(6)} µs/call  cpu ${r.cpuUsPerCall.toFixed(1).padStart(6)} µs/call  ` +
    `gc ${(100 * r.gcShare).toFixed(1).padStart(5)} %  (${r.inWindow} calls / ${r.liveTransactions} transactions in their timer window; ` +
    `heap left after all timers ${r.leftAfterTimers.toFixed(0)} B/call)`
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--child')) {
    const r = await measure();
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
  const againstAt = args.indexOf('--against');
  const traceAt = args.indexOf('--trace');
  const self = fileURLToPath(import.meta.url);
  const builds: { name: string; file: string; env?: Record<string, string> }[] = [{ name: 'this', file: self, env: { BENCH_TRACE: '0' } }];
  if (againstAt >= 0) builds.unshift({ name: 'against', file: args[againstAt + 1] });
  if (traceAt >= 0) builds.push({ name: 'trace', file: self, env: { BENCH_TRACE: String(Number(args[traceAt + 1] ?? 5000)) } });
  const results = new Map<string, Result[]>(builds.map((b) => [b.name, []]));
  process.stdout.write(
    `proxy-calls: ${process.env.BENCH_CALLS ?? 60000} calls per run at a virtual ${process.env.BENCH_RATE ?? 1500} calls/s, ${runs} run(s) per build, builds alternated\n`,
  );
  for (let i = 0; i < runs; i++) {
    for (const b of builds) {
      // One process per run: a fresh heap, and builds measured alternately under the same box load.
      const p = spawnSync(process.execPath, ['--expose-gc', b.file, '--child'], {
        encoding: 'utf8',
        env: { ...process.env, ...b.env },
        maxBuffer: 1 << 20,
      });
      if (p.status !== 0) throw new Error(`run of ${b.file} failed: ${p.stderr}`);
      const r = JSON.parse(p.stdout.trim().split('\n').pop()!) as Result;
      r.build = b.name;
      results.get(b.name)!.push(r);
      process.stdout.write(`  ${b.name.padEnd(7)} #${i + 1}  ${fmt(r)}\n`);
    }
  }
  process.stdout.write('medians:\n');
  for (const b of builds) {
    const rs = results.get(b.name)!;
    const med = (k: keyof Result): number => median(rs.map((r) => r[k] as number));
    const m: Result = {
      build: b.name,
      calls: rs[0].calls,
      rate: rs[0].rate,
      inWindow: med('inWindow'),
      heapPerCall: med('heapPerCall'),
      arrayBuffersPerCall: med('arrayBuffersPerCall'),
      proxyUsPerCall: med('proxyUsPerCall'),
      cpuUsPerCall: med('cpuUsPerCall'),
      gcShare: med('gcShare'),
      gcMs: med('gcMs'),
      wallMs: med('wallMs'),
      leftAfterTimers: med('leftAfterTimers'),
      liveTransactions: med('liveTransactions'),
    };
    process.stdout.write(
      `  ${b.name.padEnd(7)} ${b.file}${b.env?.BENCH_TRACE && b.env.BENCH_TRACE !== '0' ? ` (SIP trace on, ring of ${b.env.BENCH_TRACE})` : ''}\n          ${fmt(m)}\n`,
    );
  }
}

await main();
