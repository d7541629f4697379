import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TORTURE, torture } from '../../../test/fixtures/rfc4475.js';
import {
  HeaderField,
  Headers,
  type SipMessage,
  type SipParseErrorCode,
  SipRequest,
  SipResponse,
  StreamFramer,
  type FramerEvent,
  isRequest,
  parseMessage,
  serialize,
  validateMessage,
} from './index.js';

/** SHA-256 of the RFC 4475 Appendix A.1 archive members (proves the fixtures are byte-exact). */
const ARCHIVE_SHA256: Record<string, string> = {
  wsinv: 'd6f6cdee99cd0a1f8e3d9a0fdd67c877700e19ab86d8186dada06f61260e3e61',
  intmeth: 'b957a8292c1c0a9851fe94705b90f94320738f43aacde64998e401f742ef688d',
  esc01: 'be3a316d4ce5f69cad474646191e390dd4b50fc8371e44b5197fe1237781973e',
  escnull: '263fe2ecd12a5ccbb6c67b3174e9211d11da9b600e7d69666a86d2ee42873e90',
  esc02: '9a9c59449f00327b02071feafc8e5c2a261c98c818044167894cc17809a12199',
  lwsdisp: 'd1b36b6316c12824f6f04bf6b1fd1f021cade9b74871693b9c3474cd9fa7f4e6',
  longreq: '185739292bc676760e5b1cca77c87705aa570240171c506ad76f8c35af0ecdaa',
  dblreq: 'a6be48426565c2a705389c4ce2ea17e57b891cb13f80490a2cb9392c797b46ef',
  semiuri: '87bbaed6b4b354dbd3c5c7a20e66686303c63e43a0aa19b89de1ac75231611a2',
  transports: '33b4553a3b9418121b099ff07882535151edd6a1e81898c63a916aad2cbf90bc',
  mpart01: '92147c8e24997bac59629e1b163767697d0d6d499af87f89e325d69968bec3ba',
  unreason: '4f939d6ebf4817eea70f011d3209e83732872ffc20ffd304b244084dc392f4d7',
  noreason: '07e11e470a69fffa3674de805e5165d1351a9439a91045ee70c9570ea24ab4fe',
};

/**
 * Expected outcome per message.
 * - `valid`: parses, validateMessage() (proxy defaults) passes, round-trips.
 * - `refuse`: parseMessage fails with `code`/`status`; `canRespond` as given.
 * - `validate`: parses (a proxy may forward it), but validateMessage(opts) refuses with `code`/`status`.
 */
type Expect =
  | { kind: 'valid' }
  | { kind: 'refuse'; code: SipParseErrorCode; status: number; canRespond: boolean }
  | { kind: 'validate'; code: SipParseErrorCode; status: number; uas?: boolean };

const V: Expect = { kind: 'valid' };
const R = (code: SipParseErrorCode, status = 400, canRespond = true): Expect => ({ kind: 'refuse', code, status, canRespond });

