import * as dns from 'node:dns';
import { isIP } from 'node:net';
import type { SipTransport } from './proxy-config.js';

/** A next hop after RFC 3263 resolution: an IP literal, a port and a transport. */
export interface ResolvedHop {
  transport: SipTransport;
  /** IP literal without brackets. */
  host: string;
  port: number;
}

export interface HopQuery {
  host: string;
  port?: number;
  transport?: SipTransport;
  /** sips: URI (RFC 3263 §4.1: TLS only). */
  secure?: boolean;
}

/** The DNS operations RFC 3263 needs (injectable for tests). */
export interface DnsBackend {
  naptr(name: string): Promise<dns.NaptrRecord[]>;
  srv(name: string): Promise<dns.SrvRecord[]>;
  /** A and AAAA with TTLs (seconds). */
  addresses(name: string): Promise<{ address: string; ttl: number }[]>;
}

/** node:dns backend; falls back to the system resolver (getaddrinfo, /etc/hosts) for A/AAAA. */
export function nodeDnsBackend(resolver = new dns.promises.Resolver()): DnsBackend {
  return {
    naptr: (n) => resolver.resolveNaptr(n),
    srv: (n) => resolver.resolveSrv(n),
    async addresses(n) {
      const out: { address: string; ttl: number }[] = [];
      const [a4, a6] = await Promise.allSettled([resolver.resolve4(n, { ttl: true }), resolver.resolve6(n, { ttl: true })]);
      if (a4.status === 'fulfilled') out.push(...a4.value);
      if (a6.status === 'fulfilled') out.push(...a6.value);
      if (out.length === 0) {
        const l = await dns.promises.lookup(n, { all: true });
        // getaddrinfo gives no TTL: keep such answers a short while.
        for (const x of l) out.push({ address: x.address, ttl: 30 });
      }
      return out;
    },
  };
}

/** TTL for SRV/NAPTR answers: node:dns does not expose their TTL. */
const SRV_TTL_S = 60;
const NEGATIVE_TTL_S = 10;

interface CacheEntry<T> {
  expires: number;
  value: T;
}

const DEFAULT_PORT = (t: SipTransport): number => (t === 'tls' ? 5061 : 5060);

/**
 * RFC 3263 §4 server location with a TTL-respecting cache: transport from the URI, else NAPTR, else SRV
 * probing, else UDP (TLS for sips); port from the URI, else SRV, else the default. IP literals resolve
 * synchronously (the hot path never awaits for them).
 */
export class SipResolver {
  private readonly cache = new Map<string, CacheEntry<unknown>>();

  constructor(
    private readonly backend: DnsBackend = nodeDnsBackend(),
    private readonly now: () => number = Date.now,
    private readonly supported: readonly SipTransport[] = ['udp', 'tcp', 'tls'],
  ) {}

  /** Synchronous answer for IP literals, else undefined (use `resolve`). */
  resolveLiteral(q: HopQuery): ResolvedHop | undefined {
    const host = unbracket(q.host);
    if (isIP(host) === 0) return undefined;
    const transport = q.transport ?? (q.secure ? 'tls' : 'udp');
    return { transport, host, port: q.port ?? DEFAULT_PORT(transport) };
  }

