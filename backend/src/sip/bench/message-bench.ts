/**
 * SIP message model micro-benchmark (parse, serialize, parse+serialize, proxy-style access and
 * forwarding) for typical INVITE / 200 OK / REGISTER messages, plus heap bytes per parsed message.
 *
 * Build and run:  cd backend && npx tsc -p tsconfig.build.json && npm run bench:sip
 * Options (env): BENCH_ROUNDS (default 7), BENCH_ITER (messages per round, default 100000).
 * Rates are medians over the rounds (best round in brackets). "per CPU-second" divides by the
 * process's user+system CPU time (process.cpuUsage), so it stays meaningful on a shared machine;
 * "wall" is elapsed time. Load from other processes still slows the CPU itself (shared cores,
 * caches), so compare runs made under similar load (see `uptime`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type SipMessage, isRequest, parseMessage, serialize, generateBranch } from '../message/index.js';

const CRLF = '\r\n';

const SDP =
  'v=0\r\n' +
  'o=alice 2890844526 2890844526 IN IP4 198.51.100.10\r\n' +
  's=-\r\n' +
  'c=IN IP4 198.51.100.10\r\n' +
  't=0 0\r\n' +
  'm=audio 49170 RTP/AVP 0 8 101\r\n' +
  'a=rtpmap:0 PCMU/8000\r\n' +
  'a=rtpmap:8 PCMA/8000\r\n' +
  'a=rtpmap:101 telephone-event/8000\r\n' +
  'a=fmtp:101 0-16\r\n' +
  'a=ptime:20\r\n' +
  'a=sendrecv\r\n';

function msg(lines: string[], body = ''): Buffer {
  return Buffer.from(lines.join(CRLF) + CRLF + 'Content-Length: ' + Buffer.byteLength(body) + CRLF + CRLF + body, 'utf8');
}

const INVITE = msg(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK74bf9a1c2d;rport',
    'Max-Forwards: 70',
    'Route: <sip:edge.example.com;lr>',
    'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    'To: <sip:bob@biloxi.example.com>',
    'Call-ID: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@198.51.100.10:5060;transport=udp>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY',
    'Supported: replaces, timer, 100rel',
    'User-Agent: ExamplePhone/4.2',
    'Content-Type: application/sdp',
  ],
  SDP,
);

const OK200 = msg(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP edge.example.com:5060;branch=z9hG4bKnashds7;received=203.0.113.5',
    'Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK74bf9a1c2d;rport=5060;received=198.51.100.10',
    'Record-Route: <sip:edge.example.com;lr>',
    'From: "Alice" <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    'To: <sip:bob@biloxi.example.com>;tag=314159',
    'Call-ID: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 INVITE',
    'Contact: <sip:bob@192.0.2.4:5060>',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS',
    'Supported: replaces, timer',
    'Content-Type: application/sdp',
  ],
  SDP.replace(/198\.51\.100\.10/g, '192.0.2.4'),
);

const REGISTER = msg([
  'REGISTER sip:registrar.example.com SIP/2.0',
  'Via: SIP/2.0/TCP 198.51.100.10:50312;branch=z9hG4bKnashds7;rport;alias',
  'Max-Forwards: 70',
  'From: <sip:alice@example.com>;tag=a73kszlfl',
  'To: <sip:alice@example.com>',
  'Call-ID: 1j9FpLxk3uxtm8tn@198.51.100.10',
  'CSeq: 2 REGISTER',
  'Contact: <sip:alice@198.51.100.10:50312;transport=tcp;ob>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";expires=3600',
  'Authorization: Digest username="alice", realm="example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", uri="sip:registrar.example.com", response="dfe56131d1958046689d83306477ecc", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b"',
  'Supported: path, outbound, gruu',
  'User-Agent: ExamplePhone/4.2',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS',
]);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ITER = Number(process.env.BENCH_ITER ?? 100_000);

let sink = 0;

function must(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error('bench message does not parse: ' + r.error.reason);
  return r.message;
}

type Op = (buf: Buffer, pre: SipMessage) => void;

const OPS: ReadonlyArray<readonly [string, Op]> = [
  [
    'parse',
    (b) => {
      const r = parseMessage(b);
      if (r.ok) sink += r.message.headers.size;
    },
  ],
  [
    'serialize (unmodified)',
    (_b, m) => {
      sink += serialize(m).length;
    },
  ],
  [
    'parse+serialize',
    (b) => {
      const r = parseMessage(b);
      if (r.ok) sink += serialize(r.message).length;
    },
  ],
  [
    'parse+route-access',
    (b) => {
      const r = parseMessage(b);
      if (!r.ok) return;
      const m = r.message;
      const v = m.topVia();
      const mf = m.maxForwards();
      const rt = m.routes();
      sink += (v?.branch?.length ?? 0) + (mf ?? 0) + rt.length + m.callId.length + m.cseq().seq;
    },
  ],
  [
    'parse+proxy-forward+serialize',
    (b) => {
      // RFC 3261 §16.6 shape: read the routing headers, then for requests decrement Max-Forwards,
      // pop our Route, add Record-Route and our Via; for responses pop the top Via (§16.7).
      const r = parseMessage(b);
      if (!r.ok) return;
      const m = r.message;
      const v = m.topVia();
      sink += m.callId.length + m.cseq().seq + (v?.branch?.length ?? 0);
      if (isRequest(m)) {
        const mf = m.maxForwards() ?? 70;
        if (m.routes().length > 0) m.headers.removeFirstValue('route');
        m.headers.set('Max-Forwards', String(mf - 1));
        if (m.method === 'INVITE') m.headers.prepend('Record-Route', '<sip:edge.example.com;lr>');
        m.headers.prepend('Via', 'SIP/2.0/UDP edge.example.com:5060;branch=' + generateBranch());
      } else {
        m.headers.removeFirstValue('via');
      }
      sink += serialize(m).length;
    },
  ],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bench(name: string, buf: Buffer): void {
  const pre = must(buf);
  console.log(`\n${name} (${buf.length} bytes)`);
  for (const [opName, op] of OPS) {
    for (let i = 0; i < Math.min(ITER, 20_000); i++) op(buf, pre); // warm-up
    const cpuRates: number[] = [];
    const wallRates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < ITER; i++) op(buf, pre);
      const ns = Number(process.hrtime.bigint() - t0);
      const c = process.cpuUsage(c0);
      wallRates.push((ITER * 1e9) / ns);
      cpuRates.push((ITER * 1e6) / Math.max(1, c.user + c.system));
    }
    const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(11);
    console.log(
      `  ${opName.padEnd(30)} ${fmt(median(cpuRates))} msg/s per CPU-second (best ${fmt(Math.max(...cpuRates)).trim()})  ${fmt(median(wallRates))} msg/s wall`,
    );
  }
}

function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  try {
    setFlagsFromString('--expose-gc');
    const f: unknown = runInNewContext('gc');
    return typeof f === 'function' ? (f as () => void) : null;
  } catch {
    return null;
  }
}

function heapPerMessage(name: string, buf: Buffer, gc: () => void, access: boolean): number {
  const N = 20_000;
  // Each message gets its own buffer copy, as from a socket, so the retained size includes the bytes.
  const bufs: Buffer[] = [];
  for (let i = 0; i < N; i++) bufs.push(Buffer.from(buf));
  const keep: SipMessage[] = [];
  gc();
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < N; i++) {
    const r = parseMessage(bufs[i]);
    if (r.ok) {
      if (access) {
        r.message.topVia();
        r.message.routes();
        r.message.maxForwards();
      }
      keep.push(r.message);
    }
  }
  gc();
  gc();
  const after = process.memoryUsage();
  sink += keep.length;
  const heap = (after.heapUsed - before.heapUsed) / N;
  const ext = (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / N;
  console.log(
    `  ${name.padEnd(32)} ${Math.round(heap).toString().padStart(6)} heap bytes/msg  (+${Math.round(ext)} external; message is ${buf.length} bytes)`,
  );
  return heap;
}

function main(): void {
  console.log(`SIP message benchmark: node ${process.version}, ${ROUNDS} rounds x ${ITER.toLocaleString('en-US')} messages, median per op`);
  bench('INVITE', INVITE);
  bench('200 OK (INVITE)', OK200);
  bench('REGISTER', REGISTER);
  const gc = getGc();
  console.log('\nRetained heap per parsed message (20,000 retained, heapUsed delta after GC; buffers are external)');
  if (gc === null) {
    console.log('  (gc unavailable; run with node --expose-gc)');
  } else {
    heapPerMessage('INVITE parsed', INVITE, gc, false);
    heapPerMessage('INVITE parsed + route views', INVITE, gc, true);
    heapPerMessage('200 OK parsed', OK200, gc, false);
    heapPerMessage('REGISTER parsed', REGISTER, gc, false);
  }
  if (sink === 42) console.log('');
}

main();
