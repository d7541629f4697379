import { describe, it, expect, afterEach } from 'vitest';
import { DnsClient, DnsError } from './dns-client.js';
import * as dgram from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { CLASS_IN, DnsNameError, RCODE, RR_TYPE, encodeName, encodeQuery, formatIpv6, parseMessage } from './dns-client-wire.js';

// ---------------------------------------------------------------------------------------------- helpers
// A DNS message builder and a loopback server (UDP and TCP on one port) driven by a handler.

interface Rr {
  name: string;
  type: number;
  ttl: number;
  rdata: Buffer;
  class?: number;
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n, 0);
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
};
const str = (s: string): Buffer => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);

const rd = {
  a: (ip: string): Buffer => Buffer.from(ip.split('.').map(Number)),
  aaaa: (groups: number[]): Buffer => Buffer.concat(groups.map(u16)),
  name: (n: string): Buffer => encodeName(n),
  srv: (priority: number, weight: number, port: number, target: string): Buffer =>
    Buffer.concat([u16(priority), u16(weight), u16(port), encodeName(target)]),
  naptr: (order: number, pref: number, flags: string, service: string, regexp: string, replacement: string): Buffer =>
    Buffer.concat([u16(order), u16(pref), str(flags), str(service), str(regexp), encodeName(replacement)]),
  soa: (mname: string, rname: string, minimum: number): Buffer =>
    Buffer.concat([encodeName(mname), encodeName(rname), u32(1), u32(3600), u32(600), u32(86400), u32(minimum)]),
};

const rr = {
  a: (name: string, ttl: number, ip: string): Rr => ({ name, type: RR_TYPE.A, ttl, rdata: rd.a(ip) }),
  aaaa: (name: string, ttl: number, groups: number[]): Rr => ({ name, type: RR_TYPE.AAAA, ttl, rdata: rd.aaaa(groups) }),
  cname: (name: string, ttl: number, target: string): Rr => ({ name, type: RR_TYPE.CNAME, ttl, rdata: rd.name(target) }),
  srv: (name: string, ttl: number, p: number, w: number, port: number, target: string): Rr => ({
    name,
    type: RR_TYPE.SRV,
    ttl,
    rdata: rd.srv(p, w, port, target),
  }),
  naptr: (name: string, ttl: number, order: number, pref: number, service: string, replacement: string): Rr => ({
    name,
    type: RR_TYPE.NAPTR,
    ttl,
    rdata: rd.naptr(order, pref, 'S', service, '', replacement),
  }),
  soa: (name: string, ttl: number, minimum: number): Rr => ({
    name,
    type: RR_TYPE.SOA,
    ttl,
    rdata: rd.soa(`ns.${name}`, `hostmaster.${name}`, minimum),
  }),
};

interface Question {
  id: number;
  name: string;
  type: number;
  /** The query carried an EDNS OPT record. */
  edns: boolean;
}

interface ResponseSpec {
  id?: number;
  qname?: string;
  qtype?: number;
  rcode?: number;
  tc?: boolean;
  an?: Rr[];
  ns?: Rr[];
}

/** An uncompressed response echoing the question unless told otherwise. */
function response(q: Question, s: ResponseSpec = {}): Buffer {
  const an = s.an ?? [];
  const ns = s.ns ?? [];
  const flags = 0x8000 | 0x0100 | 0x0080 | (s.tc ? 0x0200 : 0) | (s.rcode ?? 0);
  const head = Buffer.concat([u16(s.id ?? q.id), u16(flags), u16(1), u16(an.length), u16(ns.length), u16(0)]);
  const question = Buffer.concat([encodeName(s.qname ?? q.name), u16(s.qtype ?? q.type), u16(CLASS_IN)]);
  const rrs = [...an, ...ns].map((r) =>
    Buffer.concat([encodeName(r.name), u16(r.type), u16(r.class ?? CLASS_IN), u32(r.ttl), u16(r.rdata.length), r.rdata]),
  );
  return Buffer.concat([head, question, ...rrs]);
}

