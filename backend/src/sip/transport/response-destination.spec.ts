import { describe, expect, it } from 'vitest';
import { parseMessage, type SipResponse } from '../message/index.js';
import { responseDestination } from './response-destination.js';
import type { MessageSource } from './types.js';

function res(via: string): SipResponse {
  const text = [
    'SIP/2.0 200 OK',
    `Via: ${via}`,
    'From: <sip:a@x>;tag=1',
    'To: <sip:b@x>;tag=2',
    'Call-ID: c',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const r = parseMessage(Buffer.from(text));
  if (!r.ok || 'method' in r.message) throw new Error('bad');
  return r.message;
}
const udp: MessageSource = { transport: 'udp', remoteAddress: '192.0.2.4', remotePort: 40000, localAddress: '192.0.2.1', localPort: 5060 };
const tcp: MessageSource = {
  transport: 'tcp',
  remoteAddress: '192.0.2.4',
  remotePort: 40000,
  localAddress: '192.0.2.1',
  localPort: 5060,
  connectionId: 'tcp-7',
};

describe('response destination (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  it('UDP: received + rport, from the receiving socket', () => {
    expect(responseDestination(res('SIP/2.0/UDP h.example.com:5062;branch=z9hG4bK1;received=192.0.2.4;rport=40000'), udp)).toEqual({
      transport: 'udp',
      host: '192.0.2.4',
      port: 40000,
      localAddress: '192.0.2.1',
      localPort: 5060,
    });
  });
  it('UDP: received without rport uses the sent-by port (default 5060)', () => {
    expect(responseDestination(res('SIP/2.0/UDP h.example.com:5062;branch=z9hG4bK1;received=192.0.2.4'), udp)).toMatchObject({
      host: '192.0.2.4',
      port: 5062,
    });
    expect(responseDestination(res('SIP/2.0/UDP h.example.com;branch=z9hG4bK1;received=192.0.2.4'), udp)).toMatchObject({
      host: '192.0.2.4',
      port: 5060,
    });
  });
  it('UDP: no received -> sent-by host and port', () => {
    expect(responseDestination(res('SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bK1'))).toEqual({
      transport: 'udp',
      host: '192.0.2.9',
      port: 5070,
    });
  });
  it('maddr wins for unreliable transports', () => {
    expect(responseDestination(res('SIP/2.0/UDP h:5070;branch=z9hG4bK1;maddr=239.1.1.1;received=192.0.2.4'), udp)).toMatchObject({
      host: '239.1.1.1',
      port: 5070,
    });
  });
  it('TCP: the same connection, with received/sent-by port as the fallback', () => {
    expect(responseDestination(res('SIP/2.0/TCP h.example.com:5062;branch=z9hG4bK1;received=192.0.2.4'), tcp)).toEqual({
      transport: 'tcp',
      host: '192.0.2.4',
      port: 5062,
      connectionId: 'tcp-7',
    });
    expect(responseDestination(res('SIP/2.0/TLS [2001:db8::1];branch=z9hG4bK1'))).toEqual({
      transport: 'tls',
      host: '2001:db8::1',
      port: 5061,
    });
  });
});
