import * as dns from 'node:dns';
import { isIP } from 'node:net';
import { DnsClient, type DnsAnswer, type NaptrRecord, type QueryType, type RecordMap, type SrvRecord } from './dns-client.js';
import { defaultPort, unbracket, type TransportAddress, type TransportProtocol } from '../address.js';

/** A next hop after RFC 3263 resolution: `host` is an IP literal without brackets. */
export type ResolvedHop = TransportAddress;

export interface HopQuery {
  host: string;
  port?: number;
  transport?: TransportProtocol;
  /** sips: URI (RFC 3263 §4.1: TLS only). */
  secure?: boolean;
}

/**
 * The DNS the resolver needs: one RRset lookup that returns its TTL, negative answers (RFC 2308) as values
 * and failures as rejections. `DnsClient` (the stub resolver in dns-client.ts) is the production backend.
 */
export interface DnsBackend {
  query<T extends QueryType>(name: string, type: T): Promise<DnsAnswer<RecordMap[T]>>;
}

/** Cache bounds and fallbacks; every duration in seconds. */
export interface SipResolverOptions {
  /**
   * Address lookup used when DNS has no A/AAAA for a name (NXDOMAIN, NODATA or failure): by default the system
   * resolver (`dns.promises.lookup`, i.e. getaddrinfo with /etc/hosts), whose answers carry no TTL and are kept
   * `lookupTtl`. `false` disables it (DNS only).
   */
  lookup?: ((host: string) => Promise<string[]>) | false;
  /** Floor for any cached answer (default 1): TTL 0 answers would otherwise mean a query per request. */
  minTtl?: number;
  /** Cap for positive answers (default 3600). */
  maxTtl?: number;
  /** Cap for negative answers (default 300; RFC 2308 §5 allows up to 3 h, a proxy wants DNS fixes seen sooner). */
  maxNegativeTtl?: number;
  /** How long a failure (timeout, SERVFAIL) is remembered (default 5; RFC 2308 §7.1 caps it at 5 min). */
  failureTtl?: number;
  /** TTL of `lookup` answers (default 30). */
  lookupTtl?: number;
  /** RFC 8767 serve-stale: how long past expiry an answer may stand in while DNS fails (default 86400; 0 = off). */
  maxStale?: number;
  /** Cache entries kept at most (default 10000; the oldest go first). Names come from messages, so bound them. */
  maxEntries?: number;
  /** Source of the RFC 2782 weighted pick among SRV records of one priority (default Math.random; tests fix it). */
  random?: () => number;
}

/** One cached RRset (or negative/failed lookup) and when it goes stale. */
interface CacheEntry {
  expires: number;
  /** Last moment this value may be served stale (RFC 8767); 0 for negative and failed entries. */
  staleUntil: number;
  records: readonly unknown[];
}

/** RFC 8767 §4: the TTL given to a stale answer served after a failed refresh. */
const STALE_ANSWER_TTL_S = 30;

/**
 * RFC 3263 §4 server location: transport from the URI, else NAPTR (§4.1), else SRV probing, else UDP (TLS for
 * sips); port from the URI, else SRV (§4.2), else the default. IP literals resolve synchronously (the hot path
 * never awaits for them).
 *
 * Caching: every RRset (NAPTR, SRV, A and AAAA separately) is kept for its own TTL as the DNS answer gave it,
 * clamped to [minTtl, maxTtl]; NXDOMAIN/NODATA for the RFC 2308 §5 negative TTL (min of the SOA's TTL and
 * MINIMUM) clamped to [minTtl, maxNegativeTtl] — 'minTtl' when the answer had no SOA; failures for `failureTtl`,
 * during which an expired positive answer is served stale (RFC 8767). Concurrent lookups of one RRset share a
 * single query. `localhost` names answer loopback without DNS (RFC 6761 §6.3).
 */
