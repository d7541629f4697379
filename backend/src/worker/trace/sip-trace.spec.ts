import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../sip/index.js';
import type { SipMessage } from '../../sip/index.js';
import type { MessageSource } from '../../sip/index.js';
import { SipTrace, summaryOf } from './sip-trace.js';
import { maskCredentials } from './trace-mask.js';

function invite(callId: string, user = '2000', extra = ''): SipMessage {
  const text =
    `INVITE sip:${user}@site-a.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK${callId}\r\n` +
    `From: <sip:1000@site-a.example>;tag=a\r\nTo: <sip:${user}@site-a.example>\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\n` +
    `Max-Forwards: 70\r\n${extra}Content-Type: application/sdp\r\nContent-Length: 10\r\n\r\nv=0\r\no=x\r\n`;
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}
const from: MessageSource = { transport: 'udp', remoteAddress: '10.0.0.9', remotePort: 5060, localAddress: '0.0.0.0', localPort: 5070 };
const newTrace = (): SipTrace => new SipTrace(() => ({ address: '0.0.0.0', port: 5070 }), '192.0.2.1');

describe('SipTrace', () => {
  it('keeps nothing and is disabled at size 0 (the default)', () => {
    const t = newTrace();
    expect(t.enabled).toBe(false);
    t.received(invite('a'), from);
    expect(t.records()).toHaveLength(0);
  });

  it('keeps the newest `size` messages, oldest first, and shows the advertised host for a wildcard listener', () => {
    const t = newTrace();
    t.configure(3, { secrets: true, bodies: false });
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) t.received(invite(id), from);
    expect(t.records().map((r) => summaryOf(r).callId)).toEqual(['c3', 'c4', 'c5']);
    expect(t.records().map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(t.records()[0].local).toEqual({ address: '192.0.2.1', port: 5070 });
    expect(summaryOf(t.records()[0]).firstLine).toBe('INVITE sip:2000@site-a.example');
  });

  it('resizes live: smaller keeps the newest, larger keeps all and grows', () => {
    const t = newTrace();
    t.configure(4, { secrets: true, bodies: false });
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']) t.received(invite(id), from);
    t.configure(2, { secrets: true, bodies: false });
    expect(t.records().map((r) => summaryOf(r).callId)).toEqual(['c5', 'c6']);
    t.configure(3, { secrets: true, bodies: false });
    t.received(invite('c7'), from);
    t.received(invite('c8'), from);
    expect(t.records().map((r) => summaryOf(r).callId)).toEqual(['c6', 'c7', 'c8']);
    t.configure(0, { secrets: true, bodies: false });
    expect(t.records()).toHaveLength(0);
    expect(t.enabled).toBe(false);
  });

  it('finds by Call-ID, by number (user part of R-URI, From or To) and by address, and pages with after', () => {
    const t = newTrace();
    t.configure(10, { secrets: true, bodies: false });
    t.received(invite('call-1', '2000'), from);
    t.received(invite('call-2', '3456'), { ...from, remoteAddress: '10.0.0.77', remotePort: 5999 });
    expect(t.search({ q: 'call-1' }).items.map((r) => summaryOf(r).callId)).toEqual(['call-1']);
    expect(t.search({ q: '345' }).items.map((r) => summaryOf(r).callId)).toEqual(['call-2']);
    expect(t.search({ q: '1000' }).total).toBe(2);
    expect(t.search({ q: '10.0.0.77' }).items.map((r) => summaryOf(r).callId)).toEqual(['call-2']);
    expect(t.search({ q: '10.0.0.77:5999' }).total).toBe(1);
    const p1 = t.search({ limit: 1 });
    expect(p1.next).toBe(1);
    expect(t.search({ after: p1.next, limit: 1 }).items.map((r) => summaryOf(r).callId)).toEqual(['call-2']);
  });

  it('masks credentials and, when asked, bodies before keeping; the proxied message is untouched', () => {
    const t = newTrace();
    t.configure(10, { secrets: true, bodies: true });
    const m = invite(
      'm1',
      '2000',
      'Proxy-Authorization: Digest username="alice", realm="r", nonce="n", uri="sip:2000@x", response="0123456789abcdef0123456789abcdef"\r\n',
    );
    t.received(m, from);
    const kept = t.records()[0].data.toString();
    expect(kept).toContain('username="alice"');
    expect(kept).toContain('response="<masked>"');
    expect(kept).not.toContain('0123456789abcdef');
    expect(kept).not.toContain('v=0');
    expect(kept).toMatch(/Content-Length: 0\r\n/i);
    expect(m.headers.get('proxy-authorization')).toContain('0123456789abcdef');
    expect(m.body.toString()).toBe('v=0\r\no=x\r\n');
  });

  it('traces sent bytes with the listener as local end and skips what is not SIP', () => {
    const t = newTrace();
    t.configure(10, { secrets: false, bodies: false });
    t.sent(
      Buffer.from(
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      ),
      { transport: 'udp', host: '10.0.0.9', port: 5060 },
    );
    t.sent(Buffer.from('\r\n\r\n'), { transport: 'udp', host: '10.0.0.9', port: 5060 });
    const [r] = t.records();
    expect(t.records()).toHaveLength(1);
    expect(summaryOf(r)).toMatchObject({ status: 200, method: 'OPTIONS', firstLine: '200 OK' });
    expect(r).toMatchObject({ direction: 'out', local: { address: '192.0.2.1', port: 5070 }, remote: { address: '10.0.0.9', port: 5060 } });
  });
});

describe('maskCredentials', () => {
  it('hides a Digest response (quoted or not) and a Basic token, keeps the rest', () => {
    expect(maskCredentials('Digest username="a", response="abc", nonce="n"')).toBe('Digest username="a", response="<masked>", nonce="n"');
    expect(maskCredentials('Digest username="a",response=abc')).toBe('Digest username="a",response="<masked>"');
    expect(maskCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toBe('Basic <masked>');
    expect(maskCredentials('  ')).toBe('<masked>');
  });
});
