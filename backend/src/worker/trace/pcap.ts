/**
 * Trace records as a libpcap file (the classic format, microsecond timestamps, LINKTYPE_RAW: each packet starts
 * with its IPv4 or IPv6 header), so Wireshark, tshark and sngrep open a download from the SIP trace page.
 *
 * The trace keeps SIP messages, not packets, so the packets are rebuilt: UDP messages as one UDP datagram each; TCP
 * and TLS messages as TCP segments (PSH+ACK) whose sequence numbers run on per direction of each connection, so
 * Wireshark reassembles them into SIP. TLS is written decrypted, as the SIP it carried (the worker never keeps TLS
 * records or keys). Checksums are left zero, which Wireshark accepts by default. A host that is not an IP literal is
 * written as 0.0.0.0 (or :: for IPv6 peers).
 */
import { isIP } from 'node:net';
import type { TraceRecord } from './sip-trace.js';

const LINKTYPE_RAW = 101;
const SNAPLEN = 262_144;

function ipv4Bytes(a: string): Buffer {
  return Buffer.from((isIP(a) === 4 ? a : '0.0.0.0').split('.').map(Number));
}

/** 16 bytes of an IPv6 literal (:: compression and an embedded IPv4 tail accepted). */
export function ipv6Bytes(a: string): Buffer {
  const out = Buffer.alloc(16);
  if (isIP(a) !== 6) return out;
  let s = a.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = ipv4Bytes(v4[1]);
    s = s.slice(0, -v4[1].length) + `${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

function ipv4Checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += header.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipHeader(v6: boolean, protocol: number, src: string, dst: string, payloadLength: number): Buffer {
  if (v6) {
    const h = Buffer.alloc(40);
    h.writeUInt32BE(0x60000000, 0);
    h.writeUInt16BE(payloadLength, 4);
    h[6] = protocol;
    h[7] = 64;
    ipv6Bytes(src).copy(h, 8);
    ipv6Bytes(dst).copy(h, 24);
    return h;
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(Math.min(0xffff, 20 + payloadLength), 2);
  h.writeUInt16BE(0x4000, 6); // don't fragment
  h[8] = 64;
  h[9] = protocol;
  ipv4Bytes(src).copy(h, 12);
  ipv4Bytes(dst).copy(h, 16);
  h.writeUInt16BE(ipv4Checksum(h), 10);
  return h;
}

/** The pcap file for `records` (oldest first). */
export function toPcap(records: readonly TraceRecord[]): Buffer {
  const parts: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(SNAPLEN, 16);
  global.writeUInt32LE(LINKTYPE_RAW, 20);
  parts.push(global);
  // Next sequence number per direction of each TCP connection (src:port>dst:port).
  const tcpSeq = new Map<string, number>();
  for (const r of records) {
    const [src, dst] = r.direction === 'in' ? [r.remote, r.local] : [r.local, r.remote];
    const v6 = isIP(src.address) === 6 || isIP(dst.address) === 6;
    const payload = r.data.subarray(0, SNAPLEN - 80);
    let l4: Buffer;
    if (r.transport === 'udp') {
      l4 = Buffer.alloc(8);
      l4.writeUInt16BE(src.port, 0);
      l4.writeUInt16BE(dst.port, 2);
      l4.writeUInt16BE(Math.min(0xffff, 8 + payload.length), 4);
    } else {
      const key = `${src.address}:${src.port}>${dst.address}:${dst.port}`;
      const back = `${dst.address}:${dst.port}>${src.address}:${src.port}`;
      const seq = tcpSeq.get(key) ?? 1;
      tcpSeq.set(key, (seq + payload.length) >>> 0);
      l4 = Buffer.alloc(20);
      l4.writeUInt16BE(src.port, 0);
      l4.writeUInt16BE(dst.port, 2);
      l4.writeUInt32BE(seq, 4);
      l4.writeUInt32BE(tcpSeq.get(back) ?? 1, 8);
      l4[12] = 5 << 4; // data offset: 5 words
      l4[13] = 0x18; // PSH + ACK
      l4.writeUInt16BE(65535, 14);
    }
    const ip = ipHeader(v6, r.transport === 'udp' ? 17 : 6, src.address, dst.address, l4.length + payload.length);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(r.atUs / 1e6), 0);
    rec.writeUInt32LE(r.atUs % 1e6, 4);
    const len = ip.length + l4.length + payload.length;
    rec.writeUInt32LE(len, 8);
    rec.writeUInt32LE(len, 12);
    parts.push(rec, ip, l4, payload);
  }
  return Buffer.concat(parts);
}
