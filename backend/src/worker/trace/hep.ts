/**
 * HEP v3 (the Homer Encapsulation Protocol, sipcapture.org "HEP3 Network Protocol Specification"): each traced
 * message mirrored as one UDP datagram to the collector `sip-trace-hep-collector` names, the way Kamailio's
 * siptrace module and OpenSIPS' proto_hep do, so a Homer server shows this proxy beside them.
 *
 * A packet is "HEP3", its total length (u16), then chunks of vendor id (u16, 0 = generic), type id (u16), length
 * (u16, header included) and value. Fire and forget: a collector that is down or slow costs one send per message,
 * never a queue, and a send error is counted, not retried.
 */
import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { ipv6Bytes } from './pcap.js';
import { summaryOf, type TraceRecord } from './sip-trace.js';

/** Capture agent id the worker sends (chunk 0x000c); Homer shows it as the capture node. */
export const HEP_CAPTURE_ID = 2001;

function chunk(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(6);
  h.writeUInt16BE(0, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt16BE(6 + value.length, 4);
  return Buffer.concat([h, value]);
}
const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** One HEP v3 packet for a trace record. */
export function encodeHep3(r: TraceRecord, captureId = HEP_CAPTURE_ID): Buffer {
  const [src, dst] = r.direction === 'in' ? [r.remote, r.local] : [r.local, r.remote];
  const v6 = isIP(src.address) === 6 || isIP(dst.address) === 6;
  const v4 = (a: string): Buffer => Buffer.from((isIP(a) === 4 ? a : '0.0.0.0').split('.').map(Number));
  const chunks = [
    chunk(0x0001, u8(v6 ? 10 : 2)), // IP family: AF_INET / AF_INET6
    chunk(0x0002, u8(r.transport === 'udp' ? 17 : 6)), // IP protocol
    v6 ? chunk(0x0005, ipv6Bytes(src.address)) : chunk(0x0003, v4(src.address)),
    v6 ? chunk(0x0006, ipv6Bytes(dst.address)) : chunk(0x0004, v4(dst.address)),
    chunk(0x0007, u16(src.port)),
    chunk(0x0008, u16(dst.port)),
    chunk(0x0009, u32(Math.floor(r.atUs / 1e6))),
    chunk(0x000a, u32(r.atUs % 1e6)),
    chunk(0x000b, u8(1)), // protocol type: SIP
    chunk(0x000c, u32(captureId)),
    chunk(0x000f, r.data),
    chunk(0x0011, Buffer.from(summaryOf(r).callId, 'utf8')), // correlation id: Homer groups a call's messages by it
  ];
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(6);
  head.write('HEP3', 0, 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
}

/** `host:port`, `[v6]:port` or `host` (port 9060, Homer's default). Undefined when empty. */
export function parseCollector(value: string | undefined | null): { host: string; port: number } | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(v) ?? /^([^:]+)(?::(\d+))?$/.exec(v);
  if (!m) return undefined;
  return { host: m[1], port: m[2] ? Number(m[2]) : 9060 };
}

/** The mirror: subscribes to the trace while a collector is set. */
export class HepMirror {
  private socket: dgram.Socket | undefined;
  private target: { host: string; port: number } | undefined;
  sent = 0;
  errors = 0;

  /** Points the mirror at `collector` (or stops it with undefined). */
  setCollector(collector: { host: string; port: number } | undefined): void {
    this.target = collector;
    if (!collector) {
      this.close();
      return;
    }
    const family = isIP(collector.host) === 6 ? 'udp6' : 'udp4';
    if (this.socket && (this.socket as unknown as { type: string }).type !== family) this.close();
    if (!this.socket) {
      this.socket = dgram.createSocket(family);
      this.socket.on('error', () => this.errors++);
      this.socket.unref();
    }
  }

  get active(): boolean {
    return this.target !== undefined;
  }

  send(r: TraceRecord): void {
    const t = this.target;
    const s = this.socket;
    if (!t || !s) return;
    let packet: Buffer;
    try {
      packet = encodeHep3(r);
    } catch {
      this.errors++;
      return;
    }
    if (packet.length > 0xffff) {
      this.errors++;
      return;
    }
    this.sent++;
    s.send(packet, t.port, t.host, (err) => {
      if (err) this.errors++;
    });
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
