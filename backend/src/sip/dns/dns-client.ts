/**
 * A small DNS stub resolver (RFC 1035 §7, RFC 1123 §6.1.3) that, unlike node:dns, returns the TTL of every
 * answer — which RFC 3263 §4 caching needs for NAPTR and SRV too. UDP first with a TCP retry when the answer
 * is truncated (RFC 1035 §4.2, RFC 7766 §5), spoofing resistance per RFC 5452 §9 (random query id from
 * node:crypto, a fresh connected socket per query so the kernel picks a random ephemeral source port and drops
 * datagrams from other addresses, the question echoed back must match), timeouts and retries across servers,
 * CNAME chains (RFC 1034 §3.6.2) and negative answers with their RFC 2308 §5 TTL.
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import { randomInt } from 'node:crypto';
import { isIP, Socket } from 'node:net';
import { parseDnsServer, type HostPort } from '../address.js';
import {
  CLASS_IN,
  DnsNameError,
  RCODE,
  RR_TYPE,
  canonicalName,
  encodeQuery,
  parseMessage,
  sameName,
  type CnameRecord,
  type DnsMessage,
  type DnsRecord,
  type QueryType,
  type RecordMap,
  type SoaRecord,
} from './dns-client-wire.js';

export type {
  ARecord,
  AaaaRecord,
  CnameRecord,
  NaptrRecord,
  SoaRecord,
  SrvRecord,
  DnsRecord,
  QueryType,
  RecordMap,
} from './dns-client-wire.js';

/** Failure codes (node:dns spellings where one exists). */
export type DnsErrorCode =
  /** No answer from any server within the attempts. */
  | 'ETIMEOUT'
  /** RCODE 2 from every server that answered (RFC 1035 §4.1.1). */
  | 'ESERVFAIL'
  /** RCODE 1: the server could not interpret the query. */
  | 'EFORMERR'
  /** RCODE 4. */
  | 'ENOTIMP'
  /** RCODE 5. */
  | 'EREFUSED'
  /** Answers that failed to parse or to validate (e.g. a TCP answer to another question). */
  | 'EBADRESP'
  /** The query name cannot be encoded (RFC 1035 §2.3.4 limits). */
  | 'EBADNAME'
  /** ICMP port unreachable / TCP connection refused by every server. */
  | 'ECONNREFUSED'
  /** A CNAME chain that loops or is longer than the limit (RFC 1034 §3.6.2). */
  | 'ELOOP'
  /** The name does not exist (RFC 2308 §2.1), from the resolveX helpers only; `query` returns it as a value. */
  | 'ENOTFOUND'
  /** The name exists without records of the type (RFC 2308 §2.2), from the resolveX helpers only. */
  | 'ENODATA';

/** A typed resolution failure. `negativeTtl` is set for ENOTFOUND/ENODATA (RFC 2308 §5). */
export class DnsError extends Error {
  constructor(
    readonly code: DnsErrorCode,
    readonly hostname: string,
    message?: string,
    readonly negativeTtl?: number,
  ) {
    super(message ?? `${code} ${hostname}`);
    this.name = 'DnsError';
  }
}

/**
 * The outcome of one lookup. Positive: `records` of the asked type at the end of the CNAME chain, `ttl` the
 * smallest TTL over the chain and the RRset (RFC 2181 §5.2, RFC 1034 §4.3.2). Negative (`negative` set, no
 * records): `ttl` is min(SOA TTL, SOA MINIMUM) of the authority section (RFC 2308 §5), or 0 when the answer
 * carried no SOA (RFC 2308 §5: such answers SHOULD NOT be cached).
 */
export interface DnsAnswer<R> {
  name: string;
  /** The owner of `records` after following CNAMEs (the queried name when there were none). */
  canonicalName: string;
  records: R[];
  cnames: CnameRecord[];
  ttl: number;
  negative?: 'NXDOMAIN' | 'NODATA';
}

export interface DnsClientOptions {
  /** 'ip', 'ip:port', '[ipv6]:port' or a bare IPv6 literal; default `dns.getServers()` (resolv.conf). */
  servers?: readonly string[];
  /** Per attempt and server (default 2000 ms). */
  timeoutMs?: number;
  /** Rounds over all servers (default 2). */
  attempts?: number;
  /** Send an EDNS(0) OPT record (RFC 6891), retried without it on FORMERR/NOTIMP; default true. */
  edns?: boolean;
  /** CNAME hops followed before ELOOP (default 8). */
  maxCnameChain?: number;
}

