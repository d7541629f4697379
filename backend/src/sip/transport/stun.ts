/**
 * STUN keep-alives on SIP UDP ports (RFC 5626 §4.4.2, §8.4; RFC 5389): a UA behind a NAT sends STUN Binding
 * requests on its UDP flow; the edge proxy answers each with a Binding success response carrying the
 * XOR-MAPPED-ADDRESS it saw. SIP text never starts with a byte below 0x20, so a STUN message (first two bits 0,
 * magic cookie at offset 4) is told apart from SIP by its first bytes alone.
 */
import { isIPv4 } from 'node:net';

const MAGIC = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;

/** Is this datagram a STUN message (RFC 5389 §6 header: 0b00 type prefix, length multiple of 4, magic cookie)? */
export function isStun(buf: Buffer): boolean {
  return (
    buf.length >= 20 &&
    (buf[0] & 0xc0) === 0 &&
    buf.readUInt32BE(4) === MAGIC &&
    buf.readUInt16BE(2) + 20 === buf.length &&
    (buf.readUInt16BE(2) & 3) === 0
  );
}

/**
 * The Binding success response to a Binding request from `address:port` (RFC 5389 §7.3.1, §15.2), or undefined
 * when `req` is not a Binding request (other STUN methods and indications are ignored).
 */
export function stunBindingResponse(req: Buffer, address: string, port: number): Buffer | undefined {
  if (!isStun(req) || req.readUInt16BE(0) !== BINDING_REQUEST) return undefined;
  const v4 = isIPv4(address);
  const addrLen = v4 ? 4 : 16;
  const out = Buffer.alloc(20 + 4 + 4 + addrLen);
  out.writeUInt16BE(BINDING_SUCCESS, 0);
  out.writeUInt16BE(4 + 4 + addrLen, 2);
  req.copy(out, 4, 4, 20); // magic cookie + transaction id
  out.writeUInt16BE(XOR_MAPPED_ADDRESS, 20);
  out.writeUInt16BE(4 + addrLen, 22);
  out.writeUInt8(0, 24);
  out.writeUInt8(v4 ? 0x01 : 0x02, 25);
  out.writeUInt16BE(port ^ (MAGIC >>> 16), 26);
  const raw = v4 ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  // X-Address: XOR with the magic cookie (IPv4) or cookie + transaction id (IPv6).
  for (let i = 0; i < addrLen; i++) out[28 + i] = raw[i] ^ out[4 + i];
  return out;
}

function ipv6Bytes(a: string): Buffer {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail !== undefined ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return b;
}
