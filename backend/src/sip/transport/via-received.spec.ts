import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest } from '../message/index.js';
import { applyReceivedRport, normalizeAddress, rewriteViaValue } from './via-received.js';

function req(via: string): SipRequest {
  const text = [
    'OPTIONS sip:b@example.com SIP/2.0',
    `Via: ${via}`,
    'Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKlower',
    'From: <sip:a@example.com>;tag=1',
    'To: <sip:b@example.com>',
    'Call-ID: x',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || !('method' in r.message)) throw new Error('bad');
  return r.message;
}

describe('received/rport (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('adds received when the sent-by host differs from the source address', () => {
    const m = req('SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1');
    expect(applyReceivedRport(m, '192.0.2.4', 5060)).toBe(true);
    expect(m.topVia()!.received).toBe('192.0.2.4');
    expect(m.topVia()!.rport).toBeUndefined();
    expect(m.vias()).toHaveLength(2);
    expect(m.vias()[1].branch).toBe('z9hG4bKlower');
  });

  it('leaves the Via alone when the host equals the source and there is no rport', () => {
    const m = req('SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1');
    expect(applyReceivedRport(m, '192.0.2.4', 5060)).toBe(false);
    expect(m.headers.getAll('Via')[0]).toBe('SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1');
  });

  it('with rport: fills rport and always adds received, even for the same address', () => {
    const m = req('SIP/2.0/UDP 192.0.2.4:5060;rport;branch=z9hG4bK1');
    applyReceivedRport(m, '192.0.2.4', 34567);
    const v = m.topVia()!;
    expect(v.rport).toBe(34567);
    expect(v.received).toBe('192.0.2.4');
    expect(v.branch).toBe('z9hG4bK1');
  });

  it('IPv6: compares without brackets, writes received bare (RFC 3261 §25.1) and reads it back; reads a bracketed one too', () => {
    const m = req('SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;rport');
    applyReceivedRport(m, '::1', 40000);
    expect(m.headers.get('via')).toBe('SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;received=::1;rport=40000');
    expect(m.topVia()!.received).toBe('::1');
    expect(normalizeAddress(req('SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;received=[2001:DB8::1]').topVia()!.received!)).toBe('2001:db8::1');
    expect(normalizeAddress(m.topVia()!.received!)).toBe('::1');
    expect(m.topVia()!.rport).toBe(40000);
    expect(normalizeAddress('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });

  it('works on a comma-joined Via header (only the top value changes)', () => {
    const text = [
      'OPTIONS sip:b@example.com SIP/2.0',
      'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKtop, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKlower',
      'From: <sip:a@example.com>;tag=1',
      'To: <sip:b@example.com>',
      'Call-ID: x',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const r = parseMessage(Buffer.from(text));
    if (!r.ok || !('method' in r.message)) throw new Error('bad');
    applyReceivedRport(r.message, '192.0.2.7', 5060);
    expect(r.message.vias().map((v) => [v.branch, v.received])).toEqual([
      ['z9hG4bKtop', '192.0.2.7'],
      ['z9hG4bKlower', undefined],
    ]);
  });

  it('rewriteViaValue replaces stale received/rport and respects quoted params', () => {
    expect(rewriteViaValue('SIP/2.0/UDP h;received=1.1.1.1;rport=9;x="a;b"', '2.2.2.2', 7)).toBe(
      'SIP/2.0/UDP h;x="a;b";received=2.2.2.2;rport=7',
    );
  });
});
