import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TORTURE } from '../../../test/fixtures/rfc4475.js';
import {
  type FramerEvent,
  SipHeaderError,
  type SipMessage,
  StreamFramer,
  createResponse,
  isRequest,
  parseMessage,
  serialize,
  validateMessage,
} from './index.js';

/**
 * Property/fuzz tests: hostile input must never throw or stall the parser or the framer, and
 * framing of valid concatenated messages must not depend on how the stream is chunked.
 * Budget: a few seconds in CI (run counts below); per-input time is asserted.
 */

const INVITE = Buffer.from(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport',
    'Via: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKabc;received=2001:db8::2',
    'Max-Forwards: 70',
    'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
    'To: "Bob \\"B\\"" <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com>;expires=60, <tel:+15551234>',
    'Supported: path, outbound',
    'Proxy-Require: sec-agree',
    'Content-Type: application/sdp',
    'Content-Length: 20',
    '',
    'v=0\r\ns=-\r\nt=0 0\r\nm=x',
  ].join('\r\n'),
  'latin1',
);

const SEEDS: Buffer[] = [INVITE, ...TORTURE.map((t) => t.bytes)];
/** Messages that frame on a stream (valid, with Content-Length). */
const FRAMEABLE: Buffer[] = [
  INVITE,
  ...TORTURE.filter((t) =>
    [
      'wsinv',
      'esc01',
      'escnull',
      'esc02',
      'lwsdisp',
      'longreq',
      'semiuri',
      'transports',
      'mpart01',
      'unreason',
      'noreason',
      'intmeth',
      'badbranch',
      'zeromf',
      'bext01',
      'regescrt',
    ].includes(t.name),
  ).map((t) => t.bytes),
];

const INTERESTING = [
  0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x3c, 0x3e, 0x5c, 0x25, 0x00, 0x40, 0x3d, 0x2f, 0x5b, 0x5d, 0xff, 0xc3, 0x80,
];

type Mutation =
  | { k: 'flip'; at: number; byte: number }
  | { k: 'insert'; at: number; bytes: number[] }
  | { k: 'delete'; at: number; len: number }
  | { k: 'dup'; at: number; len: number; to: number }
  | { k: 'truncate'; at: number };

