import { describe, it, expect } from 'vitest';
import { SipResolver, orderSrv, type DnsBackend, type SipResolverOptions } from './resolver.js';
import { DnsError, type DnsAnswer, type DnsRecord, type QueryType, type RecordMap, type SrvRecord } from './dns-client.js';

/** A zone for the fake backend: name -> records, or a negative answer with its RFC 2308 TTL, or a failure. */
type Zone = Record<string, { records?: DnsRecord[]; nx?: number; fail?: boolean }>;

const naptr = (name: string, order: number, pref: number, service: string, replacement: string, ttl = 100): DnsRecord => ({
  type: 'NAPTR',
  name,
  ttl,
  order,
  preference: pref,
  flags: 'S',
  service,
  regexp: '',
  replacement,
});
const srv = (name: string, target: string, port: number, priority: number, weight: number, ttl = 50): DnsRecord => ({
  type: 'SRV',
  name,
  ttl,
  priority,
  weight,
  port,
  target,
});
const a = (name: string, address: string, ttl: number): DnsRecord => ({ type: 'A', name, ttl, address });
const aaaa = (name: string, address: string, ttl: number): DnsRecord => ({ type: 'AAAA', name, ttl, address });

function zone(): Zone {
  return {
    'pool.example': {
      records: [
        naptr('pool.example', 10, 10, 'SIP+D2T', '_sip._tcp.pool.example'),
        naptr('pool.example', 20, 10, 'SIPS+D2T', '_sips._tcp.pool.example'),
      ],
    },
    '_sip._tcp.pool.example': {
      records: [srv('_sip._tcp.pool.example', 'b.example', 5080, 20, 0), srv('_sip._tcp.pool.example', 'a.example', 5070, 10, 0)],
    },
    '_sips._tcp.pool.example': { records: [srv('_sips._tcp.pool.example', 'b.example', 5081, 10, 0)] },
    '_sip._udp.srvonly.example': { records: [srv('_sip._udp.srvonly.example', 'a.example', 5090, 1, 1)] },
    '_sip._udp.dot.example': { records: [srv('_sip._udp.dot.example', '.', 0, 0, 0)] },
    'a.example': { records: [a('a.example', '10.0.0.1', 2)] },
    'b.example': { records: [a('b.example', '10.0.0.2', 300), aaaa('b.example', 'fd00::2', 300)] },
    'plain.example': { records: [a('plain.example', '10.0.0.3', 300)] },
    'zero.example': { records: [a('zero.example', '10.0.0.4', 0)] },
    'huge.example': { records: [a('huge.example', '10.0.0.5', 1_000_000)] },
    'gone.example': { nx: 30 },
    'nosoa.example': { nx: 0 },
    'longneg.example': { nx: 10_800 },
    'broken.example': { fail: true },
  };
}

class FakeDns implements DnsBackend {
  readonly calls: string[] = [];
  constructor(public z: Zone = zone()) {}
  count(q: string): number {
    return this.calls.filter((c) => c === q).length;
  }
  async query<T extends QueryType>(name: string, type: T): Promise<DnsAnswer<RecordMap[T]>> {
    this.calls.push(`${type} ${name}`);
    const e = this.z[name];
    if (e?.fail) throw new DnsError('ETIMEOUT', name);
    if (!e || e.nx !== undefined) return { name, canonicalName: name, records: [], cnames: [], ttl: e?.nx ?? 60, negative: 'NXDOMAIN' };
    const records = (e.records ?? []).filter((r): r is RecordMap[T] => r.type === type);
    if (!records.length) return { name, canonicalName: name, records: [], cnames: [], ttl: 60, negative: 'NODATA' };
    return { name, canonicalName: name, records, cnames: [], ttl: Math.min(...records.map((r) => r.ttl)) };
  }
}

function setup(opts: SipResolverOptions = {}, supported?: ('udp' | 'tcp' | 'tls')[]) {
  const clock = { t: 1_000_000 };
  const dns = new FakeDns();
  const r = new SipResolver(dns, () => clock.t, supported, { lookup: false, ...opts });
  return { clock, dns, r, advance: (s: number) => (clock.t += s * 1000) };
}