export class SipResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<readonly unknown[]>>();
  private readonly o: Required<Omit<SipResolverOptions, 'lookup'>>;
  private readonly lookup: ((host: string) => Promise<string[]>) | false;

  constructor(
    private readonly backend: DnsBackend = new DnsClient(),
    private readonly now: () => number = Date.now,
    private readonly supported: readonly TransportProtocol[] = ['udp', 'tcp', 'tls'],
    opts: SipResolverOptions = {},
  ) {
    this.o = {
      minTtl: opts.minTtl ?? 1,
      maxTtl: opts.maxTtl ?? 3600,
      maxNegativeTtl: opts.maxNegativeTtl ?? 300,
      failureTtl: opts.failureTtl ?? 5,
      lookupTtl: opts.lookupTtl ?? 30,
      maxStale: opts.maxStale ?? 86_400,
      maxEntries: opts.maxEntries ?? 10_000,
      random: opts.random ?? Math.random,
    };
    this.lookup = opts.lookup ?? systemLookup;
  }

  /** Synchronous answer for IP literals, else undefined (use `resolve`). */
  resolveLiteral(q: HopQuery): ResolvedHop | undefined {
    const host = unbracket(q.host);
    if (isIP(host) === 0) return undefined;
    const transport = q.transport ?? (q.secure ? 'tls' : 'udp');
    return { transport, host, port: q.port ?? defaultPort(transport) };
  }

  /** Ordered candidate hops (best first); empty when the name does not resolve (RFC 3263 §4). */
  async resolve(q: HopQuery): Promise<ResolvedHop[]> {
    const lit = this.resolveLiteral(q);
    if (lit) return [lit];
    const host = canonical(q.host);
    // §4.1: transport explicit, or a port given -> no NAPTR.
    if (q.transport || q.port !== undefined) {
      const transport = q.transport ?? (q.secure ? 'tls' : 'udp');
      if (q.port !== undefined) return this.withAddresses(host, q.port, transport);
      const viaSrv = await this.srvHops(srvName(host, transport), transport);
      return viaSrv.length ? viaSrv : this.withAddresses(host, defaultPort(transport), transport);
    }
    const naptr = await this.rrset(host, 'NAPTR');
    const usable = naptr
      .filter((r) => r.flags.toLowerCase() === 's')
      .map((r) => ({ r, t: serviceTransport(r.service, q.secure) }))
      .filter((x): x is { r: NaptrRecord; t: TransportProtocol } => x.t !== undefined && this.supported.includes(x.t))
      .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference);
    for (const { r, t } of usable) {
      const hops = await this.srvHops(canonical(r.replacement), t);
      if (hops.length) return hops;
    }
    const order: TransportProtocol[] = q.secure ? ['tls'] : ['udp', 'tcp', 'tls'];
    for (const t of order) {
      if (!this.supported.includes(t)) continue;
      const hops = await this.srvHops(srvName(host, t), t);
      if (hops.length) return hops;
    }
    const t = q.secure ? 'tls' : 'udp';
    return this.withAddresses(host, defaultPort(t), t);
  }

  /** Resolves a host name to its first address (used for `resolve-host`). */
  async address(host: string): Promise<string | undefined> {
    const lit = unbracket(host);
    if (isIP(lit)) return lit;
    const a = await this.addresses(canonical(host));
    return a[0];
  }

  /** Cached entries (for diagnostics and tests). */
  get cacheSize(): number {
    return this.cache.size;
  }

  private async srvHops(name: string, transport: TransportProtocol): Promise<ResolvedHop[]> {
    const srv = await this.rrset(name, 'SRV');
    const out: ResolvedHop[] = [];
    for (const s of orderSrv(srv, this.o.random)) {
      // RFC 2782: a target of "." means the service is decidedly not available at this domain.
      if (s.target === '' || s.target === '.') continue;
      for (const a of await this.addresses(canonical(s.target))) out.push({ transport, host: a, port: s.port });
    }
    return out;
  }

  private async withAddresses(host: string, port: number, transport: TransportProtocol): Promise<ResolvedHop[]> {
    return (await this.addresses(host)).map((a) => ({ transport, host: a, port }));
  }

  /** A then AAAA, each its own cached RRset; the system lookup when DNS has neither. */
  private async addresses(host: string): Promise<string[]> {
    // RFC 6761 §6.3: localhost names are loopback and are not sent to DNS servers.
    if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1', '::1'];
    const [a4, a6] = await Promise.all([this.rrset(host, 'A'), this.rrset(host, 'AAAA')]);
    const out = [...a4.map((r) => r.address), ...a6.map((r) => r.address)];
    if (out.length || !this.lookup) return out;
    return (await this.cached(`lookup:${host}`, async () => {
      const lookup = this.lookup as (h: string) => Promise<string[]>;
      try {
        const addrs = await lookup(host);
        return { records: addrs, ttl: this.o.lookupTtl, positive: addrs.length > 0 };
      } catch {
        // Not found by the system either: remembered as long as a found answer would be.
        return { records: [], ttl: this.o.lookupTtl, positive: false };
      }
    })) as string[];
  }

  /** One RRset from the cache or DNS; never rejects (failures read as empty). */
  private rrset<T extends QueryType>(name: string, type: T): Promise<readonly RecordMap[T][]> {
    // The key names the type, so the entry holds that type's records.
    return this.cached(`${type}:${name}`, async () => {
      try {
        const a = await this.backend.query(name, type);
        if (a.negative || a.records.length === 0) {
          // RFC 2308 §5 TTL from the SOA; 0 (no SOA: "SHOULD NOT be cached") becomes the floor.
          return { records: [], ttl: Math.min(Math.max(a.ttl, this.o.minTtl), this.o.maxNegativeTtl), positive: false };
        }
        return { records: a.records, ttl: Math.min(Math.max(a.ttl, this.o.minTtl), this.o.maxTtl), positive: true };
      } catch {
        return undefined;
      }
    }) as Promise<readonly RecordMap[T][]>;
  }

  /**
   * The cache: a fresh entry answers; otherwise one shared fetch. `undefined` from the fetch is a failure: an
   * expired positive entry still within maxStale is served again for STALE_ANSWER_TTL_S (RFC 8767 §4), else
   * the failure is remembered as empty for failureTtl.
   */
  private cached(
    key: string,
    fetch: () => Promise<{ records: readonly unknown[]; ttl: number; positive: boolean } | undefined>,
  ): Promise<readonly unknown[]> {
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) return Promise.resolve(hit.records);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = fetch()
      .catch(() => undefined)
      .then((r) => {
        this.inflight.delete(key);
        const now = this.now();
        if (r) {
          this.store(key, {
            expires: now + r.ttl * 1000,
            staleUntil: r.positive ? now + (r.ttl + this.o.maxStale) * 1000 : 0,
            records: r.records,
          });
          return r.records;
        }
        const old = this.cache.get(key);
        if (old && old.records.length && old.staleUntil > now) {
          this.store(key, { ...old, expires: now + Math.min(STALE_ANSWER_TTL_S, Math.max(1, (old.staleUntil - now) / 1000)) * 1000 });
          return old.records;
        }
        this.store(key, { expires: now + this.o.failureTtl * 1000, staleUntil: 0, records: [] });
        return [];
      });
    this.inflight.set(key, p);
    return p;
  }

  private store(key: string, e: CacheEntry): void {
    this.cache.delete(key);
    if (this.cache.size >= this.o.maxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, e);
  }
}

