import { describe, expect, it } from 'vitest';
import { encodeHep3, parseCollector } from './hep.js';
import { ipv6Bytes } from './pcap.js';
import type { TraceRecord } from './sip-trace.js';

const record: TraceRecord = {
  seq: 1,
  atUs: 1_700_000_000_123_456,
  direction: 'in',
  transport: 'udp',
  local: { address: '192.0.2.1', port: 5060 },
  remote: { address: '198.51.100.7', port: 5080 },
  data: Buffer.from(
    'OPTIONS sip:x@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7:5080;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@192.0.2.1>\r\n' +
      'Call-ID: cid-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
  ),
};

/** Chunks of a HEP3 packet by type id. */
function chunks(p: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let o = 6; o < p.length;) {
    const len = p.readUInt16BE(o + 4);
    out.set(p.readUInt16BE(o + 2), p.subarray(o + 6, o + len));
    o += len;
  }
  return out;
}

describe('HEP v3', () => {
  it('encodes the header, addresses (source = the peer for a received message), ports, time, payload and Call-ID', () => {
    const p = encodeHep3(record);
    expect(p.subarray(0, 4).toString('latin1')).toBe('HEP3');
    expect(p.readUInt16BE(4)).toBe(p.length);
    const c = chunks(p);
    expect(c.get(1)![0]).toBe(2);
    expect(c.get(2)![0]).toBe(17);
    expect([...c.get(3)!]).toEqual([198, 51, 100, 7]);
    expect([...c.get(4)!]).toEqual([192, 0, 2, 1]);
    expect(c.get(7)!.readUInt16BE(0)).toBe(5080);
    expect(c.get(8)!.readUInt16BE(0)).toBe(5060);
    expect(c.get(9)!.readUInt32BE(0)).toBe(1_700_000_000);
    expect(c.get(10)!.readUInt32BE(0)).toBe(123_456);
    expect(c.get(11)![0]).toBe(1);
    expect(c.get(12)!.readUInt32BE(0)).toBe(2001);
    expect(c.get(15)!.toString()).toBe(record.data.toString());
    expect(c.get(17)!.toString()).toBe('cid-1');
  });

  it('uses the IPv6 chunks for IPv6 peers', () => {
    const c = chunks(
      encodeHep3({ ...record, direction: 'out', local: { address: '::1', port: 5060 }, remote: { address: '2001:db8::7', port: 5062 } }),
    );
    expect(c.get(1)![0]).toBe(10);
    expect(c.get(5)).toEqual(ipv6Bytes('::1'));
    expect(c.get(6)).toEqual(ipv6Bytes('2001:db8::7'));
  });

  it('parses the collector option', () => {
    expect(parseCollector('homer.example:9060')).toEqual({ host: 'homer.example', port: 9060 });
    expect(parseCollector('[2001:db8::1]:9061')).toEqual({ host: '2001:db8::1', port: 9061 });
    expect(parseCollector('')).toBeUndefined();
    expect(parseCollector(null)).toBeUndefined();
  });

  it('writes IPv6 literals byte for byte', () => {
    expect(ipv6Bytes('2001:db8::7').toString('hex')).toBe('20010db8000000000000000000000007');
    expect(ipv6Bytes('::ffff:192.0.2.1').toString('hex')).toBe('00000000000000000000ffffc0000201');
    expect(ipv6Bytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
  });
});