describe('SipResolver (RFC 3263 §4)', () => {
  it('IP literals resolve synchronously with default ports', () => {
    const { r } = setup();
    expect(r.resolveLiteral({ host: '127.0.0.1' })).toEqual({ transport: 'udp', host: '127.0.0.1', port: 5060 });
    expect(r.resolveLiteral({ host: '[::1]', secure: true })).toEqual({ transport: 'tls', host: '::1', port: 5061 });
    expect(r.resolveLiteral({ host: 'x.example' })).toBeUndefined();
  });

  it('NAPTR -> SRV (priority order) -> A and AAAA', async () => {
    const { r } = setup();
    expect(await r.resolve({ host: 'pool.example' })).toEqual([
      { transport: 'tcp', host: '10.0.0.1', port: 5070 },
      { transport: 'tcp', host: '10.0.0.2', port: 5080 },
      { transport: 'tcp', host: 'fd00::2', port: 5080 },
    ]);
  });

  it('sips: only SIPS+D2T NAPTRs (§4.1); unsupported transports are skipped', async () => {
    expect(await setup().r.resolve({ host: 'pool.example', secure: true })).toEqual([
      { transport: 'tls', host: '10.0.0.2', port: 5081 },
      { transport: 'tls', host: 'fd00::2', port: 5081 },
    ]);
    expect((await setup({}, ['udp', 'tls']).r.resolve({ host: 'Pool.Example.' }))[0]).toEqual({
      transport: 'tls',
      host: '10.0.0.2',
      port: 5081,
    });
  });

  it('SRV without NAPTR, then A with the default port; explicit port/transport skip NAPTR', async () => {
    const { r, dns } = setup();
    expect(await r.resolve({ host: 'srvonly.example' })).toEqual([{ transport: 'udp', host: '10.0.0.1', port: 5090 }]);
    expect(await r.resolve({ host: 'plain.example' })).toEqual([{ transport: 'udp', host: '10.0.0.3', port: 5060 }]);
    expect(await r.resolve({ host: 'plain.example', port: 5099, transport: 'tcp' })).toEqual([
      { transport: 'tcp', host: '10.0.0.3', port: 5099 },
    ]);
    expect(await r.resolve({ host: 'plain.example', transport: 'tls' })).toEqual([{ transport: 'tls', host: '10.0.0.3', port: 5061 }]);
    expect(dns.count('SRV _sips._tcp.plain.example')).toBe(1);
    expect(await r.resolve({ host: 'nowhere.example' })).toEqual([]);
    expect(await r.address('b.example')).toBe('10.0.0.2');
    expect(await r.address('[fd00::9]')).toBe('fd00::9');
  });

  it('an SRV target of "." means no service (RFC 2782)', async () => {
    const { r, dns } = setup();
    expect(await r.resolve({ host: 'dot.example', transport: 'udp' })).toEqual([]);
    expect(dns.calls.some((c) => c.startsWith('A .'))).toBe(false);
  });

  it('caches each RRset for its own TTL (fake clock)', async () => {
    const { r, dns, advance } = setup();
    const q = { host: 'pool.example' };
    await r.resolve(q);
    await r.resolve(q);
    expect([
      dns.count('NAPTR pool.example'),
      dns.count('SRV _sip._tcp.pool.example'),
      dns.count('A a.example'),
      dns.count('A b.example'),
    ]).toEqual([1, 1, 1, 1]);
    advance(1.9); // a.example A has TTL 2
    await r.resolve(q);
    expect(dns.count('A a.example')).toBe(1);
    advance(0.2);
    await r.resolve(q);
    expect([
      dns.count('NAPTR pool.example'),
      dns.count('SRV _sip._tcp.pool.example'),
      dns.count('A a.example'),
      dns.count('A b.example'),
    ]).toEqual([1, 1, 2, 1]);
    advance(48); // t = 50.1 s: SRV (TTL 50) expired, NAPTR (100) not
    await r.resolve(q);
    expect([dns.count('NAPTR pool.example'), dns.count('SRV _sip._tcp.pool.example')]).toEqual([1, 2]);
    advance(50); // t = 100.1 s
    await r.resolve(q);
    expect(dns.count('NAPTR pool.example')).toBe(2);
    expect(dns.count('A b.example')).toBe(1); // TTL 300
  });

  it('clamps TTLs: 0 becomes the 1 s floor, huge ones the 1 h cap', async () => {
    const { r, dns, advance } = setup();
    await r.address('zero.example');
    await r.address('zero.example');
    expect(dns.count('A zero.example')).toBe(1);
    advance(1.01);
    await r.address('zero.example');
    expect(dns.count('A zero.example')).toBe(2);
    await r.address('huge.example');
    advance(3599);
    await r.address('huge.example');
    expect(dns.count('A huge.example')).toBe(1);
    advance(2);
    await r.address('huge.example');
    expect(dns.count('A huge.example')).toBe(2);
  });

  it('negative caching for the RFC 2308 TTL, capped; without SOA only the floor', async () => {
    const { r, dns, advance } = setup();
    expect(await r.address('gone.example')).toBeUndefined();
    advance(29.9);
    await r.address('gone.example');
    expect(dns.count('A gone.example')).toBe(1);
    advance(0.2);
    await r.address('gone.example');
    expect(dns.count('A gone.example')).toBe(2);

    await r.address('nosoa.example');
    advance(1.01);
    await r.address('nosoa.example');
    expect(dns.count('A nosoa.example')).toBe(2);

    await r.address('longneg.example');
    advance(299);
    await r.address('longneg.example');
    expect(dns.count('A longneg.example')).toBe(1);
    advance(2);
    await r.address('longneg.example');
    expect(dns.count('A longneg.example')).toBe(2);
  });

  it('failures are remembered briefly; an expired answer is served stale while DNS fails (RFC 8767)', async () => {
    const { r, dns, advance } = setup();
    expect(await r.address('broken.example')).toBeUndefined();
    advance(4.9);
    await r.address('broken.example');
    expect(dns.count('A broken.example')).toBe(1);
    advance(0.2);
    await r.address('broken.example');
    expect(dns.count('A broken.example')).toBe(2);

    expect(await r.address('plain.example')).toBe('10.0.0.3');
    dns.z['plain.example'] = { fail: true };
    advance(301);
    expect(await r.address('plain.example')).toBe('10.0.0.3');
    expect(dns.count('A plain.example')).toBe(2);
    advance(29); // the stale answer stands 30 s before the next try
    await r.address('plain.example');
    expect(dns.count('A plain.example')).toBe(2);
    dns.z['plain.example'] = { nx: 60 }; // an authoritative negative answer replaces it
    advance(2);
    expect(await r.address('plain.example')).toBeUndefined();
  });

  it('serve-stale can be turned off', async () => {
    const { r, dns, advance } = setup({ maxStale: 0 });
    await r.address('plain.example');
    dns.z['plain.example'] = { fail: true };
    advance(301);
    expect(await r.address('plain.example')).toBeUndefined();
  });

  it('concurrent lookups share one query', async () => {
    const { r, dns } = setup();
    await Promise.all([r.resolve({ host: 'pool.example' }), r.resolve({ host: 'pool.example' }), r.address('a.example')]);
    expect([dns.count('NAPTR pool.example'), dns.count('A a.example')]).toEqual([1, 1]);
  });

  it('localhost is loopback without DNS (RFC 6761 §6.3)', async () => {
    const { r, dns } = setup();
    expect(await r.resolve({ host: 'localhost', port: 5070, transport: 'tcp' })).toEqual([
      { transport: 'tcp', host: '127.0.0.1', port: 5070 },
      { transport: 'tcp', host: '::1', port: 5070 },
    ]);
    expect(await r.address('LOCALHOST')).toBe('127.0.0.1');
    expect(dns.calls.filter((c) => c.includes('localhost'))).toEqual([]);
  });

  it('falls back to the system lookup (hosts file) for A/AAAA when DNS has none, cached 30 s', async () => {
    const asked: string[] = [];
    const { r, advance } = setup({ lookup: async (h) => (asked.push(h), h === 'vm' ? ['127.0.0.1'] : []) });
    expect(await r.resolve({ host: 'vm', port: 5060 })).toEqual([{ transport: 'udp', host: '127.0.0.1', port: 5060 }]);
    expect(await r.address('plain.example')).toBe('10.0.0.3');
    await r.address('vm');
    expect(asked).toEqual(['vm']);
    advance(31);
    await r.address('vm');
    expect(asked).toEqual(['vm', 'vm']);
  });

  it('bounds the cache', async () => {
    const { r } = setup({ maxEntries: 5 });
    for (let i = 0; i < 20; i++) await r.address(`n${i}.example`);
    expect(r.cacheSize).toBeLessThanOrEqual(5);
  });
});

