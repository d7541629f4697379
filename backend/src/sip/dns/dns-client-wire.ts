/**
 * DNS message codec (RFC 1035 §4) for the stub resolver in dns-client.ts: query encoding and a bounded,
 * never-throwing response parser for the record types RFC 3263 needs (A, AAAA, CNAME, SRV, NAPTR, SOA).
 */

/** RR TYPE codes (RFC 1035 §3.2.2, RFC 3596 §2.1, RFC 2782, RFC 3403 §4.1, RFC 6891 §6.1.1). */
export const RR_TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, AAAA: 28, SRV: 33, NAPTR: 35, OPT: 41 } as const;
/** CLASS IN (RFC 1035 §3.2.4). */
export const CLASS_IN = 1;
/** RCODEs (RFC 1035 §4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Hard bounds the parser enforces whatever the message claims (RFC 1035 §2.3.4, §4.1.4). */
const MAX_NAME_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;
const MAX_POINTER_JUMPS = 64;
const HEADER_OCTETS = 12;
/** EDNS(0) UDP payload size we advertise (RFC 6891 §6.2.5; the 2020 "DNS flag day" value). */
export const EDNS_UDP_SIZE = 1232;

interface RecordBase {
  /** Owner name, presentation form without the trailing dot (RFC 4343 escapes for odd octets). */
  name: string;
  /** Seconds (RFC 1035 §3.2.1; values with the top bit set read as 0, RFC 2181 §8). */
  ttl: number;
}
/** RFC 1035 §3.4.1. */
export interface ARecord extends RecordBase {
  type: 'A';
  address: string;
}
/** RFC 3596 §2.2 (address in RFC 5952 text form). */
export interface AaaaRecord extends RecordBase {
  type: 'AAAA';
  address: string;
}
/** RFC 1035 §3.3.1. */
export interface CnameRecord extends RecordBase {
  type: 'CNAME';
  target: string;
}
/** RFC 2782. */
export interface SrvRecord extends RecordBase {
  type: 'SRV';
  priority: number;
  weight: number;
  port: number;
  target: string;
}
/** RFC 3403 §4.1. */
export interface NaptrRecord extends RecordBase {
  type: 'NAPTR';
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}
/** RFC 1035 §3.3.13. */
export interface SoaRecord extends RecordBase {
  type: 'SOA';
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}
/** Any other type: kept (so section counts stay honest) but not decoded. */
export interface OtherRecord extends RecordBase {
  type: 'OTHER';
  code: number;
}

export type DnsRecord = ARecord | AaaaRecord | CnameRecord | SrvRecord | NaptrRecord | SoaRecord | OtherRecord;

/** The record types a caller can ask for, mapped to their decoded form. */
export interface RecordMap {
  A: ARecord;
  AAAA: AaaaRecord;
  CNAME: CnameRecord;
  SRV: SrvRecord;
  NAPTR: NaptrRecord;
  SOA: SoaRecord;
}
export type QueryType = keyof RecordMap;

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

/** One parsed record with its class (only IN is used by the client). */
export interface DnsResourceRecord {
  class: number;
  record: DnsRecord;
}

/** A parsed DNS message (RFC 1035 §4.1). */
export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  /** Full RCODE: the header's 4 bits extended by the OPT record's upper 8 bits (RFC 6891 §6.1.3). */
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsResourceRecord[];
  authorities: DnsResourceRecord[];
  additionals: DnsResourceRecord[];
  /** Present when the message carried an OPT pseudo-record (RFC 6891 §6.1.2). */
  edns?: { udpSize: number; version: number };
}

export type ParseResult = { ok: true; message: DnsMessage } | { ok: false; reason: string };

/** Encoding failure of a query name (too long, empty label, non-ASCII). */
export class DnsNameError extends Error {
  constructor(
    readonly dnsName: string,
    reason: string,
  ) {
    super(`invalid DNS name "${dnsName}": ${reason}`);
  }
}

/** Name comparison is ASCII case-insensitive (RFC 4343 §3). */
export function sameName(a: string, b: string): boolean {
  return canonicalName(a) === canonicalName(b);
}