const EXPECT: Record<string, Expect> = {
  // 3.1.1: all valid
  wsinv: V,
  intmeth: V,
  esc01: V,
  escnull: V,
  esc02: V,
  lwsdisp: V,
  longreq: V,
  dblreq: V,
  semiuri: V,
  transports: V,
  mpart01: V,
  unreason: V,
  noreason: V,
  // 3.1.2: invalid
  badinv01: R('BAD_VIA'),
  clerr: R('BODY_TRUNCATED'),
  ncl: R('BAD_CONTENT_LENGTH'),
  scalar02: R('BAD_CSEQ'),
  scalarlg: R('BAD_CSEQ', 400, false), // a response: discarded, never answered
  quotbal: R('BAD_TO'),
  ltgtruri: R('BAD_REQUEST_URI'),
  lwsruri: R('BAD_START_LINE'),
  lwsstart: R('BAD_START_LINE'),
  trws: R('BAD_START_LINE'),
  escruri: R('BAD_REQUEST_URI'),
  // The Date header is not interpreted by a proxy: it forwards; a UAS-style check refuses it.
  baddate: { kind: 'validate', code: 'BAD_HEADER_VALUE', status: 400, uas: true },
  // Contact is parsed on demand: a proxy forwards, validateMessage (registrar/edge) refuses.
  regbadct: { kind: 'validate', code: 'BAD_HEADER_VALUE', status: 400 },
  badaspec: R('BAD_TO'),
  baddn: R('BAD_FROM'),
  badvers: R('VERSION_NOT_SUPPORTED', 505),
  mismatch01: R('CSEQ_METHOD_MISMATCH'),
  mismatch02: R('CSEQ_METHOD_MISMATCH'), // RFC allows 501 or 400
  bigcode: R('BAD_STATUS_CODE', 400, false),
  // 3.2
  badbranch: V,
  // 3.3
  insuf: R('MISSING_HEADER', 400, false), // no From/To/Call-ID: nothing to build a response from
  unkscm: { kind: 'validate', code: 'UNSUPPORTED_URI_SCHEME', status: 416 },
  novelsc: { kind: 'validate', code: 'UNSUPPORTED_URI_SCHEME', status: 416 },
  unksm2: V,
  bext01: V,
  invut: V,
  regaut01: V,
  multi01: R('MULTIPLE_VALUES'),
  mcl01: R('MULTIPLE_VALUES'),
  bcast: V,
  zeromf: V,
  cparam01: V,
  cparam02: V,
  regescrt: V,
  sdp01: V,
  // 3.4
  inv2543: V,
};

function ok(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(`parse failed: ${r.error.code} ${r.error.reason}`);
  return r.message;
}

function req(buf: Buffer): SipRequest {
  const m = ok(buf);
  if (!isRequest(m)) throw new Error('not a request');
  return m;
}

/** Everything a consumer can observe, as plain data, for round-trip comparison. */
function semantics(m: SipMessage): unknown {
  const safe = <T>(f: () => T): T | string => {
    try {
      return f();
    } catch (e) {
      return 'ERR:' + (e as Error).message;
    }
  };
  const na = (n: { displayName: string | undefined; uri: { toString(): string }; params: Map<string, string | null> }) => ({
    d: n.displayName,
    u: n.uri.toString(),
    p: [...n.params],
  });
  return {
    start: m instanceof SipRequest ? [m.method, m.requestUri] : [m.status, m.reason],
    // Content-Length is recomputed by serialize() (and added when absent), so compare the body instead.
    headers: [...m.headers].filter((f) => f.key !== 'content-length').map((f) => [f.key, f.value]),
    body: m.body.toString('hex'),
    vias: safe(() => m.vias().map((v) => [v.toString(), v.branch, v.rport])),
    from: safe(() => na(m.from())),
    to: safe(() => na(m.to())),
    cseq: safe(() => m.cseq()),
    callId: m.callId,
    mf: m.maxForwards(),
    routes: safe(() => m.routes().map(na)),
    rr: safe(() => m.recordRoutes().map(na)),
    contacts: safe(() => m.contacts().map(na)),
    star: m.contactWildcard(),
    req: m.require(),
    preq: m.proxyRequire(),
    sup: m.supported(),
    uri: m instanceof SipRequest ? m.uri()?.toString() : null,
  };
}

/** Same message with every header rebuilt as `Name: value` (unfolded), forcing the slow serializer. */
function rebuilt(m: SipMessage): SipMessage {
  const h = new Headers([...m.headers].map((f) => HeaderField.of(f.name, f.value)));
  return m instanceof SipRequest ? new SipRequest(m.method, m.requestUri, h, m.body) : new SipResponse(m.status, m.reason, h, m.body);
}

describe('RFC 4475 fixtures', () => {
  it('has all 49 messages', () => {
    expect(TORTURE.length).toBe(49);
    expect(new Set(TORTURE.map((t) => t.name)).size).toBe(49);
    for (const t of TORTURE) expect(EXPECT[t.name], t.name).toBeDefined();
  });
  for (const [name, sha] of Object.entries(ARCHIVE_SHA256)) {
    it(`${name} is byte-exact (archive SHA-256)`, () => {
      expect(createHash('sha256').update(torture(name)).digest('hex')).toBe(sha);
    });
  }
});