describe('RFC 2782 SRV order', () => {
  const rec = (target: string, priority: number, weight: number): SrvRecord => ({
    type: 'SRV',
    name: '_sip._udp.x',
    ttl: 60,
    priority,
    weight,
    port: 5060,
    target,
  });
  /** A fixed-seed PRNG (mulberry32): the test is about proportions, so it must not depend on Math.random. */
  const lcg =
    (seed: number): (() => number) =>
    () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };

  it('keeps priorities in order and spreads the first choice within one priority by weight', () => {
    const recs = [rec('backup', 20, 100), rec('a', 10, 60), rec('b', 10, 30), rec('c', 10, 10)];
    const random = lcg(42);
    const first: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) {
      const order = orderSrv(recs, random).map((r) => r.target);
      expect(order.at(-1)).toBe('backup');
      expect([...order].sort()).toEqual(['a', 'b', 'backup', 'c']);
      first[order[0]]++;
    }
    // Expected 6,000 / 3,000 / 1,000 (weights 60:30:10 out of 100, pick uniform in 0..100).
    expect(first.a).toBeGreaterThan(5_600);
    expect(first.a).toBeLessThan(6_400);
    expect(first.b).toBeGreaterThan(2_700);
    expect(first.b).toBeLessThan(3_300);
    expect(first.c).toBeGreaterThan(800);
    expect(first.c).toBeLessThan(1_200);
  });

  it('gives weight-0 records a very small chance of going first, and orders all-zero groups', () => {
    let zeroFirst = 0;
    const random = lcg(7);
    for (let i = 0; i < 10_000; i++) if (orderSrv([rec('w', 1, 1000), rec('z', 1, 0)], random)[0].target === 'z') zeroFirst++;
    expect(zeroFirst).toBeLessThan(50); // 1 in 1001
    expect(
      orderSrv([rec('p', 1, 0), rec('q', 1, 0)], () => 0.99)
        .map((r) => r.target)
        .sort(),
    ).toEqual(['p', 'q']);
  });
});
