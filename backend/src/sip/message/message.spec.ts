import { describe, expect, it } from 'vitest';
import {
  type FramerEvent,
  HeaderField,
  Headers,
  SipHeaderError,
  SipRequest,
  SipResponse,
  StreamFramer,
  createResponse,
  generateBranch,
  isRequest,
  isResponse,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  serialize,
  splitList,
  validateMessage,
} from './index.js';

const INVITE_TEXT =
  'INVITE sip:bob@biloxi.example.com SIP/2.0\r\n' +
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport\r\n' +
  'Max-Forwards: 70\r\n' +
  'To: Bob <sip:bob@biloxi.example.com>\r\n' +
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n' +
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n' +
  'CSeq: 314159 INVITE\r\n' +
  'Contact: <sip:alice@pc33.atlanta.example.com>\r\n' +
  'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n' +
  'Content-Type: application/sdp\r\n' +
  'Content-Length: 4\r\n\r\nv=0\n';
const INVITE = Buffer.from(INVITE_TEXT, 'latin1');

function parseReq(text: string | Buffer): SipRequest {
  const r = parseMessage(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  if (!r.ok) throw new Error(r.error.code + ': ' + r.error.reason);
  if (!isRequest(r.message)) throw new Error('not a request');
  return r.message;
}

function parseErr(text: string) {
  const r = parseMessage(Buffer.from(text, 'latin1'));
  if (r.ok) throw new Error('unexpectedly parsed');
  return r.error;
}

const MIN = (extra = '', start = 'OPTIONS sip:a@example.com SIP/2.0') =>
  `${start}\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n${extra}Content-Length: 0\r\n\r\n`;

describe('parse and serialize a typical INVITE', () => {
  it('exposes the proxy-relevant views', () => {
    const m = parseReq(INVITE);
    expect(isRequest(m) && !isResponse(m)).toBe(true);
    expect(m.method).toBe('INVITE');
    expect(m.uri()?.host).toBe('biloxi.example.com');
    expect(m.topVia()?.branch).toBe('z9hG4bK776asdhds');
    expect(m.topVia()?.rport).toBe(true);
    expect(m.from().tag).toBe('1928301774');
    expect(m.from().displayName).toBe('Alice');
    expect(m.to().tag).toBeUndefined();
    expect(m.cseq()).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.maxForwards()).toBe(70);
    expect(m.routes().map((r) => r.uri.host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(m.contentLength).toBe(4);
    expect(m.body.toString()).toBe('v=0\n');
  });

  it('serializes an unmodified message byte for byte', () => {
    expect(serialize(parseReq(INVITE)).equals(INVITE)).toBe(true);
  });

  it('forwards like a proxy: pop Route, decrement Max-Forwards, add Via and Record-Route', () => {
    const m = parseReq(INVITE);
    expect(m.headers.removeFirstValue('route')).toBe('<sip:p1.example.com;lr>');
    m.headers.set('Max-Forwards', String((m.maxForwards() ?? 70) - 1));
    const branch = generateBranch();
    m.headers.prepend('Via', 'SIP/2.0/UDP proxy.example.com;branch=' + branch);
    m.headers.prepend('Record-Route', '<sip:proxy.example.com;lr>');
    expect(m.topVia()?.host).toBe('proxy.example.com'); // caches invalidated by the change
    const out = serialize(m).toString('latin1');
    expect(out).toContain('\r\nMax-Forwards: 69\r\n');
    expect(out).toContain('\r\nRoute: <sip:p2.example.com;lr>\r\n');
    // unchanged fields are copied as received
    expect(out).toContain('\r\nFrom: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n');
    const again = parseReq(out);
    expect(again.vias().map((v) => v.host)).toEqual(['proxy.example.com', 'pc33.atlanta.example.com']);
    expect(again.vias()[0].branch).toBe(branch);
    expect(again.recordRoutes()[0].uri.params.has('lr')).toBe(true);
  });

  it('recomputes Content-Length from the body', () => {
    const m = parseReq(INVITE);
    m.body = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    const again = parseReq(serialize(m));
    expect(again.body.toString()).toBe('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    expect(again.headers.getAll('content-length')).toEqual([String(m.body.length)]);
    const fresh = new SipRequest('OPTIONS', 'sip:x@example.com');
    fresh.headers.append('Via', 'SIP/2.0/UDP h;branch=' + generateBranch());
    expect(serialize(fresh).toString()).toBe(
      `OPTIONS sip:x@example.com SIP/2.0\r\nVia: ${fresh.headers.get('via')}\r\nContent-Length: 0\r\n\r\n`,
    );
  });

  it('notices a replaced Headers object (views and serialization)', () => {
    const m = parseReq(INVITE);
    expect(m.topVia()?.branch).toBe('z9hG4bK776asdhds');
    m.headers = new Headers([HeaderField.of('Via', 'SIP/2.0/UDP other;branch=z9hG4bKother')]);
    expect(m.topVia()?.branch).toBe('z9hG4bKother');
    expect(serialize(m).toString('latin1')).toBe(
      'INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP other;branch=z9hG4bKother\r\nContent-Length: 4\r\n\r\nv=0\n',
    );
  });

  it('keeps start-line changes', () => {
    const m = parseReq(INVITE);
    m.requestUri = 'sip:bob@192.0.2.4:5070';
    expect(serialize(m).toString('latin1').startsWith('INVITE sip:bob@192.0.2.4:5070 SIP/2.0\r\n')).toBe(true);
    expect(m.uri()?.port).toBe(5070);
  });
});

describe('Headers', () => {
  it('maps compact and full names case-insensitively', () => {
    const m = parseReq(MIN('v: SIP/2.0/TCP second.example.com;branch=z9hG4bK2\r\ni: ignored-dup\r\n').replace('Call-ID: c1\r\n', ''));
    expect(m.headers.getAll('VIA').length).toBe(2);
    expect(m.headers.get('call-id')).toBe('ignored-dup');
    expect(m.callId).toBe('ignored-dup');
    const h = new Headers();
    h.append('f', '<sip:a@b>');
    expect(h.get('From')).toBe('<sip:a@b>');
    expect(h.has('FROM')).toBe(true);
  });

  it('splits comma lists only for list headers, respecting quotes and brackets', () => {
    const m = parseReq(
      MIN(
        'Contact: "Bell, Alexander" <sip:a@b;x=1>;q=0.5, <sip:c@d>\r\n' +
          'Supported: path,outbound\r\nSupported: gruu\r\n' +
          'WWW-Authenticate: Digest realm="a,b", nonce="x"\r\n' +
          'Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n',
      ),
    );
    expect(m.headers.getAll('contact')).toEqual(['"Bell, Alexander" <sip:a@b;x=1>;q=0.5', '<sip:c@d>']);
    expect(m.contacts().map((c) => c.displayName)).toEqual(['Bell, Alexander', undefined]);
    expect(m.supported()).toEqual(['path', 'outbound', 'gruu']);
    expect(m.headers.getAll('www-authenticate')).toEqual(['Digest realm="a,b", nonce="x"']);
    expect(m.headers.getAll('date')).toEqual(['Sat, 13 Nov 2010 23:29:00 GMT']);
    expect(splitList(' a , "b,c" ,, <d,e> ')).toEqual(['a', '"b,c"', '<d,e>']);
  });

  it('set / append / prepend / remove / removeFirstValue', () => {
    const h = new Headers([
      HeaderField.of('Via', 'SIP/2.0/UDP a'),
      HeaderField.of('To', '<sip:x@y>'),
      HeaderField.of('Via', 'SIP/2.0/UDP b, SIP/2.0/UDP c'),
    ]);
    h.prepend('Via', 'SIP/2.0/UDP top');
    expect(h.getAll('via')).toEqual(['SIP/2.0/UDP top', 'SIP/2.0/UDP a', 'SIP/2.0/UDP b', 'SIP/2.0/UDP c']);
    expect(h.removeFirstValue('via')).toBe('SIP/2.0/UDP top');
    expect(h.removeFirstValue('via')).toBe('SIP/2.0/UDP a');
    expect(h.removeFirstValue('via')).toBe('SIP/2.0/UDP b');
    expect(h.getAll('via')).toEqual(['SIP/2.0/UDP c']);
    h.set('Max-Forwards', '70');
    h.set('max-forwards', '69');
    expect(h.getAll('Max-Forwards')).toEqual(['69']);
    expect(h.remove('via')).toBe(1);
    expect(h.removeFirstValue('via')).toBeUndefined();
    const v = h.version;
    h.append('X-A', '1');
    expect(h.version).toBeGreaterThan(v);
    expect([...h].map((f) => f.name)).toEqual(['To', 'max-forwards', 'X-A']); // set() writes the name as given
    expect(h.getFields('x-a')[0].raw).toBe('X-A: 1');
    h.append('Date', 'Sat, 13 Nov 2010 23:29:00 GMT');
    expect(h.removeFirstValue('date')).toBe('Sat, 13 Nov 2010 23:29:00 GMT');
    expect(h.has('date')).toBe(false);
  });

  it('passes unknown and folded headers through unchanged', () => {
    const text = MIN('X-Odd :  a;;b\r\n  c  \r\nSubject:\r\n');
    const m = parseReq(text);
    expect(m.headers.get('x-odd')).toBe('a;;b c');
    m.headers.append('X-New', '1');
    const out = serialize(m).toString('latin1');
    expect(out).toContain('\r\nX-Odd :  a;;b\r\n  c  \r\nSubject:\r\n');
  });
});

describe('URIs and name-addr (RFC 3261 §19.1, §20.10)', () => {
  it('parses sip/sips with user, password, IPv6, port, params and headers', () => {
    const u = parseUri('sips:alice:secret@[2001:db8::10]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi&priority=urgent');
    expect(u).not.toBeNull();
    if (u === null) return;
    expect(u.scheme).toBe('sips');
    expect(u.user).toBe('alice');
    expect(u.password).toBe('secret');
    expect(u.host).toBe('[2001:db8::10]');
    expect(u.port).toBe(5061);
    expect([...u.params]).toEqual([
      ['transport', 'tcp'],
      ['lr', null],
      ['maddr', '239.255.255.1'],
    ]);
    expect([...u.headers]).toEqual([
      ['subject', 'hi'],
      ['priority', 'urgent'],
    ]);
    expect(u.toString()).toBe('sips:alice:secret@[2001:db8::10]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=hi&priority=urgent');
    u.params.set('lr', null);
    u.params.delete('maddr');
    expect(u.toString()).toBe('sips:alice:secret@[2001:db8::10]:5061;transport=tcp;lr?subject=hi&priority=urgent');
  });

  it('parses tel and unknown schemes, rejects garbage', () => {
    const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
    expect(t?.scheme).toBe('tel');
    expect(t?.user).toBe('+1-201-555-0123');
    expect(t?.params.get('phone-context')).toBe('example.com');
    expect(t?.toString()).toBe('tel:+1-201-555-0123;phone-context=example.com');
    expect(parseUri('urn:service:sos')?.opaque).toBe('service:sos');
    for (const bad of [
      '',
      'sip:',
      'sip:a@',
      'sip:a b@c',
      '<sip:a@b>',
      'sip:a@b:99999',
      'sip:a@[::1',
      'sip:a@b;',
      'sip:a@b?x',
      '1sip:a',
      'sip:@b',
    ]) {
      expect(parseUri(bad), bad).toBeNull();
    }
  });

  it('parses display names: quoted with escapes, tokens, none; addr-spec params belong to the header', () => {
    const a = parseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com>;tag=98asjd8');
    expect(a?.displayName).toBe('J Rosenberg \\"');
    expect(a?.tag).toBe('98asjd8');
    const b = parseNameAddr('Bob  Smith<sip:bob@example.com>');
    expect(b?.displayName).toBe('Bob  Smith');
    const c = parseNameAddr('sip:bob@example.com;tag=1;user=phone');
    expect(c?.uri.params.size).toBe(0);
    expect(c?.tag).toBe('1');
    expect(c?.params.get('user')).toBe('phone');
    const d = parseNameAddr('<sip:bob@example.com;user=phone>;tag=2');
    expect(d?.uri.params.get('user')).toBe('phone');
    expect(d?.toString()).toBe('<sip:bob@example.com;user=phone>;tag=2');
    expect(parseNameAddr('"Unterminated <sip:a@b>')).toBeNull();
    expect(parseNameAddr('< sip:a@b >')).toBeNull();
    expect(parseNameAddr('Bell, Alexander <sip:a@b>')).toBeNull();
    expect(parseNameAddr('sip:a@b?Route=x')).toBeNull();
    expect(parseNameAddr('<sip:a@b> garbage')).toBeNull();
  });

  it('round-trips a name-addr with a display name needing quotes', () => {
    const n = parseNameAddr('"A \\"q\\" B" <sip:a@b>');
    expect(n).not.toBeNull();
    if (n === null) return;
    n.tag = 'x1';
    expect(parseNameAddr(n.toString())?.displayName).toBe('A "q" B');
    expect(parseNameAddr(n.toString())?.tag).toBe('x1');
  });

  it('Contact: * is the wildcard', () => {
    const m = parseReq(MIN('Contact: *\r\nExpires: 0\r\n').replace(/OPTIONS/g, 'REGISTER'));
    expect(m.contactWildcard()).toBe(true);
    expect(m.contacts()).toEqual([]);
  });
});

describe('Via (RFC 3261 §20.42, RFC 3581)', () => {
  it('parses sent-by, params, received and rport', () => {
    const v = parseVia('SIP/2.0/tls [2001:db8::1]:5061;branch=z9hG4bKx;received=2001:db8::2;rport=6000;maddr=224.2.0.1;ttl=16');
    expect(v?.transport).toBe('TLS');
    expect(v?.host).toBe('[2001:db8::1]');
    expect(v?.port).toBe(5061);
    expect(v?.branch).toBe('z9hG4bKx');
    expect(v?.received).toBe('2001:db8::2');
    expect(v?.rport).toBe(6000);
    expect(v?.maddr).toBe('224.2.0.1');
    expect(parseVia('SIP/2.0/UDP h;rport')?.rport).toBe(true);
    expect(parseVia('SIP/2.0/UDP h')?.rport).toBeUndefined();
    expect(parseVia('SIP/2.0/UDP h;;')).toBeNull();
    expect(parseVia('SIP/2.0 UDP h')).toBeNull();
    expect(parseVia('SIP/2.0/UDP h:70000')).toBeNull();
  });

  it('setting params after parsing is reflected in toString', () => {
    const v = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport');
    expect(v).not.toBeNull();
    if (v === null) return;
    v.params.set('received', '198.51.100.7');
    v.params.set('rport', '40000');
    expect(v.toString()).toBe('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport=40000;received=198.51.100.7');
  });
});

describe('parse errors (never throw; code + reason; canRespond/partial)', () => {
  it('gives a partial request when Via/From/To/Call-ID/CSeq are present', () => {
    const e = parseErr(MIN('', 'OPTIONS sip:a@example.com SIP/2.0 '));
    expect(e.code).toBe('BAD_START_LINE');
    expect(e.reason).toBe('Trailing Whitespace In Request-Line');
    expect(e.canRespond).toBe(true);
    expect(e.partial).toBeDefined();
    if (e.partial === undefined) return;
    const resp = createResponse(e.partial, e.status, e.reason);
    const out = serialize(resp).toString('latin1');
    expect(out.startsWith('SIP/2.0 400 Trailing Whitespace In Request-Line\r\n')).toBe(true);
    expect(out).toContain('Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n');
    expect(out).toContain('Call-ID: c1\r\n');
  });

  it('cannot respond without the mandatory headers', () => {
    const e = parseErr('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n');
    expect(e.code).toBe('MISSING_HEADER');
    expect(e.reason).toBe('Missing From, To, Call-ID, CSeq Headers');
    expect(e.canRespond).toBe(false);
  });

  it('names the fault', () => {
    expect(parseErr(MIN('Max-Forwards: ten\r\n')).code).toBe('BAD_MAX_FORWARDS');
    expect(parseErr(MIN('BadHeader\r\n')).reason).toBe('Header Line Without Colon');
    expect(parseErr(MIN('Bad Header: x\r\n')).reason).toBe('Malformed Header Name');
    expect(
      parseErr(
        MIN(' folded-first\r\n').replace('OPTIONS sip:a@example.com SIP/2.0\r\n', 'OPTIONS sip:a@example.com SIP/2.0\r\n folded\r\n'),
      ).reason,
    ).toBe('Unexpected Line Folding');
    expect(parseErr(MIN().replace('Call-ID: c1', 'Call-ID: c 1')).code).toBe('BAD_CALL_ID');
    expect(parseErr(MIN().replace('\r\n\r\n', '\r\n')).code).toBe('NO_HEADER_END');
    expect(parseErr('').code).toBe('EMPTY');
    expect(parseErr('\r\n\r\n').code).toBe('EMPTY');
    expect(parseErr('SIP/2.0 20 OK\r\n\r\n').code).toBe('BAD_STATUS_CODE');
    expect(parseErr('SIP/3.0 200 OK\r\n\r\n').status).toBe(505);
    expect(parseErr(MIN('', 'OPTIONS sip:a@example.com SIP/2.1')).status).toBe(505);
    expect(parseErr(MIN('', 'OPT@ONS sip:a@example.com SIP/2.0')).code).toBe('BAD_METHOD');
  });

  it('enforces limits with specific codes', () => {
    const many = MIN('X: 1\r\n'.repeat(20));
    expect(parseMessage(Buffer.from(many), { maxHeaders: 10 })).toMatchObject({ ok: false, error: { code: 'TOO_MANY_HEADERS' } });
    const long = MIN('X: ' + 'a'.repeat(500) + '\r\n');
    expect(parseMessage(Buffer.from(long), { maxLineLength: 100 })).toMatchObject({
      ok: false,
      error: { code: 'LINE_TOO_LONG', canRespond: true },
    });
    expect(parseMessage(Buffer.from(long), { maxMessageBytes: 200 })).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LARGE', status: 513, canRespond: false },
    });
    // header section within the limit, body beyond it: still answerable with 513
    const big = MIN().replace('Content-Length: 0', 'Content-Length: 1000') + 'x'.repeat(1000);
    const e = parseMessage(Buffer.from(big), { maxMessageBytes: 400 });
    expect(e).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LARGE', status: 513, canRespond: true } });
    const f = new StreamFramer({ maxMessageBytes: 400 });
    expect(f.push(Buffer.from(big))).toMatchObject([
      { type: 'error', error: { code: 'MESSAGE_TOO_LARGE', fatal: true, canRespond: true } },
    ]);
    expect(parseMessage(Buffer.from(long)).ok).toBe(true);
  });

  it('views throw SipHeaderError for malformed lazily parsed headers; validateMessage reports them', () => {
    const m = parseReq(MIN('Route: <sip:a@b;lr>, garbage\r\n'));
    expect(() => m.routes()).toThrow(SipHeaderError);
    expect(validateMessage(m)).toMatchObject({ code: 'BAD_HEADER_VALUE', status: 400, canRespond: true });
  });

  it('treats CRLFs before the start line as noise and ignores octets after Content-Length on UDP', () => {
    const m = parseReq('\r\n\r\n' + MIN().replace('Content-Length: 0', 'Content-Length: 2') + 'abEXTRA');
    expect(m.body.toString()).toBe('ab');
    expect(serialize(m).toString('latin1').endsWith('\r\n\r\nab')).toBe(true);
  });

  it('accepts bare-LF line ends (lenient) and writes CRLF', () => {
    const m = parseReq(MIN().replace(/\r\n/g, '\n'));
    m.headers.append('X', '1');
    expect(serialize(m).toString('latin1')).toContain('Call-ID: c1\r\n');
  });
});

describe('non-ASCII header bytes', () => {
  it('decodes valid UTF-8 and writes it back unchanged', () => {
    const text = MIN().replace('To: <sip:b@example.com>', 'To: "Jürgen 大" <sip:b@example.com>');
    const buf = Buffer.from(text, 'utf8');
    const m = parseReq(buf);
    expect(m.to().displayName).toBe('Jürgen 大');
    m.headers.append('Subject', 'Grüße');
    const out = serialize(m);
    expect(out.toString('utf8')).toContain('To: "Jürgen 大" <sip:b@example.com>\r\n');
    expect(out.toString('utf8')).toContain('Subject: Grüße\r\n');
  });

  it('passes invalid UTF-8 through byte for byte, new fields as UTF-8', () => {
    const base = Buffer.from(MIN('X-Bin: a\xff\xfeb\r\n'), 'latin1');
    const m = parseReq(base);
    m.headers.append('Subject', 'Grüße');
    const out = serialize(m);
    expect(out.includes(Buffer.from('X-Bin: a\xff\xfeb\r\n', 'latin1'))).toBe(true);
    expect(out.includes(Buffer.from('Subject: Grüße\r\n', 'utf8'))).toBe(true);
  });
});

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies Via, From, To, Call-ID, CSeq and adds the To tag', () => {
    const req = parseReq(INVITE);
    const r = createResponse(req, 486, undefined, 'totag1');
    expect(r.reason).toBe('Busy Here');
    const again = parseMessage(serialize(r));
    expect(again.ok).toBe(true);
    if (!again.ok || !isResponse(again.message)) return;
    const m = again.message;
    expect(m.status).toBe(486);
    expect(m.to().tag).toBe('totag1');
    expect(m.from().tag).toBe('1928301774');
    expect(m.cseq()).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.topVia()?.branch).toBe('z9hG4bK776asdhds');
    expect(m.headers.has('route')).toBe(false);
    expect(createResponse(req, 100).headers.get('to')).toBe('Bob <sip:bob@biloxi.example.com>');
  });

  it('generateBranch yields unique magic-cookie branches', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(generateBranch());
    expect(seen.size).toBe(2000);
    for (const b of seen) expect(b).toMatch(/^z9hG4bK[A-Za-z0-9_-]{16}$/);
  });

  it('builds responses from scratch', () => {
    const r = new SipResponse(200, 'OK');
    r.headers.append('Via', 'SIP/2.0/UDP a;branch=z9hG4bK1');
    expect(serialize(r).toString()).toBe('SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n');
  });
});

