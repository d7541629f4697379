import { describe, it, expect } from 'vitest';
import { parseMessage, serialize, StreamFramer, createResponse, generateBranch, isRequest, parseUri, parseNameAddr } from './index.js';

export const INVITE = Buffer.from(
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
    'Content-Length: 4\r\n\r\nv=0\n',
  'latin1',
);

describe('basics', () => {
  it('parses a typical INVITE', () => {
    const r = parseMessage(INVITE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.message;
    expect(isRequest(m)).toBe(true);
    if (!isRequest(m)) return;
    expect(m.method).toBe('INVITE');
    expect(m.topVia()?.branch).toBe('z9hG4bK776asdhds');
    expect(m.topVia()?.rport).toBe(true);
    expect(m.from().tag).toBe('1928301774');
    expect(m.to().tag).toBeUndefined();
    expect(m.cseq()).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.maxForwards()).toBe(70);
    expect(m.routes().map((r) => r.uri.host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(m.body.toString()).toBe('v=0\n');
    expect(serialize(m).equals(INVITE)).toBe(true);
    m.headers.removeFirstValue('route');
    m.headers.prepend('Via', 'SIP/2.0/UDP proxy.example.com;branch=' + generateBranch());
    m.headers.set('Max-Forwards', '69');
    const out = serialize(m);
    const r2 = parseMessage(out);
    expect(r2.ok).toBe(true);
    if (!r2.ok) return;
    expect(r2.message.vias().length).toBe(2);
    expect(r2.message.routes().length).toBe(1);
    expect(r2.message.maxForwards()).toBe(69);
    const resp = createResponse(m, 180, undefined, 'abc');
    expect(serialize(resp).toString()).toContain('To: Bob <sip:bob@biloxi.example.com>;tag=abc\r\n');
  });
  it('frames a stream', () => {
    const f = new StreamFramer();
    const all = Buffer.concat([Buffer.from('\r\n\r\n'), INVITE, INVITE]);
    const ev = [];
    for (let i = 0; i < all.length; i += 7) ev.push(...f.push(all.subarray(i, i + 7)));
    expect(ev.map((e) => e.type)).toEqual(['keepalive', 'message', 'message']);
  });
  it('uris', () => {
    expect(parseUri('sip:[::1]:5060;transport=tcp')?.host).toBe('[::1]');
    expect(parseNameAddr('"J Rosenberg \\\\\\"" <sip:a@b>;tag=x')?.displayName).toBe('J Rosenberg \\"');
  });
});
