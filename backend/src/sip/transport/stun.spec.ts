import { describe, expect, it } from 'vitest';
import { isStun, stunBindingResponse } from './stun.js';

function bindingRequest(): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt32BE(0x2112a442, 4);
  for (let i = 8; i < 20; i++) b[i] = i;
  return b;
}

describe('STUN keep-alive (RFC 5626 §4.4.2 / RFC 5389)', () => {
  it('recognises STUN and never SIP or CRLF', () => {
    expect(isStun(bindingRequest())).toBe(true);
    expect(isStun(Buffer.from('OPTIONS sip:a SIP/2.0\r\n\r\n'))).toBe(false);
    expect(isStun(Buffer.from('\r\n\r\n'))).toBe(false);
  });

  it('answers a Binding request with the XOR-mapped source address (IPv4 and IPv6)', () => {
    const req = bindingRequest();
    const r = stunBindingResponse(req, '192.0.2.1', 32853)!;
    expect(r.readUInt16BE(0)).toBe(0x0101);
    expect(r.subarray(4, 20)).toEqual(req.subarray(4, 20));
    expect(r.readUInt16BE(20)).toBe(0x0020);
    expect(r.readUInt16BE(26) ^ 0x2112).toBe(32853);
    expect([...r.subarray(28, 32)].map((x, i) => x ^ [0x21, 0x12, 0xa4, 0x42][i])).toEqual([192, 0, 2, 1]);
    const r6 = stunBindingResponse(req, '::1', 5060)!;
    expect(r6.length).toBe(20 + 4 + 4 + 16);
    expect(r6[28 + 15] ^ r6[4 + 15]).toBe(1);
    expect(stunBindingResponse(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), '127.0.0.1', 1)).toBeUndefined();
  });
});