type Handler = (q: Question, via: 'udp' | 'tcp') => Buffer[] | Buffer | null;

/** A loopback DNS server on a free port (UDP and TCP on the same port) answering through `handler`. */
class FakeDnsServer {
  port = 0;
  readonly seen: (Question & { via: 'udp' | 'tcp' })[] = [];
  private udp?: dgram.Socket;
  private tcp?: Server;

  constructor(
    public handler: Handler,
    readonly host = '127.0.0.1',
  ) {}

  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  async start(withTcp = true): Promise<this> {
    const udp = dgram.createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    this.udp = udp;
    await new Promise<void>((res) => udp.bind(0, this.host, () => res()));
    this.port = udp.address().port;
    udp.on('message', (buf, rinfo) => {
      const q = this.question(buf, 'udp');
      if (!q) return;
      for (const out of this.answers(q, 'udp')) udp.send(out, rinfo.port, rinfo.address);
    });
    if (withTcp) {
      const tcp = createServer((sock) => {
        let acc = Buffer.alloc(0);
        sock.on('error', () => undefined);
        sock.on('data', (d) => {
          acc = Buffer.concat([acc, d]);
          if (acc.length < 2 || acc.length < 2 + acc.readUInt16BE(0)) return;
          const q = this.question(acc.subarray(2, 2 + acc.readUInt16BE(0)), 'tcp');
          if (!q) return sock.destroy();
          for (const out of this.answers(q, 'tcp')) sock.write(Buffer.concat([u16(out.length), out]));
          sock.end();
        });
      });
      this.tcp = tcp;
      await new Promise<void>((res, rej) => {
        tcp.once('error', rej);
        tcp.listen(this.port, this.host, () => res());
      });
    }
    return this;
  }

  async stop(): Promise<void> {
    this.udp?.close();
    await new Promise<void>((res) => (this.tcp ? this.tcp.close(() => res()) : res()));
  }

  private question(buf: Buffer, via: 'udp' | 'tcp'): Question | undefined {
    const p = parseMessage(buf);
    if (!p.ok || p.message.questions.length !== 1) return undefined;
    const q = {
      id: p.message.id,
      name: p.message.questions[0].name,
      type: p.message.questions[0].type,
      edns: p.message.edns !== undefined,
    };
    this.seen.push({ ...q, via });
    return q;
  }

  private answers(q: Question, via: 'udp' | 'tcp'): Buffer[] {
    const r = this.handler(q, via);
    return r === null ? [] : Array.isArray(r) ? r : [r];
  }
}

// ---------------------------------------------------------------------------------------------- wire format