  /** Ordered candidate hops (best first); empty when the name does not resolve. */
  async resolve(q: HopQuery): Promise<ResolvedHop[]> {
    const lit = this.resolveLiteral(q);
    if (lit) return [lit];
    const host = q.host.toLowerCase();
    // §4.1: transport explicit, or a port given -> no NAPTR.
    if (q.transport || q.port !== undefined) {
      const transport = q.transport ?? (q.secure ? 'tls' : 'udp');
      if (q.port !== undefined) return this.withAddresses(host, q.port, transport);
      const viaSrv = await this.srvHops(srvName(host, transport), transport);
      return viaSrv.length ? viaSrv : this.withAddresses(host, DEFAULT_PORT(transport), transport);
    }
    const naptr = await this.cached(`naptr:${host}`, SRV_TTL_S, () => this.backend.naptr(host));
    if (naptr && naptr.length) {
      const usable = naptr
        .filter((r) => r.flags.toLowerCase() === 's')
        .map((r) => ({ r, t: serviceTransport(r.service, q.secure) }))
        .filter((x): x is { r: dns.NaptrRecord; t: SipTransport } => x.t !== undefined && this.supported.includes(x.t))
        .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference);
      for (const { r, t } of usable) {
        const hops = await this.srvHops(r.replacement, t);
        if (hops.length) return hops;
      }
    }
    const order: SipTransport[] = q.secure ? ['tls'] : ['udp', 'tcp', 'tls'];
    for (const t of order) {
      if (!this.supported.includes(t)) continue;
      const hops = await this.srvHops(srvName(host, t), t);
      if (hops.length) return hops;
    }
    const t = q.secure ? 'tls' : 'udp';
    return this.withAddresses(host, DEFAULT_PORT(t), t);
  }

  /** Resolves a host name to its first address (used for `resolve-host`). */
  async address(host: string): Promise<string | undefined> {
    const lit = unbracket(host);
    if (isIP(lit)) return lit;
    const a = await this.cachedAddresses(host.toLowerCase());
    return a[0];
  }

  private async srvHops(name: string, transport: SipTransport): Promise<ResolvedHop[]> {
    const srv = await this.cached(`srv:${name}`, SRV_TTL_S, () => this.backend.srv(name));
    if (!srv || !srv.length) return [];
    const out: ResolvedHop[] = [];
    for (const s of orderSrv(srv)) {
      for (const a of await this.cachedAddresses(s.name.toLowerCase())) out.push({ transport, host: a, port: s.port });
    }
    return out;
  }

  private async withAddresses(host: string, port: number, transport: SipTransport): Promise<ResolvedHop[]> {
    return (await this.cachedAddresses(host)).map((a) => ({ transport, host: a, port }));
  }

  private async cachedAddresses(host: string): Promise<string[]> {
    const key = `a:${host}`;
    const hit = this.cache.get(key) as CacheEntry<string[]> | undefined;
    if (hit && hit.expires > this.now()) return hit.value;
    try {
      const recs = await this.backend.addresses(host);
      const ttl = recs.length ? Math.max(1, Math.min(...recs.map((r) => r.ttl))) : NEGATIVE_TTL_S;
      const value = recs.map((r) => r.address);
      this.cache.set(key, { expires: this.now() + ttl * 1000, value });
      return value;
    } catch {
      this.cache.set(key, { expires: this.now() + NEGATIVE_TTL_S * 1000, value: [] });
      return [];
    }
  }

  private async cached<T>(key: string, ttlS: number, f: () => Promise<T>): Promise<T | undefined> {
    const hit = this.cache.get(key) as CacheEntry<T | undefined> | undefined;
    if (hit && hit.expires > this.now()) return hit.value;
    let value: T | undefined;
    let ttl = ttlS;
    try {
      value = await f();
    } catch {
      value = undefined;
      ttl = NEGATIVE_TTL_S;
    }
    this.cache.set(key, { expires: this.now() + ttl * 1000, value });
    return value;
  }
}

function unbracket(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function srvName(host: string, t: SipTransport): string {
  return t === 'tls' ? `_sips._tcp.${host}` : `_sip._${t}.${host}`;
}

function serviceTransport(service: string, secure?: boolean): SipTransport | undefined {
  const s = service.toUpperCase();
  if (s === 'SIPS+D2T') return 'tls';
  if (secure) return undefined;
  if (s === 'SIP+D2U') return 'udp';
  if (s === 'SIP+D2T') return 'tcp';
  return undefined;
}

/** RFC 2782 order: priority ascending, weight-ordered (heaviest first, deterministic) within a priority. */
function orderSrv(recs: dns.SrvRecord[]): dns.SrvRecord[] {
  return [...recs].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}