async function systemLookup(host: string): Promise<string[]> {
  const l = await dns.promises.lookup(host, { all: true });
  return l.map((x) => x.address);
}

/** Lower case, no trailing dot (DNS names compare case-insensitively, RFC 4343). */
function canonical(h: string): string {
  const s = h.toLowerCase();
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function srvName(host: string, t: TransportProtocol): string {
  return t === 'tls' ? `_sips._tcp.${host}` : `_sip._${t}.${host}`;
}

/** RFC 3263 §4.1 service fields (RFC 3263 §9 registrations); sips URIs accept only TLS. */
function serviceTransport(service: string, secure?: boolean): TransportProtocol | undefined {
  const s = service.toUpperCase();
  if (s === 'SIPS+D2T') return 'tls';
  if (secure) return undefined;
  if (s === 'SIP+D2U') return 'udp';
  if (s === 'SIP+D2T') return 'tcp';
  return undefined;
}

/**
 * RFC 2782 order (RFC 3263 §4.4): priority ascending; within a priority, a weighted random pick repeated until
 * none is left, so load spreads by weight across proxies that share a pool. Weight-0 records are placed first
 * before each pick, which gives them a very small chance of being chosen first, as the RFC asks.
 * `random` returns [0, 1).
 */
export function orderSrv(recs: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = [...recs].sort((a, b) => a.priority - b.priority);
  const out: SrvRecord[] = [];
  for (let i = 0; i < byPriority.length;) {
    let j = i;
    while (j < byPriority.length && byPriority[j].priority === byPriority[i].priority) j++;
    const group = byPriority.slice(i, j).sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (group.length > 0) {
      const total = group.reduce((n, r) => n + r.weight, 0);
      const pick = Math.floor(random() * (total + 1)); // uniform in 0..total
      let sum = 0;
      let k = 0;
      for (; k < group.length - 1; k++) {
        sum += group[k].weight;
        if (sum >= pick) break;
      }
      out.push(group.splice(k, 1)[0]);
    }
    i = j;
  }
  return out;
}