/** Lower-case ASCII, no trailing dot. */
export function canonicalName(n: string): string {
  const s = n.endsWith('.') && !n.endsWith('\\.') ? n.slice(0, -1) : n;
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** RFC 1035 §3.1 wire form of a presentation name (plain ASCII labels; no escapes). Throws DnsNameError. */
export function encodeName(name: string): Buffer {
  const n = name === '.' ? '' : name.endsWith('.') ? name.slice(0, -1) : name;
  const parts: Buffer[] = [];
  let total = 1;
  if (n.length > 0) {
    for (const label of n.split('.')) {
      if (label.length === 0) throw new DnsNameError(name, 'empty label');
      if (!/^[\x21-\x7e]+$/.test(label) || label.includes('\\')) throw new DnsNameError(name, 'label must be printable ASCII');
      if (label.length > MAX_LABEL_OCTETS) throw new DnsNameError(name, 'label longer than 63 octets');
      parts.push(Buffer.from([label.length]), Buffer.from(label, 'ascii'));
      total += label.length + 1;
    }
  }
  if (total > MAX_NAME_OCTETS) throw new DnsNameError(name, 'longer than 255 octets');
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * A standard query (RFC 1035 §4.1.1: QR=0, OPCODE=0, RD=1, one question of class IN), optionally with an
 * EDNS(0) OPT record advertising a larger UDP payload (RFC 6891 §6.1.2). Throws DnsNameError for a bad name.
 */
export function encodeQuery(id: number, name: string, type: number, edns: boolean): Buffer {
  const qname = encodeName(name);
  const head = Buffer.alloc(HEADER_OCTETS);
  head.writeUInt16BE(id & 0xffff, 0);
  head.writeUInt16BE(0x0100, 2); // RD
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(edns ? 1 : 0, 10);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(type, 0);
  q.writeUInt16BE(CLASS_IN, 2);
  if (!edns) return Buffer.concat([head, qname, q]);
  // OPT: root owner, TYPE 41, CLASS = UDP payload size, TTL = ext-rcode/version/flags 0, RDLEN 0.
  const opt = Buffer.alloc(11);
  opt.writeUInt16BE(RR_TYPE.OPT, 1);
  opt.writeUInt16BE(EDNS_UDP_SIZE, 3);
  return Buffer.concat([head, qname, q, opt]);
}

class Malformed {
  constructor(readonly reason: string) {}
}

/** Reads a possibly compressed name (RFC 1035 §4.1.4): pointers only backwards, bounded jumps and length. */
function readName(buf: Buffer, start: number): { name: string; next: number } | Malformed {
  const labels: string[] = [];
  let pos = start;
  let next = -1;
  let jumps = 0;
  let octets = 1;
  for (;;) {
    if (pos >= buf.length) return new Malformed('name runs past the message');
    const len = buf[pos];
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) return new Malformed('truncated compression pointer');
      const ptr = ((len & 0x3f) << 8) | buf[pos + 1];
      // A pointer must go to an earlier octet; with the jump and length caps this bounds any loop.
      if (ptr >= pos) return new Malformed('forward compression pointer');
      if (++jumps > MAX_POINTER_JUMPS) return new Malformed('too many compression pointers');
      if (next < 0) next = pos + 2;
      pos = ptr;
      continue;
    }
    if ((len & 0xc0) !== 0) return new Malformed('unsupported label type');
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if (pos + 1 + len > buf.length) return new Malformed('label runs past the message');
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS) return new Malformed('name longer than 255 octets');
    labels.push(presentLabel(buf, pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  return { name: labels.join('.'), next };
}

/** RFC 4343 §2.1 presentation escapes for octets that are not plain printable label characters. */
function presentLabel(buf: Buffer, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c === 0x2e || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + String(c).padStart(3, '0');
  }
  return s;
}

function readCharString(buf: Buffer, pos: number, end: number): { value: string; next: number } | Malformed {
  if (pos >= end) return new Malformed('missing character-string');
  const len = buf[pos];
  if (pos + 1 + len > end) return new Malformed('character-string runs past RDATA');
  return { value: buf.toString('latin1', pos + 1, pos + 1 + len), next: pos + 1 + len };
}

/** RFC 5952 §4 text form: lower-case, no leading zeros, longest run (>= 2) of zero groups as "::". */
export function formatIpv6(b: Buffer, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(off + i * 2));
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}