describe('RFC 4475 outcomes', () => {
  for (const t of TORTURE) {
    const e = EXPECT[t.name];
    it(`${t.section} ${t.name}: ${e.kind === 'valid' ? 'accepted and round-trips' : e.kind === 'refuse' ? 'refused with ' + e.code : 'forwardable, validate refuses with ' + e.code}`, () => {
      const r = parseMessage(t.bytes);
      if (e.kind === 'refuse') {
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.error.code).toBe(e.code);
        expect(r.error.status).toBe(e.status);
        expect(r.error.canRespond).toBe(e.canRespond);
        expect(r.error.reason).toMatch(/^[\x20-\x7e]+$/); // usable as a Reason-Phrase
        if (e.canRespond) expect(r.error.partial).toBeInstanceOf(SipRequest);
        return;
      }
      expect(r.ok, r.ok ? '' : r.error.code + ' ' + r.error.reason).toBe(true);
      if (!r.ok) return;
      const m = r.message;
      const v = validateMessage(m, e.kind === 'validate' && e.uas === true ? { uas: true } : undefined);
      if (e.kind === 'validate') {
        expect(validateMessage(m)?.code === e.code || e.uas === true).toBe(true);
        expect(v?.code).toBe(e.code);
        expect(v?.status).toBe(e.status);
        return;
      }
      expect(v, v?.reason).toBeNull();
      // Round trip: unmodified (byte copy), forced re-serialization, and fully rebuilt headers.
      const sem = semantics(m);
      const out1 = serialize(m);
      expect(semantics(ok(out1))).toEqual(sem);
      m.headers.append('X-Touch', '1');
      m.headers.remove('X-Touch');
      const out2 = serialize(m);
      expect(semantics(ok(out2))).toEqual(sem);
      const out3 = serialize(rebuilt(m));
      expect(semantics(ok(out3))).toEqual(sem);
      // serialize() always writes a correct Content-Length, so the output frames on a stream too.
      const f = new StreamFramer();
      const ev = f.push(out3);
      expect(ev.filter((x) => x.type === 'message').length).toBe(1);
    });
  }
});