const byteArb = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constant('flip' as const), at: fc.nat(), byte: byteArb }),
  fc.record({ k: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }) }),
  fc.record({ k: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ k: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }), to: fc.nat() }),
  fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(seed: Buffer, muts: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of muts) {
    const n = b.length;
    if (n === 0) break;
    const at = m.at % n;
    switch (m.k) {
      case 'flip':
        b[at] = m.byte;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(n, at + m.len))]);
        break;
      case 'dup': {
        const piece = b.subarray(at, Math.min(n, at + m.len));
        const to = m.to % n;
        b = Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

/** Touch every view; only SipHeaderError may escape a view (documented), nothing else. */
function exercise(m: SipMessage): void {
  const views: Array<() => unknown> = [
    () => m.vias(),
    () => m.topVia(),
    () => m.from().tag,
    () => m.to().tag,
    () => m.cseq(),
    () => m.routes(),
    () => m.recordRoutes(),
    () => m.contacts(),
    () => m.paths(),
    () => m.maxForwards(),
    () => m.supported(),
    () => m.require(),
    () => m.proxyRequire(),
    () => m.callId,
    () => m.contentLength,
    () => (isRequest(m) ? m.uri()?.params : null),
  ];
  for (const v of views) {
    try {
      v();
    } catch (e) {
      if (!(e instanceof SipHeaderError)) throw e;
    }
  }
  validateMessage(m);
  validateMessage(m, { uas: true });
  if (isRequest(m)) serialize(createResponse(m, 400, 'Bad Request', 'x'));
}

// Generous: a loaded CI host can stall a few ms on GC or scheduling; complexity blow-ups cost far more.
const SLOW_MS = 250;
/** Vitest timeout per property: normal runs take a few seconds; leave room for a saturated CI host. */
const PROPERTY_TIMEOUT_MS = 60_000;

/** Best-of-3 wall time of fn in ms (a complexity blow-up is slow every time; scheduling noise is not). */
function bestTime(fn: () => void): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best >= SLOW_MS; attempt++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Parse, asserting it is fast; a slow run is retried so a descheduled process is not a failure. */
function timedParse(b: Buffer): ReturnType<typeof parseMessage> {
  let best = Infinity;
  let r = parseMessage(b);
  for (let attempt = 0; attempt < 3; attempt++) {
    const t0 = performance.now();
    r = parseMessage(b);
    best = Math.min(best, performance.now() - t0);
    if (best < SLOW_MS) break;
  }
  expect(best).toBeLessThan(SLOW_MS);
  return r;
}

function checkParse(b: Buffer): void {
  const r = timedParse(b);
  if (!r.ok) {
    expect(typeof r.error.code).toBe('string');
    expect(r.error.reason.length).toBeGreaterThan(0);
    if (r.error.partial !== undefined) serialize(createResponse(r.error.partial, r.error.status, r.error.reason));
    return;
  }
  exercise(r.message);
  // Whatever parsed must serialize to something that parses again to the same headers and body.
  const out = serialize(r.message);
  const r2 = timedParse(out);
  expect(r2.ok).toBe(true);
  if (!r2.ok) return;
  const vals = (m: SipMessage): string[][] => [...m.headers].filter((f) => f.key !== 'content-length').map((f) => [f.key, f.value]);
  expect(vals(r2.message)).toEqual(vals(r.message));
  expect(r2.message.body.equals(r.message.body)).toBe(true);
}

function frame(chunks: Buffer[], limits?: { maxMessageBytes: number }): FramerEvent[] {
  const f = new StreamFramer(limits);
  const out: FramerEvent[] = [];
  for (const c of chunks) {
    out.push(...f.push(c));
    expect(f.buffered).toBeLessThanOrEqual((limits?.maxMessageBytes ?? 65535) + c.length);
  }
  return out;
}

function chunksOf(b: Buffer, cuts: number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of pts) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  out.push(b.subarray(prev));
  return out;
}