/** Counters, e.g. for tests that watch re-queries. */
export interface DnsClientStats {
  /** Questions put on the wire (UDP datagrams sent plus TCP queries). */
  sent: number;
  tcp: number;
  /** Datagrams ignored because id or question did not match, or that did not parse (RFC 5452 §9.1). */
  ignored: number;
}

const MAX_TCP_MESSAGE = 0xffff;

type Exchange = { ok: true; message: DnsMessage } | { ok: false; code: DnsErrorCode; detail: string };

/**
 * Stub resolver client (RFC 1035 §7.1–7.3, RFC 1123 §6.1.3.1): no cache of its own — the caller caches by the
 * TTLs it returns. Never throws for malformed input; failures reject with DnsError.
 */
export class DnsClient {
  readonly servers: readonly HostPort[];
  readonly stats: DnsClientStats = { sent: 0, tcp: 0, ignored: 0 };
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly edns: boolean;
  private readonly maxCname: number;

  constructor(opts: DnsClientOptions = {}) {
    const list = opts.servers ?? dns.getServers();
    // resolv.conf(5): no nameserver line means the server on the local machine.
    this.servers = (list.length ? list : ['127.0.0.1']).map(parseDnsServer);
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.attempts = Math.max(1, opts.attempts ?? 2);
    this.edns = opts.edns ?? true;
    this.maxCname = opts.maxCnameChain ?? 8;
  }

  /**
   * Looks up one RRset (RFC 1034 §5.3.3 stub behaviour): follows CNAMEs in the answer and, when the server did
   * not chase them, re-asks at the canonical name. NXDOMAIN / NODATA resolve with `negative` set (they are
   * cacheable answers, RFC 2308); transport and server failures reject with DnsError.
   */
  async query<T extends QueryType>(name: string, type: T): Promise<DnsAnswer<RecordMap[T]>> {
    const qname = canonicalName(name);
    const qtype = RR_TYPE[type];
    const cnames: CnameRecord[] = [];
    const seen = new Set<string>([qname]);
    let current = qname;
    for (let round = 0; round <= this.maxCname; round++) {
      const before = cnames.length;
      const msg = await this.exchange(current, qtype);
      const inAnswer = msg.answers.filter((rr) => rr.class === CLASS_IN).map((rr) => rr.record);
      // Walk the chain from the name asked (RFC 1034 §3.6.2; answers may come in any order).
      if (type !== 'CNAME') {
        for (;;) {
          const c = inAnswer.find((r): r is CnameRecord => r.type === 'CNAME' && sameName(r.name, current));
          if (!c) break;
          const target = canonicalName(c.target);
          if (seen.has(target) || cnames.length >= this.maxCname)
            throw new DnsError('ELOOP', name, `CNAME chain from ${name} loops or exceeds ${this.maxCname}`);
          seen.add(target);
          cnames.push(c);
          current = target;
        }
      }
      const records = inAnswer.filter((r): r is RecordMap[T] => r.type === type && sameName(r.name, current));
      const chainTtl = cnames.reduce((m, c) => Math.min(m, c.ttl), Number.MAX_SAFE_INTEGER);
      if (records.length) {
        return { name: qname, canonicalName: current, records, cnames, ttl: Math.min(chainTtl, ...records.map((r) => r.ttl)) };
      }
      const soa = negativeSoa(msg, current);
      if (msg.rcode === RCODE.NXDOMAIN) return this.negative(qname, current, cnames, 'NXDOMAIN', soa, chainTtl);
      // The chain grew but stops without records or SOA: the server did not chase it; ask at the new name.
      if (!soa && cnames.length > before && msg.answers.every((rr) => rr.record.type === 'CNAME')) continue;
      return this.negative(qname, current, cnames, 'NODATA', soa, chainTtl);
    }
    throw new DnsError('ELOOP', name, `CNAME chain from ${name} exceeds ${this.maxCname}`);
  }