function readRecord(
  buf: Buffer,
  pos: number,
): { rr: DnsResourceRecord; next: number; opt?: { udpSize: number; extRcode: number; version: number } } | Malformed {
  const owner = readName(buf, pos);
  if (owner instanceof Malformed) return owner;
  let p = owner.next;
  if (p + 10 > buf.length) return new Malformed('truncated record header');
  const type = buf.readUInt16BE(p);
  const cls = buf.readUInt16BE(p + 2);
  const rawTtl = buf.readUInt32BE(p + 4);
  const rdlen = buf.readUInt16BE(p + 8);
  p += 10;
  const end = p + rdlen;
  if (end > buf.length) return new Malformed('RDATA runs past the message');
  const ttl = rawTtl > 0x7fffffff ? 0 : rawTtl;
  const name = owner.name;
  const done = (record: DnsRecord, used: number): { rr: DnsResourceRecord; next: number } | Malformed =>
    used === end ? { rr: { class: cls, record }, next: end } : new Malformed(`RDATA length mismatch in type ${type}`);
  switch (type) {
    case RR_TYPE.A:
      if (rdlen !== 4) return new Malformed('A RDATA is not 4 octets');
      return done({ type: 'A', name, ttl, address: `${buf[p]}.${buf[p + 1]}.${buf[p + 2]}.${buf[p + 3]}` }, end);
    case RR_TYPE.AAAA:
      if (rdlen !== 16) return new Malformed('AAAA RDATA is not 16 octets');
      return done({ type: 'AAAA', name, ttl, address: formatIpv6(buf, p) }, end);
    case RR_TYPE.CNAME: {
      const t = readName(buf, p);
      if (t instanceof Malformed) return t;
      return done({ type: 'CNAME', name, ttl, target: t.name }, t.next);
    }
    case RR_TYPE.SRV: {
      if (rdlen < 7) return new Malformed('short SRV RDATA');
      const t = readName(buf, p + 6);
      if (t instanceof Malformed) return t;
      return done(
        {
          type: 'SRV',
          name,
          ttl,
          priority: buf.readUInt16BE(p),
          weight: buf.readUInt16BE(p + 2),
          port: buf.readUInt16BE(p + 4),
          target: t.name,
        },
        t.next,
      );
    }
    case RR_TYPE.NAPTR: {
      if (rdlen < 4) return new Malformed('short NAPTR RDATA');
      const flags = readCharString(buf, p + 4, end);
      if (flags instanceof Malformed) return flags;
      const service = readCharString(buf, flags.next, end);
      if (service instanceof Malformed) return service;
      const regexp = readCharString(buf, service.next, end);
      if (regexp instanceof Malformed) return regexp;
      const repl = readName(buf, regexp.next);
      if (repl instanceof Malformed) return repl;
      return done(
        {
          type: 'NAPTR',
          name,
          ttl,
          order: buf.readUInt16BE(p),
          preference: buf.readUInt16BE(p + 2),
          flags: flags.value,
          service: service.value,
          regexp: regexp.value,
          replacement: repl.name,
        },
        repl.next,
      );
    }
    case RR_TYPE.SOA: {
      const m = readName(buf, p);
      if (m instanceof Malformed) return m;
      const r = readName(buf, m.next);
      if (r instanceof Malformed) return r;
      const q = r.next;
      if (q + 20 > end) return new Malformed('short SOA RDATA');
      return done(
        {
          type: 'SOA',
          name,
          ttl,
          mname: m.name,
          rname: r.name,
          serial: buf.readUInt32BE(q),
          refresh: buf.readUInt32BE(q + 4),
          retry: buf.readUInt32BE(q + 8),
          expire: buf.readUInt32BE(q + 12),
          minimum: buf.readUInt32BE(q + 16),
        },
        q + 20,
      );
    }
    case RR_TYPE.OPT:
      // RFC 6891 §6.1.2/§6.1.3: CLASS is the sender's UDP payload size, TTL carries the extended RCODE and version.
      return {
        rr: { class: cls, record: { type: 'OTHER', code: type, name, ttl: 0 } },
        next: end,
        opt: { udpSize: cls, extRcode: rawTtl >>> 24, version: (rawTtl >>> 16) & 0xff },
      };
    default:
      return { rr: { class: cls, record: { type: 'OTHER', code: type, name, ttl } }, next: end };
  }
}

/**
 * Parses a DNS message (RFC 1035 §4.1). Never throws: a message that is truncated, has bad compression
 * pointers (loops, forward pointers), over-long names or RDATA that disagrees with its length is reported as
 * `{ ok: false }`. Work is bounded by the message length (each record consumes at least 11 octets).
 */
export function parseMessage(buf: Buffer): ParseResult {
  try {
    return parseUnsafe(buf);
  } catch (e) {
    // Defence in depth: the reads above are bounds-checked, so this is not expected.
    return { ok: false, reason: `parser error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseUnsafe(buf: Buffer): ParseResult {
  if (buf.length < HEADER_OCTETS) return { ok: false, reason: 'shorter than a header' };
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)];
  const msg: DnsMessage = {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  let pos = HEADER_OCTETS;
  for (let i = 0; i < counts[0]; i++) {
    const n = readName(buf, pos);
    if (n instanceof Malformed) return { ok: false, reason: n.reason };
    if (n.next + 4 > buf.length) return { ok: false, reason: 'truncated question' };
    msg.questions.push({ name: n.name, type: buf.readUInt16BE(n.next), class: buf.readUInt16BE(n.next + 2) });
    pos = n.next + 4;
  }
  const sections = [msg.answers, msg.authorities, msg.additionals];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]; i++) {
      // A truncated (TC) message may end mid-section; what was read is still returned.
      if (pos >= buf.length && msg.tc) return { ok: true, message: msg };
      const r = readRecord(buf, pos);
      if (r instanceof Malformed) return msg.tc ? { ok: true, message: msg } : { ok: false, reason: r.reason };
      pos = r.next;
      if (r.opt) {
        if (s !== 2 || msg.edns) return { ok: false, reason: 'misplaced or repeated OPT record' };
        msg.edns = { udpSize: r.opt.udpSize, version: r.opt.version };
        msg.rcode |= r.opt.extRcode << 4;
        continue;
      }
      sections[s].push(r.rr);
    }
  }
  return { ok: true, message: msg };
}