/** Deterministic PRNG (mulberry32) so a fuzz failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const q1: Question = { id: 0x1234, name: 'pool.example.test', type: RR_TYPE.NAPTR, edns: false };

describe('DNS wire format (RFC 1035 §4)', () => {
  it('encodes a query with RD and an optional EDNS(0) OPT record that the parser reads back', () => {
    const plain = parseMessage(encodeQuery(7, 'Pool.Example.Test.', RR_TYPE.SRV, false));
    expect(plain.ok && plain.message).toMatchObject({
      id: 7,
      qr: false,
      rd: true,
      questions: [{ name: 'Pool.Example.Test', type: 33, class: 1 }],
    });
    const withOpt = parseMessage(encodeQuery(8, 'a.b', RR_TYPE.A, true));
    expect(withOpt.ok && withOpt.message.edns).toEqual({ udpSize: 1232, version: 0 });
  });

  it('refuses names outside RFC 1035 §2.3.4 limits', () => {
    expect(() => encodeQuery(1, 'a..b', 1, false)).toThrow(DnsNameError);
    expect(() => encodeQuery(1, 'x'.repeat(64) + '.test', 1, false)).toThrow(/63/);
    expect(() => encodeQuery(1, Array(130).fill('ab').join('.'), 1, false)).toThrow(/255/);
    expect(() => encodeQuery(1, 'bücher.test', 1, false)).toThrow(/ASCII/);
  });

  it('decodes NAPTR, SRV, A, AAAA, CNAME, SOA with their TTLs', () => {
    const buf = response(q1, {
      an: [
        rr.naptr('pool.example.test', 300, 10, 20, 'SIP+D2T', '_sip._tcp.pool.example.test'),
        rr.srv('_sip._tcp.pool.example.test', 60, 1, 2, 5070, 'a.example.test'),
        rr.a('a.example.test', 30, '192.0.2.1'),
        rr.aaaa('a.example.test', 31, [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]),
        rr.cname('c.example.test', 5, 'a.example.test'),
      ],
      ns: [rr.soa('example.test', 3600, 45)],
    });
    const p = parseMessage(buf);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.message.answers.map((x) => x.record)).toEqual([
      {
        type: 'NAPTR',
        name: 'pool.example.test',
        ttl: 300,
        order: 10,
        preference: 20,
        flags: 'S',
        service: 'SIP+D2T',
        regexp: '',
        replacement: '_sip._tcp.pool.example.test',
      },
      { type: 'SRV', name: '_sip._tcp.pool.example.test', ttl: 60, priority: 1, weight: 2, port: 5070, target: 'a.example.test' },
      { type: 'A', name: 'a.example.test', ttl: 30, address: '192.0.2.1' },
      { type: 'AAAA', name: 'a.example.test', ttl: 31, address: '2001:db8::1' },
      { type: 'CNAME', name: 'c.example.test', ttl: 5, target: 'a.example.test' },
    ]);
    expect(p.message.authorities[0].record).toMatchObject({
      type: 'SOA',
      name: 'example.test',
      ttl: 3600,
      minimum: 45,
      mname: 'ns.example.test',
    });
  });

  it('follows compression pointers (RFC 1035 §4.1.4) and reads a TTL with the top bit set as 0 (RFC 2181 §8)', () => {
    // Answer owner = pointer to the question name at offset 12; CNAME target = "x" + pointer to offset 12.
    const head = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    const question = Buffer.concat([encodeName('sip.example'), Buffer.from([0, 5, 0, 1])]);
    const rdata = Buffer.from([1, 0x78, 0xc0, 12]);
    const answer = Buffer.concat([Buffer.from([0xc0, 12, 0, 5, 0, 1, 0x80, 0, 0, 0, 0, rdata.length]), rdata]);
    const p = parseMessage(Buffer.concat([head, question, answer]));
    expect(p.ok && p.message.answers[0].record).toEqual({ type: 'CNAME', name: 'sip.example', ttl: 0, target: 'x.sip.example' });
  });

  it('rejects pointer loops, forward pointers, over-long names and RDATA length mismatches without throwing', () => {
    const head = (an: number): Buffer => Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, an, 0, 0, 0, 0]);
    // Question name is a pointer to itself.
    expect(parseMessage(Buffer.concat([head(0), Buffer.from([0xc0, 12, 0, 1, 0, 1])]))).toMatchObject({ ok: false });
    // Forward pointer.
    expect(parseMessage(Buffer.concat([head(0), Buffer.from([0xc0, 20, 0, 1, 0, 1, 0, 0, 0, 0])]))).toMatchObject({
      ok: false,
      reason: /forward/,
    });
    // Two labels that point back at each other: a loop through backward pointers, stopped by the caps.
    const loop = Buffer.concat([head(0), Buffer.from([1, 0x61, 0xc0, 12, 0, 1, 0, 1])]);
    expect(parseMessage(loop).ok).toBe(false);
    // 300-octet name built from labels.
    const long = Buffer.concat([
      head(0),
      ...Array(5).fill(Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 0x61)])),
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    expect(parseMessage(long)).toMatchObject({ ok: false, reason: /255/ });
    // A record with RDLENGTH 5.
    const bad = Buffer.concat([
      head(1),
      encodeName('a'),
      Buffer.from([0, 1, 0, 1]),
      encodeName('a'),
      Buffer.from([0, 1, 0, 1, 0, 0, 0, 9, 0, 5, 1, 2, 3, 4, 5]),
    ]);
    expect(parseMessage(bad)).toMatchObject({ ok: false, reason: /4 octets/ });
    // Truncated in the middle of a record.
    const good = response(q1, { an: [rr.srv('x', 1, 1, 1, 1, 'y')] });
    for (let n = 0; n < good.length; n++) expect(parseMessage(good.subarray(0, n)).ok).toBe(false);
  });

  it('prints labels with odd octets escaped (RFC 4343)', () => {
    const head = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]);
    const p = parseMessage(Buffer.concat([head, Buffer.from([3, 0x61, 0x2e, 0x07, 0]), Buffer.from([0, 1, 0, 1])]));
    expect(p.ok && p.message.questions[0].name).toBe('a\\.\\007');
  });

  it('formats IPv6 per RFC 5952', () => {
    const f = (g: number[]): string => formatIpv6(Buffer.concat(g.map((x) => Buffer.from([x >> 8, x & 255]))), 0);
    expect(f([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(f([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(f([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
    expect(f([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
    expect(f([0xfe80, 0, 0, 0, 0xabcd, 0, 0, 0])).toBe('fe80::abcd:0:0:0');
  });

  it('fuzz: random bytes and mutated answers never throw', () => {
    const rnd = prng(0x5eed);
    const base = response(q1, {
      an: [
        rr.naptr('pool.example.test', 300, 10, 20, 'SIP+D2T', '_sip._tcp.pool.example.test'),
        rr.srv('_sip._tcp.pool.example.test', 60, 1, 2, 5070, 'a.example.test'),
        rr.aaaa('a', 1, [1, 2, 3, 4, 5, 6, 7, 8]),
      ],
      ns: [rr.soa('example.test', 3600, 45)],
    });
    let ok = 0;
    for (let i = 0; i < 20_000; i++) {
      let buf: Buffer;
      if (i % 2 === 0) {
        buf = Buffer.alloc(Math.floor(rnd() * 600));
        for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rnd() * 256);
        // Plausible headers and pointer-heavy bodies reach deeper than pure noise.
        if (buf.length > 12 && i % 4 === 0) buf.writeUInt16BE(0x8180, 2);
        if (i % 8 === 0) for (let j = 12; j < buf.length; j += 2) buf[j] = 0xc0 | (buf[j] & 1);
      } else {
        buf = Buffer.from(base);
        const flips = 1 + Math.floor(rnd() * 8);
        for (let k = 0; k < flips; k++) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
        if (i % 3 === 0) buf = buf.subarray(0, Math.floor(rnd() * buf.length));
      }
      const r = parseMessage(buf);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) ok++;
    }
    expect(ok).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------- client

const servers: FakeDnsServer[] = [];
async function serve(handler: Handler, host = '127.0.0.1', withTcp = true): Promise<FakeDnsServer> {
  const s = await new FakeDnsServer(handler, host).start(withTcp);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const zoneHandler: Handler = (q) => {
  const n = q.name.toLowerCase();
  if (n === 'pool.example.test' && q.type === RR_TYPE.NAPTR)
    return response(q, { an: [rr.naptr(q.name, 300, 10, 10, 'SIP+D2U', '_sip._udp.pool.example.test')] });
  if (n === '_sip._udp.pool.example.test' && q.type === RR_TYPE.SRV)
    return response(q, { an: [rr.srv(q.name, 120, 10, 0, 5070, 'a.example.test')] });
  if (n === 'a.example.test' && q.type === RR_TYPE.A)
    return response(q, { an: [rr.a(q.name, 30, '127.0.0.1'), rr.a(q.name, 20, '127.0.0.2')] });
  if (n === 'a.example.test') return response(q, { ns: [rr.soa('example.test', 3600, 15)] });
  if (n === 'alias.example.test')
    return response(q, {
      an: [
        rr.cname(q.name, 10, 'mid.example.test'),
        rr.cname('mid.example.test', 40, 'a.example.test'),
        rr.a('a.example.test', 30, '127.0.0.1'),
      ],
    });
  if (n === 'lazy.example.test') return response(q, { an: [rr.cname(q.name, 10, 'a.example.test')] });
  if (n === 'loop.example.test')
    return response(q, { an: [rr.cname(q.name, 10, 'loop2.example.test'), rr.cname('loop2.example.test', 10, q.name)] });
  if (n === 'nosoa.example.test') return response(q, { rcode: RCODE.NXDOMAIN });
  return response(q, { rcode: RCODE.NXDOMAIN, ns: [rr.soa('example.test', 20, 600)] });
};

describe('DnsClient', () => {
  it('returns NAPTR, SRV and A records with the smallest TTL of the RRset', async () => {
    const s = await serve(zoneHandler);
    const c = new DnsClient({ servers: [s.address], timeoutMs: 1000 });
    expect(await c.query('pool.example.test', 'NAPTR')).toMatchObject({
      ttl: 300,
      records: [{ service: 'SIP+D2U', replacement: '_sip._udp.pool.example.test' }],
    });
    expect(await c.query('_sip._udp.pool.example.test', 'SRV')).toMatchObject({
      ttl: 120,
      records: [{ port: 5070, target: 'a.example.test' }],
    });
    const a = await c.resolve4('A.Example.Test');
    expect(a.ttl).toBe(20);
    expect(a.records.map((r) => r.address)).toEqual(['127.0.0.1', '127.0.0.2']);
    expect(s.seen.every((q) => q.edns && q.via === 'udp')).toBe(true);
    expect(new Set(s.seen.map((q) => q.id)).size).toBe(3); // fresh random ids
  });

  it('works with an IPv6 server ([::1]:port)', async () => {
    const s = await serve(zoneHandler, '::1');
    const c = new DnsClient({ servers: [s.address] });
    expect((await c.query('a.example.test', 'A')).records).toHaveLength(2);
  });

  it('negative answers carry the RFC 2308 TTL: min(SOA TTL, MINIMUM); 0 without SOA', async () => {
    const s = await serve(zoneHandler);
    const c = new DnsClient({ servers: [s.address] });
    expect(await c.query('nx.example.test', 'A')).toMatchObject({ negative: 'NXDOMAIN', ttl: 20, records: [] });
    expect(await c.query('a.example.test', 'AAAA')).toMatchObject({ negative: 'NODATA', ttl: 15 });
    expect(await c.query('nosoa.example.test', 'A')).toMatchObject({ negative: 'NXDOMAIN', ttl: 0 });
    const e = await c.resolveSrv('nx.example.test').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DnsError);
    expect(e).toMatchObject({ code: 'ENOTFOUND', negativeTtl: 20 });
    await expect(c.resolve6('a.example.test')).rejects.toMatchObject({ code: 'ENODATA' });
  });

  it('follows CNAME chains (TTL = min over the chain), re-asks when the server did not chase, stops loops', async () => {
    const s = await serve(zoneHandler);
    const c = new DnsClient({ servers: [s.address] });
    const a = await c.query('alias.example.test', 'A');
    expect(a).toMatchObject({ canonicalName: 'a.example.test', ttl: 10, records: [{ address: '127.0.0.1' }] });
    expect(a.cnames.map((x) => x.target)).toEqual(['mid.example.test', 'a.example.test']);
    const lazy = await c.query('lazy.example.test', 'A');
    expect(lazy).toMatchObject({ canonicalName: 'a.example.test', ttl: 10 });
    expect(s.seen.filter((q) => q.name === 'a.example.test')).toHaveLength(1);
    await expect(c.query('loop.example.test', 'A')).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('ignores answers with a wrong id, a wrong question or garbage, and takes the genuine one (RFC 5452 §9.1)', async () => {
    const s = await serve((q) => [
      response(q, { id: (q.id + 1) & 0xffff, an: [rr.a(q.name, 60, '6.6.6.6')] }),
      response(q, { qname: 'evil.example', an: [rr.a('evil.example', 60, '6.6.6.6')] }),
      response(q, { qtype: RR_TYPE.AAAA, an: [rr.a(q.name, 60, '6.6.6.6')] }),
      Buffer.from([1, 2, 3]),
      response(q, { an: [rr.a(q.name, 60, '192.0.2.7')] }),
    ]);
    const c = new DnsClient({ servers: [s.address] });
    expect((await c.query('x.example.test', 'A')).records.map((r) => r.address)).toEqual(['192.0.2.7']);
    expect(c.stats.ignored).toBe(4);
  });

  it('retries over TCP when the UDP answer is truncated (RFC 7766 §5)', async () => {
    const many = (q: Question) => Array.from({ length: 40 }, (_, i) => rr.srv(q.name, 60, 10, i, 5060 + i, `host-${i}.example.test`));
    const s = await serve((q, via) => (via === 'udp' ? response(q, { tc: true }) : response(q, { an: many(q) })));
    const c = new DnsClient({ servers: [s.address] });
    const a = await c.query('_sip._tcp.big.example.test', 'SRV');
    expect(a.records).toHaveLength(40);
    expect(c.stats).toMatchObject({ tcp: 1, sent: 2 });
    expect(s.seen.map((q) => q.via)).toEqual(['udp', 'tcp']);
  });

  it('moves to the next server on timeout and SERVFAIL; fails with the most telling error', async () => {
    const silent = await serve(() => null);
    const failing = await serve((q) => response(q, { rcode: RCODE.SERVFAIL }));
    const good = await serve(zoneHandler);
    const c = new DnsClient({ servers: [silent.address, failing.address, good.address], timeoutMs: 80, attempts: 1 });
    expect((await c.query('a.example.test', 'A')).records).toHaveLength(2);
    expect([silent.seen.length, failing.seen.length, good.seen.length]).toEqual([1, 1, 1]);

    const c2 = new DnsClient({ servers: [silent.address, failing.address], timeoutMs: 50, attempts: 2 });
    await expect(c2.query('a.example.test', 'A')).rejects.toMatchObject({ code: 'ESERVFAIL' });
    expect([silent.seen.length, failing.seen.length]).toEqual([3, 3]);
    const c3 = new DnsClient({ servers: [silent.address], timeoutMs: 50, attempts: 3 });
    await expect(c3.query('a.example.test', 'A')).rejects.toMatchObject({ code: 'ETIMEOUT' });
    expect(silent.seen.length).toBe(6);
  });

  it('asks again without EDNS when the server answers FORMERR (RFC 6891 §7)', async () => {
    const s = await serve((q) => (q.edns ? response(q, { rcode: RCODE.FORMERR }) : response(q, { an: [rr.a(q.name, 9, '192.0.2.9')] })));
    const c = new DnsClient({ servers: [s.address] });
    expect((await c.query('old.example.test', 'A')).ttl).toBe(9);
    expect(s.seen.map((q) => q.edns)).toEqual([true, false]);
  });

  it('reports refused connections, garbage-only answers and bad names with codes', async () => {
    const s = await serve(() => null);
    const port = s.port;
    await s.stop();
    servers.length = 0;
    await expect(new DnsClient({ servers: [`127.0.0.1:${port}`], timeoutMs: 500, attempts: 1 }).query('a.test', 'A')).rejects.toMatchObject(
      { code: 'ECONNREFUSED' },
    );
    const junk = await serve((q) => Buffer.from([q.id >> 8, q.id & 255, 0x81, 0x80, 0, 1, 0, 9]));
    await expect(new DnsClient({ servers: [junk.address], timeoutMs: 50, attempts: 1 }).query('a.test', 'A')).rejects.toMatchObject({
      code: 'EBADRESP',
    });
    await expect(new DnsClient({ servers: [junk.address] }).query('a..test', 'A')).rejects.toMatchObject({ code: 'EBADNAME' });
  });

  it('a TCP answer for another question is refused, not accepted', async () => {
    const s = await serve((q, via) =>
      via === 'udp' ? response(q, { tc: true }) : response(q, { id: q.id ^ 1, an: [rr.a(q.name, 9, '6.6.6.6')] }),
    );
    const c = new DnsClient({ servers: [s.address], attempts: 1 });
    await expect(c.query('t.example.test', 'A')).rejects.toMatchObject({ code: 'EBADRESP' });
  });
});