  /** A records (RFC 1035 §3.4.1); rejects ENOTFOUND/ENODATA for negative answers. */
  resolve4(name: string): Promise<DnsAnswer<RecordMap['A']>> {
    return this.positive(name, 'A');
  }
  /** AAAA records (RFC 3596). */
  resolve6(name: string): Promise<DnsAnswer<RecordMap['AAAA']>> {
    return this.positive(name, 'AAAA');
  }
  /** SRV records (RFC 2782). */
  resolveSrv(name: string): Promise<DnsAnswer<RecordMap['SRV']>> {
    return this.positive(name, 'SRV');
  }
  /** NAPTR records (RFC 3403 §4.1). */
  resolveNaptr(name: string): Promise<DnsAnswer<RecordMap['NAPTR']>> {
    return this.positive(name, 'NAPTR');
  }

  private async positive<T extends QueryType>(name: string, type: T): Promise<DnsAnswer<RecordMap[T]>> {
    const a = await this.query(name, type);
    if (a.negative) throw new DnsError(a.negative === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA', name, undefined, a.ttl);
    return a;
  }

  private negative<R>(
    qname: string,
    current: string,
    cnames: CnameRecord[],
    kind: 'NXDOMAIN' | 'NODATA',
    soa: SoaRecord | undefined,
    chainTtl: number,
  ): DnsAnswer<R> {
    // RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM); without SOA the answer is not cached.
    const ttl = soa ? Math.min(soa.ttl, soa.minimum, chainTtl) : 0;
    return { name: qname, canonicalName: current, records: [], cnames, ttl, negative: kind };
  }

  /** One question to the servers in turn, `attempts` rounds (RFC 1035 §7.2); returns NOERROR/NXDOMAIN answers. */
  private async exchange(name: string, qtype: number): Promise<DnsMessage> {
    let worst: { code: DnsErrorCode; detail: string } | undefined;
    const rank: Partial<Record<DnsErrorCode, number>> = {
      ETIMEOUT: 1,
      ECONNREFUSED: 2,
      EBADRESP: 3,
      EREFUSED: 4,
      ENOTIMP: 5,
      EFORMERR: 6,
      ESERVFAIL: 7,
    };
    const note = (e: { code: DnsErrorCode; detail: string }): void => {
      if (!worst || (rank[e.code] ?? 0) >= (rank[worst.code] ?? 0)) worst = e;
    };
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      for (const server of this.servers) {
        let edns = this.edns;
        for (;;) {
          let r: Exchange;
          try {
            r = await this.udp(server, name, qtype, edns);
            if (r.ok && r.message.tc) r = await this.tcp(server, name, qtype, edns);
          } catch (e) {
            if (e instanceof DnsNameError) throw new DnsError('EBADNAME', name, e.message);
            throw e;
          }
          if (!r.ok) {
            note(r);
            break;
          }
          const rc = r.message.rcode;
          if (rc === RCODE.NOERROR || rc === RCODE.NXDOMAIN) return r.message;
          // RFC 6891 §7: a server that does not do EDNS answers FORMERR/NOTIMP; ask it again without OPT.
          if (edns && (rc === RCODE.FORMERR || rc === RCODE.NOTIMP)) {
            edns = false;
            continue;
          }
          const code: DnsErrorCode =
            rc === RCODE.SERVFAIL
              ? 'ESERVFAIL'
              : rc === RCODE.REFUSED
                ? 'EREFUSED'
                : rc === RCODE.FORMERR
                  ? 'EFORMERR'
                  : rc === RCODE.NOTIMP
                    ? 'ENOTIMP'
                    : 'EBADRESP';
          note({ code, detail: `rcode ${rc} from ${fmt(server)}` });
          break;
        }
      }
    }
    const w = worst ?? { code: 'ETIMEOUT' as const, detail: 'no servers' };
    throw new DnsError(w.code, name, `${w.code} ${name}: ${w.detail}`);
  }

  /** Answers that are not for our id and question are ignored, never accepted (RFC 5452 §9.1). */
  private matches(m: DnsMessage, id: number, name: string, qtype: number): boolean {
    return (
      m.id === id &&
      m.qr &&
      m.opcode === 0 &&
      m.questions.length === 1 &&
      m.questions[0].type === qtype &&
      m.questions[0].class === CLASS_IN &&
      sameName(m.questions[0].name, name)
    );
  }