describe('fuzz: parseMessage', () => {
  it(
    'never throws on random bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (a) => {
          checkParse(Buffer.from(a));
        }),
        { numRuns: 1500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never throws on SIP-alphabet noise',
    () => {
      const alpha = 'INVITE SIP/2.0 sip:a@b;:,<>"\\\r\n\t Via:From:To:Call-ID:CSeq:l:v:f:t:i:m:Content-Length: 0123456789%[]=?&'.split('');
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...alpha), { maxLength: 600 }), (cs) => {
          checkParse(Buffer.from(cs.join(''), 'latin1'));
        }),
        { numRuns: 1500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never throws on mutated torture messages and a typical INVITE',
    () => {
      fc.assert(
        fc.property(fc.nat({ max: SEEDS.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), (i, muts) => {
          checkParse(mutate(SEEDS[i], muts));
        }),
        { numRuns: 4000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'stays fast on pathological shapes',
    () => {
      const head =
        'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n';
      const cases = [
        head + 'X: a\r\n'.repeat(5000) + '\r\n', // too many headers
        head + 'X: ' + 'a'.repeat(60000) + '\r\n\r\n', // one long line
        head + 'X: a\r\n' + ' b\r\n'.repeat(10000) + '\r\n', // endless folding
        head + 'Route: ' + '<sip:a;lr>,'.repeat(4000) + '<sip:b>\r\n\r\n',
        head + 'Contact: ' + '"'.repeat(30000) + '\r\n\r\n',
        head + 'Via: ' + 'SIP/2.0/UDP h,'.repeat(3000) + '\r\n\r\n',
        head.replace('To: <sip:b@b>', 'To: ' + '<'.repeat(30000)) + '\r\n',
        head + 'x\r\n'.repeat(10000) + ' '.repeat(15000) + ':\r\n\r\n', // colon-less lines, far colon
        head + 'X' + ' '.repeat(15000) + ':\r\n'.repeat(3) + '\r\n',
        '\r\n'.repeat(30000),
        'INVITE ' + 'x'.repeat(60000),
      ];
      for (const c of cases) {
        const b = Buffer.from(c, 'latin1');
        const dt = bestTime(() => {
          const r = parseMessage(b);
          if (r.ok) exercise(r.message);
        });
        expect(dt).toBeLessThan(SLOW_MS);
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('fuzz: StreamFramer', () => {
  it(
    'frames concatenated valid messages identically under any chunking',
    () => {
      const expected = new Map<string, string[]>();
      fc.assert(
        fc.property(
          fc.array(fc.nat({ max: FRAMEABLE.length - 1 }), { minLength: 1, maxLength: 6 }),
          fc.array(fc.constantFrom('', '\r\n', '\r\n\r\n'), { minLength: 6, maxLength: 6 }),
          fc.array(fc.nat(), { maxLength: 40 }),
          (idx, gaps, cuts) => {
            const stream = Buffer.concat(idx.flatMap((i, k) => [Buffer.from(gaps[k], 'latin1'), FRAMEABLE[i]]));
            const key = stream.toString('latin1');
            let want = expected.get(key);
            if (want === undefined) {
              want = frame([stream])
                .filter((e) => e.type === 'message')
                .map((e) => (e.type === 'message' ? serialize(e.message).toString('latin1') : ''));
              expected.set(key, want);
              expect(want.length).toBe(idx.length);
            }
            const ev = frame(chunksOf(stream, cuts));
            expect(ev.filter((e) => e.type === 'error')).toEqual([]);
            const got = ev
              .filter((e) => e.type === 'message')
              .map((e) => (e.type === 'message' ? serialize(e.message).toString('latin1') : ''));
            expect(got).toEqual(want);
            // Pings (CRLFCRLF) are recognised whatever the chunking.
            const pings = gaps.slice(0, idx.length).filter((g) => g === '\r\n\r\n').length;
            expect(ev.filter((e) => e.type === 'keepalive' && e.pong).length).toBe(pings);
          },
        ),
        { numRuns: 600 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never throws or over-buffers on garbage and mutated streams',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.nat({ max: SEEDS.length - 1 }), { minLength: 1, maxLength: 4 }),
          fc.array(mutationArb, { maxLength: 6 }),
          fc.array(fc.nat(), { maxLength: 20 }),
          (idx, muts, cuts) => {
            const stream = mutate(Buffer.concat(idx.map((i) => SEEDS[i])), muts);
            const chunks = chunksOf(stream, cuts);
            let ev: FramerEvent[] = [];
            expect(bestTime(() => (ev = frame(chunks, { maxMessageBytes: 4096 })))).toBeLessThan(SLOW_MS);
            for (const e of ev) {
              if (e.type === 'message') exercise(e.message);
            }
            const fatal = ev.findIndex((e) => e.type === 'error' && e.error.fatal === true);
            if (fatal !== -1) expect(fatal).toBe(ev.length - 1);
          },
        ),
        { numRuns: 1500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'bounds memory on a slow byte-at-a-time header without end',
    () => {
      let f = new StreamFramer({ maxMessageBytes: 2000 });
      let fatal = false;
      const dt = bestTime(() => {
        f = new StreamFramer({ maxMessageBytes: 2000 });
        fatal = false;
        for (let i = 0; i < 3000 && !fatal; i++) {
          for (const e of f.push(Buffer.from('a'))) if (e.type === 'error' && e.error.fatal === true) fatal = true;
        }
      });
      expect(fatal).toBe(true);
      expect(f.closed).toBe(true);
      expect(dt).toBeLessThan(SLOW_MS * 2);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