describe('RFC 4475 semantic details', () => {
  it('3.1.1.1 wsinv: folding, escapes, compact forms, leading zeros', () => {
    const m = req(torture('wsinv'));
    expect(m.uri()?.params.get('unknownparam')).toBeNull();
    expect(m.to().tag).toBe('1918181833n');
    expect(m.to().uri.toString()).toBe('sip:vivekg@chair-dnrc.example.com');
    expect(m.from().tag).toBe('98asjd8');
    expect(m.from().displayName).toBe('J Rosenberg \\"');
    expect(m.maxForwards()).toBe(68);
    expect(m.cseq()).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.vias().map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    expect(m.headers.get('subject')).toBe('');
    expect(m.headers.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.headers.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    const r = m.routes();
    expect(r.length).toBe(1);
    expect([...r[0].uri.params]).toEqual([
      ['lr', null],
      ['unknownwith', 'value'],
      ['unknown-no-value', null],
    ]);
    const c = m.contacts();
    expect(c.length).toBe(1);
    expect(c[0].displayName).toBe('Quoted string ""');
    expect([...c[0].params]).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
    expect(m.body.length).toBe(150);
  });

  it('3.1.1.2 intmeth: every token character, binary in quoted strings, UTF-8 values', () => {
    const m = req(torture('intmeth'));
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const u = m.uri();
    expect(u?.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(u?.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(u?.host).toBe('example.com');
    expect(m.topVia()?.branch).toBe("z9hG4bK-.!%66*_+`'~");
    expect(m.to().displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7F');
    expect(m.from().displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(m.from().params.get("fromparam''~+*_!.-%")).toBe('"работающий"');
    expect(m.from().tag).toBe("_token~1'+`*%!-.");
    expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(m.cseq().seq).toBe(139122385);
    expect(m.maxForwards()).toBe(255);
    expect(m.headers.get("extensionHeader-!.%*+_`'~")).toBe('\uFEFF大停電');
  });

  it('3.1.1.3 esc01 / 3.1.1.4 escnull: escapes kept as received', () => {
    const m = req(torture('esc01'));
    expect(m.uri()?.user).toBe('sips%3Auser%40example.com');
    expect(m.to().uri.user).toBe('%75se%72');
    const c = m.contacts()[0].uri;
    expect(c.user).toBe('cal%6Cer');
    expect(c.params.get('n%61me')).toBe('v%61lue%25%34%31');
    const n = req(torture('escnull'));
    expect(n.contacts().map((x) => x.uri.user)).toEqual(['%00', '%00%00']);
  });

  it('3.1.1.5 esc02: % in method and header name is just a token char', () => {
    const m = req(torture('esc02'));
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.contacts().map((c) => c.uri.host)).toEqual(['host1.example.com', 'host3.example.com']);
    expect(m.headers.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
    expect(m.to().displayName).toBe('%Z%45');
  });

  it('3.1.1.6 lwsdisp, 3.1.1.7 longreq', () => {
    expect(req(torture('lwsdisp')).from().displayName).toBe('caller');
    const m = req(torture('longreq'));
    expect(m.vias().length).toBe(34);
    expect(m.vias()[33].received).toBe('192.0.2.5');
    expect(m.to().uri.port).toBe(6000);
    expect(m.from().tag).toBe('12' + '982'.repeat(50) + '424');
    expect(m.contacts()[0].uri.user).toBe('amazinglylongcallername'.repeat(5));
  });

  it('3.1.1.8 dblreq: octets after Content-Length are ignored on UDP', () => {
    const m = req(torture('dblreq'));
    expect(m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    const out = serialize(m).toString('latin1');
    expect(out).not.toContain('INVITE');
  });

  it('3.1.1.9 semiuri, 3.1.1.10 transports', () => {
    const m = req(torture('semiuri'));
    expect(m.uri()?.user).toBe('user;par=u%40example.net');
    expect(m.uri()?.host).toBe('example.com');
    expect(m.uri()?.params.size).toBe(0);
    expect(m.headers.getAll('accept').length).toBe(6);
    const t = req(torture('transports'));
    expect(t.vias().map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('3.1.1.11 mpart01: multipart body is opaque and byte-exact', () => {
    const buf = torture('mpart01');
    const m = ok(buf);
    expect(m.body.length).toBe(553);
    expect(m.body.equals(buf.subarray(buf.length - 553))).toBe(true);
    expect(serialize(m).equals(buf)).toBe(true);
  });

  it('3.1.1.12 unreason, 3.1.1.13 noreason', () => {
    const u = ok(torture('unreason')) as SipResponse;
    expect(u.status).toBe(200);
    expect(u.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    const n = ok(torture('noreason')) as SipResponse;
    expect(n.status).toBe(100);
    expect(n.reason).toBe('');
  });

  it('3.1.2: refused requests carry a partial request usable for the 400', () => {
    const r = parseMessage(torture('badinv01'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.partial?.callId).toBe('badinv01.0ha0isndaksdjasdf3234nas');
    expect(r.error.partial?.method).toBe('INVITE');
  });

  it('3.1.2.4 scalar02: Max-Forwards 300 alone would be treated as absent', () => {
    const m = req(Buffer.from(torture('scalar02').toString('latin1').replace('36893488147419103232', '1'), 'latin1'));
    expect(m.maxForwards()).toBeUndefined();
    expect(validateMessage(m)?.code).toBe('BAD_MAX_FORWARDS');
  });

  it('3.2.1 badbranch: branch of just the magic cookie is kept as is', () => {
    expect(req(torture('badbranch')).topVia()?.branch).toBe('z9hG4bK');
  });

  it('3.3.4 unksm2: unknown schemes in From/To/Contact are opaque URIs', () => {
    const m = req(torture('unksm2'));
    expect(m.to().uri.scheme).toBe('isbn');
    expect(m.from().uri.toString()).toBe('http://www.example.com');
    expect(m.contacts()[0].uri.opaque).toBe('John_Smith');
  });

  it('3.3.5 bext01: option tags', () => {
    const m = req(torture('bext01'));
    expect(m.require()).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(m.proxyRequire()).toEqual(['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
  });

  it('3.3.10 bcast, 3.3.11 zeromf', () => {
    expect(ok(torture('bcast')).vias()[1].host).toBe('255.255.255.255');
    expect(req(torture('zeromf')).maxForwards()).toBe(0);
  });

  it('3.3.12-14 cparam01/cparam02/regescrt: header vs URI parameters', () => {
    const c1 = req(torture('cparam01')).contacts()[0];
    expect(c1.params.has('unknownparam')).toBe(true);
    expect(c1.uri.params.size).toBe(0);
    const c2 = req(torture('cparam02')).contacts()[0];
    expect(c2.params.size).toBe(0);
    expect(c2.uri.params.has('unknownparam')).toBe(true);
    const c3 = req(torture('regescrt')).contacts()[0];
    expect(c3.uri.headers.get('Route')).toBe('%3Csip:sip.example.com%3E');
  });

  it('3.4.1 inv2543: RFC 2543 request without Max-Forwards, branch or Content-Length', () => {
    const m = req(torture('inv2543'));
    expect(m.maxForwards()).toBeUndefined();
    expect(m.topVia()?.branch).toBeUndefined();
    expect(m.to().tag).toBeUndefined();
    expect(m.recordRoutes()[0].uri.params.get('maddr')).toBe('ss1.example.com');
    expect(m.body.toString()).toContain('m=audio 49217 RTP/AVP 0');
  });
});

describe('RFC 4475 over a stream', () => {
  it('frames every valid message with a Content-Length, in any chunking', () => {
    const framed = TORTURE.filter((t) => EXPECT[t.name].kind !== 'refuse' && t.name !== 'inv2543' && t.name !== 'dblreq');
    const all = Buffer.concat(framed.map((t) => t.bytes));
    for (const size of [1, 3, 17, 64, 1500, all.length]) {
      const f = new StreamFramer();
      const ev: FramerEvent[] = [];
      for (let i = 0; i < all.length; i += size) ev.push(...f.push(all.subarray(i, i + size)));
      const msgs = ev.filter((e) => e.type === 'message');
      expect(msgs.length, 'chunk ' + size).toBe(framed.length);
      expect(ev.filter((e) => e.type === 'error').length).toBe(0);
    }
  });

  it('3.1.1.8 dblreq on a stream yields both requests (the CRLF between is a keep-alive)', () => {
    const f = new StreamFramer();
    const ev = f.push(torture('dblreq'));
    const msgs = ev.flatMap((e) => (e.type === 'message' ? [e.message] : []));
    expect(msgs.map((m) => (m instanceof SipRequest ? m.method : ''))).toEqual(['REGISTER', 'INVITE']);
  });

  it('3.1.2.2 clerr on a stream waits for more data instead of failing', () => {
    const f = new StreamFramer();
    expect(f.push(torture('clerr'))).toEqual([]);
    expect(f.buffered).toBeGreaterThan(0);
  });

  it('3.1.2.3 ncl on a stream is a fatal framing error with a 400-able partial', () => {
    const f = new StreamFramer();
    const ev = f.push(torture('ncl'));
    expect(ev.length).toBe(1);
    const e = ev[0];
    expect(e.type).toBe('error');
    if (e.type !== 'error') return;
    expect(e.error.fatal).toBe(true);
    expect(e.error.code).toBe('BAD_CONTENT_LENGTH');
    expect(e.error.canRespond).toBe(true);
    expect(f.closed).toBe(true);
  });
});