  private udp(server: HostPort, name: string, qtype: number, edns: boolean): Promise<Exchange> {
    const id = randomInt(0, 0x10000);
    const query = encodeQuery(id, name, qtype, edns);
    return new Promise((resolve) => {
      const sock = dgram.createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
      let sawBad = false;
      let done = false;
      const finish = (r: Exchange): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.removeAllListeners('message');
        sock.on('error', () => undefined);
        try {
          sock.close();
        } catch {}
        resolve(r);
      };
      const timer = setTimeout(
        () =>
          finish(
            sawBad
              ? { ok: false, code: 'EBADRESP', detail: `only malformed answers from ${fmt(server)}` }
              : { ok: false, code: 'ETIMEOUT', detail: `no answer from ${fmt(server)} in ${this.timeoutMs} ms` },
          ),
        this.timeoutMs,
      );
      sock.on('error', (e: NodeJS.ErrnoException) =>
        finish({ ok: false, code: e.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'ETIMEOUT', detail: `${fmt(server)}: ${e.message}` }),
      );
      sock.on('message', (buf) => {
        const p = parseMessage(buf);
        if (!p.ok) {
          this.stats.ignored++;
          // Only a datagram with our id counts as the server's own garbage; others may be spoofing attempts.
          if (buf.length >= 2 && buf.readUInt16BE(0) === id) sawBad = true;
          return;
        }
        if (!this.matches(p.message, id, name, qtype)) {
          this.stats.ignored++;
          return;
        }
        finish({ ok: true, message: p.message });
      });
      // connect(): the kernel delivers only datagrams from the server's address and port.
      sock.connect(server.port, server.host, () => {
        this.stats.sent++;
        sock.send(query, (err) => {
          if (err) finish({ ok: false, code: 'ETIMEOUT', detail: `${fmt(server)}: ${err.message}` });
        });
      });
    });
  }

  /** RFC 1035 §4.2.2 / RFC 7766 §8: the message prefixed by its two-octet length. */
  private tcp(server: HostPort, name: string, qtype: number, edns: boolean): Promise<Exchange> {
    const id = randomInt(0, 0x10000);
    const query = encodeQuery(id, name, qtype, edns);
    return new Promise((resolve) => {
      const sock = new Socket();
      const chunks: Buffer[] = [];
      let have = 0;
      let done = false;
      const finish = (r: Exchange): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        sock.removeAllListeners('data');
        sock.on('error', () => undefined);
        sock.destroy();
        resolve(r);
      };
      const timer = setTimeout(
        () => finish({ ok: false, code: 'ETIMEOUT', detail: `no TCP answer from ${fmt(server)} in ${this.timeoutMs} ms` }),
        this.timeoutMs,
      );
      sock.on('error', (e: NodeJS.ErrnoException) =>
        finish({ ok: false, code: e.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'ETIMEOUT', detail: `${fmt(server)} (TCP): ${e.message}` }),
      );
      sock.on('end', () => finish({ ok: false, code: 'EBADRESP', detail: `${fmt(server)} closed the TCP connection early` }));
      sock.on('data', (d: Buffer) => {
        chunks.push(d);
        have += d.length;
        if (have > MAX_TCP_MESSAGE + 2) return finish({ ok: false, code: 'EBADRESP', detail: `oversized TCP answer from ${fmt(server)}` });
        if (have < 2) return;
        const all = Buffer.concat(chunks);
        const len = all.readUInt16BE(0);
        if (have < len + 2) return;
        const p = parseMessage(all.subarray(2, 2 + len));
        if (!p.ok) return finish({ ok: false, code: 'EBADRESP', detail: `malformed TCP answer from ${fmt(server)}: ${p.reason}` });
        if (!this.matches(p.message, id, name, qtype))
          return finish({ ok: false, code: 'EBADRESP', detail: `TCP answer from ${fmt(server)} is for another question` });
        finish({ ok: true, message: p.message });
      });
      sock.connect(server.port, server.host, () => {
        this.stats.sent++;
        this.stats.tcp++;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length, 0);
        sock.write(Buffer.concat([len, query]));
      });
    });
  }
}

/** The SOA of a negative answer: owner is the name or one of its ancestors (the zone apex), RFC 2308 §3. */
function negativeSoa(m: DnsMessage, name: string): SoaRecord | undefined {
  const n = canonicalName(name);
  for (const rr of m.authorities) {
    const r: DnsRecord = rr.record;
    if (rr.class !== CLASS_IN || r.type !== 'SOA') continue;
    const owner = canonicalName(r.name);
    if (owner === '' || owner === n || n.endsWith('.' + owner)) return r;
  }
  return undefined;
}

function fmt(s: HostPort): string {
  return isIP(s.host) === 6 ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}