describe('StreamFramer (RFC 3261 §18.3, RFC 5626 §4.4.1)', () => {
  const types = (ev: FramerEvent[]) => ev.map((e) => (e.type === 'keepalive' ? (e.pong ? 'ping' : 'pong') : e.type));

  it('reports CRLFCRLF pings and single-CRLF pongs between messages', () => {
    const f = new StreamFramer();
    expect(types(f.push(Buffer.from('\r\n\r\n')))).toEqual(['ping']);
    expect(types(f.push(Buffer.from('\r\n')))).toEqual(['pong']);
    expect(types(f.push(Buffer.concat([INVITE, Buffer.from('\r\n\r\n'), INVITE])))).toEqual(['message', 'ping', 'message']);
  });

  it('a ping split across chunks still asks for a pong', () => {
    const f = new StreamFramer();
    const ev = [...f.push(Buffer.from('\r')), ...f.push(Buffer.from('\n\r')), ...f.push(Buffer.from('\n'))];
    expect(ev.filter((e) => e.type === 'keepalive' && e.pong).length).toBe(1);
  });

  it('frames byte by byte', () => {
    const f = new StreamFramer();
    const all = Buffer.concat([INVITE, INVITE, INVITE]);
    const ev: FramerEvent[] = [];
    for (let i = 0; i < all.length; i++) ev.push(...f.push(all.subarray(i, i + 1)));
    expect(types(ev)).toEqual(['message', 'message', 'message']);
    expect(f.buffered).toBe(0);
  });

  it('messages own their bytes (the framer buffer is reused)', () => {
    const f = new StreamFramer();
    const ev = f.push(Buffer.concat([INVITE, INVITE.subarray(0, 10)]));
    f.push(Buffer.alloc(5000, 0x41));
    const m = ev[0].type === 'message' ? ev[0].message : null;
    expect(m === null ? '' : serialize(m).toString('latin1')).toBe(INVITE_TEXT);
  });

  it('a bad message with intact framing is a non-fatal error', () => {
    const bad = Buffer.from(MIN('', 'OPTIONS  sip:a@example.com SIP/2.0'));
    const f = new StreamFramer();
    const ev = f.push(Buffer.concat([bad, INVITE]));
    expect(types(ev)).toEqual(['error', 'message']);
    const e = ev[0];
    expect(e.type === 'error' && e.error.fatal !== true && e.error.canRespond).toBe(true);
  });

  it('oversized or unframeable input is fatal and closes the framer', () => {
    const f = new StreamFramer({ maxMessageBytes: 300 });
    const ev = f.push(INVITE);
    expect(ev.length).toBe(1);
    expect(ev[0].type === 'error' && ev[0].error.fatal === true && ev[0].error.code === 'MESSAGE_TOO_LARGE').toBe(true);
    expect(f.push(INVITE)).toEqual([]);
    const g = new StreamFramer();
    const ev2 = g.push(Buffer.from(MIN('Content-Length: 5\r\n')));
    expect(ev2[0].type === 'error' && ev2[0].error.fatal === true && ev2[0].error.reason === 'Conflicting Content-Length Headers').toBe(
      true,
    );
  });

  it('an over-long header line is found as it streams in (not at the header end): 400 answerable, fatal', () => {
    const f = new StreamFramer({ maxLineLength: 256, maxMessageBytes: 65535 });
    const head = MIN().split('\r\n\r\n')[0] + '\r\n';
    const ev = [
      ...f.push(Buffer.from(head)),
      ...f.push(Buffer.from('X-Junk: ' + 'a'.repeat(200))),
      ...f.push(Buffer.from('a'.repeat(100))),
    ];
    expect(ev).toMatchObject([{ type: 'error', error: { code: 'LINE_TOO_LONG', status: 400, fatal: true, canRespond: true } }]);
    const e = ev[0];
    expect(e.type === 'error' && e.error.partial?.method).toBe('OPTIONS');
    expect(f.push(INVITE)).toEqual([]);
  });

  it('a header section that never ends within max-message-size: 513 answerable from the lines so far, fatal', () => {
    const f = new StreamFramer({ maxLineLength: 256, maxMessageBytes: 2000 });
    const ev = [...f.push(Buffer.from(MIN().split('\r\n\r\n')[0] + '\r\n'))];
    for (let i = 0; i < 40 && ev.length === 0; i++) ev.push(...f.push(Buffer.from(`X-Pad-${i}: ${'b'.repeat(60)}\r\n`)));
    expect(ev).toMatchObject([{ type: 'error', error: { code: 'MESSAGE_TOO_LARGE', status: 513, fatal: true, canRespond: true } }]);
  });

  it('an over-long first line gives nothing to answer with, but is still found early', () => {
    const f = new StreamFramer({ maxLineLength: 256 });
    expect(f.push(Buffer.from('OPTIONS sip:' + 'c'.repeat(300)))).toMatchObject([
      { type: 'error', error: { code: 'LINE_TOO_LONG', fatal: true, canRespond: false } },
    ]);
  });

  it('a stream message without Content-Length has no body', () => {
    const f = new StreamFramer();
    const text = MIN().replace('Content-Length: 0\r\n', '');
    const ev = f.push(Buffer.from(text + text));
    expect(types(ev)).toEqual(['message', 'message']);
  });
});
