/**
 * RFC 3263 resolution against a real DNS server: Debian's dnsmasq (package dnsmasq-base), started here in the
 * foreground on 127.0.0.1 with a free high port, serving NAPTR/SRV/A/AAAA/CNAME records from its command line.
 * Two instances: a plain one (per-record TTLs; NXDOMAIN without SOA) and an authoritative one (--auth-zone) whose
 * negative answers carry an SOA, for RFC 2308 negative caching. Cache expiry runs on a fake clock; every re-query
 * is observed both in the stub client's counters and in dnsmasq's own query log. Only the PIDs spawned here are
 * killed, in afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  DnsClient,
  type DnsAnswer,
  type QueryType,
  type RecordMap,
  SipResolver,
  type DnsBackend,
  ProxyCore,
  defaultRuntimeConfig,
  TransactionLayer,
  FakeTimers,
  isRequest,
  type SipRequest,
  type SipResponse,
} from '../../src/sip/index.js';
import { FakeTransport, parse } from '../support/transaction-kit.js';
import { freePort, sleep } from '../helpers/net.js';
import { startProxy } from '../proxy/peers.js';
import { branch, request, udpEndpoint } from '../tls/sip-peer.js';

const DNSMASQ = '/usr/sbin/dnsmasq';

/** One dnsmasq child: its port and its log (stderr, with --log-queries). */
class Dnsmasq {
  log = '';
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString()));
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString()));
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(records: string[]): Promise<Dnsmasq> {
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const args = [
        '--keep-in-foreground',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--pid-file=',
        '--log-facility=-',
        '--log-queries',
        `--port=${port}`,
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        ...records,
      ];
      const d = new Dnsmasq(spawn(DNSMASQ, args, { stdio: ['ignore', 'pipe', 'pipe'] }), port);
      // Ready when it answers; a lost port race shows as an early exit.
      const probe = new DnsClient({ servers: [d.server], timeoutMs: 200, attempts: 1 });
      for (let i = 0; i < 50 && d.child.exitCode === null; i++) {
        if (
          await probe.query('probe.invalid', 'A').then(
            () => true,
            (e: { code?: string }) => e.code === 'EREFUSED',
          )
        )
          return d;
        await sleep(100);
      }
      last = d.log;
      await d.stop();
    }
    throw new Error(`dnsmasq did not start: ${last}`);
  }

  /** How many queries dnsmasq logged for this type and name (`query[A] x from` or, authoritative, `auth[A] x from`). */
  queries(type: string, name: string): number {
    const re = new RegExp(`(?:query|auth)\\[${type}\\] ${name.replace(/\./g, '\\.')} from `, 'g');
    return (this.log.match(re) ?? []).length;
  }

  /** The log is written asynchronously: wait (bounded) until dnsmasq has logged `n` such queries. */
  async expectQueries(type: string, name: string, n: number): Promise<void> {
    for (let i = 0; i < 50 && this.queries(type, name) < n; i++) await sleep(20);
    // A short settle so an unexpected extra query would show too.
    await sleep(30);
    expect(this.queries(type, name), `${type} ${name} in dnsmasq log`).toBe(n);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

/** Counts what the resolver asks (on top of dnsmasq's log). */
class CountingBackend implements DnsBackend {
  readonly asked: string[] = [];
  constructor(readonly client: DnsClient) {}
  query<T extends QueryType>(name: string, type: T): Promise<DnsAnswer<RecordMap[T]>> {
    this.asked.push(`${type} ${name}`);
    return this.client.query(name, type);
  }
  count(q: string): number {
    return this.asked.filter((x) => x === q).length;
  }
}

const LOCAL_TTL = 7;
const bigSrv = Array.from({ length: 30 }, (_, i) => `--srv-host=_sip._udp.big.example.test,host-${i}.example.test,${5100 + i},${i},0`);
const ZONE = [
  '--local=/example.test/',
  `--local-ttl=${LOCAL_TTL}`,
  '--naptr-record=pool.example.test,10,10,S,SIP+D2U,,_sip._udp.pool.example.test',
  '--naptr-record=pool.example.test,20,10,S,SIP+D2T,,_sip._tcp.pool.example.test',
  '--naptr-record=pool.example.test,30,10,S,SIPS+D2T,,_sips._tcp.pool.example.test',
  '--srv-host=_sip._udp.pool.example.test,a.example.test,5070,10,0',
  '--srv-host=_sip._udp.pool.example.test,b.example.test,5080,20,0',
  '--srv-host=_sip._tcp.pool.example.test,a.example.test,5071,10,0',
  '--srv-host=_sips._tcp.pool.example.test,b.example.test,5061,10,0',
  '--srv-host=_sip._tcp.srvonly.example.test,a.example.test,5090,10,0',
  '--host-record=a.example.test,127.0.0.1,30',
  '--host-record=b.example.test,127.0.0.2,fd00::2,60',
  '--host-record=plain.example.test,127.0.0.3,120',
  '--cname=alias.example.test,a.example.test,5',
  ...bigSrv,
];
const AUTH_TTL = 9;
const AUTH_ZONE = [
  '--auth-server=ns.auth.test,127.0.0.1',
  '--auth-zone=auth.test',
  '--auth-soa=1,hostmaster.auth.test,1200,120,1209600',
  `--auth-ttl=${AUTH_TTL}`,
  '--host-record=www.auth.test,127.0.0.9',
];

let zone: Dnsmasq;
let auth: Dnsmasq;
beforeAll(async () => {
  [zone, auth] = await Promise.all([Dnsmasq.start(ZONE), Dnsmasq.start(AUTH_ZONE)]);
});
afterAll(async () => {
  await Promise.all([zone?.stop(), auth?.stop()]);
});

function resolverOn(d: Dnsmasq, opts: { supported?: ('udp' | 'tcp' | 'tls')[] } = {}) {
  const clock = { t: 1_700_000_000_000 };
  const backend = new CountingBackend(new DnsClient({ servers: [d.server], timeoutMs: 1000 }));
  const resolver = new SipResolver(backend, () => clock.t, opts.supported, { lookup: false });
  return { resolver, backend, advance: (s: number) => (clock.t += s * 1000) };
}

describe('DnsClient against dnsmasq', () => {
  it('reads NAPTR, SRV, A, AAAA and CNAME answers with the TTLs dnsmasq gives', async () => {
    const c = new DnsClient({ servers: [zone.server] });
    const naptr = await c.query('pool.example.test', 'NAPTR');
    expect(naptr.ttl).toBe(LOCAL_TTL);
    expect(naptr.records.map((r) => [r.order, r.flags, r.service, r.replacement]).sort()).toEqual([
      [10, 'S', 'SIP+D2U', '_sip._udp.pool.example.test'],
      [20, 'S', 'SIP+D2T', '_sip._tcp.pool.example.test'],
      [30, 'S', 'SIPS+D2T', '_sips._tcp.pool.example.test'],
    ]);
    const srv = await c.query('_sip._udp.pool.example.test', 'SRV');
    expect(srv.ttl).toBe(LOCAL_TTL);
    expect(srv.records.map((r) => `${r.priority} ${r.target}:${r.port}`).sort()).toEqual([
      '10 a.example.test:5070',
      '20 b.example.test:5080',
    ]);
    expect(await c.query('a.example.test', 'A')).toMatchObject({ ttl: 30, records: [{ address: '127.0.0.1' }] });
    expect(await c.query('b.example.test', 'AAAA')).toMatchObject({ ttl: 60, records: [{ address: 'fd00::2' }] });
    const alias = await c.query('alias.example.test', 'A');
    expect(alias).toMatchObject({ canonicalName: 'a.example.test', ttl: 5, records: [{ address: '127.0.0.1' }] });
    expect(await c.query('nx.example.test', 'A')).toMatchObject({ negative: 'NXDOMAIN', ttl: 0 });
    expect(await c.query('a.example.test', 'SRV')).toMatchObject({ negative: 'NODATA' });
  });

  it('a truncated UDP answer is asked again over TCP', async () => {
    const c = new DnsClient({ servers: [zone.server], edns: false }); // 512-octet UDP limit
    const big = await c.query('_sip._udp.big.example.test', 'SRV');
    expect(big.records).toHaveLength(30);
    expect(c.stats.tcp).toBe(1);
  });

  it('negative answers from an authoritative zone carry the SOA TTL (RFC 2308 §5)', async () => {
    const c = new DnsClient({ servers: [auth.server] });
    expect(await c.query('www.auth.test', 'A')).toMatchObject({ ttl: AUTH_TTL, records: [{ address: '127.0.0.9' }] });
    expect(await c.query('gone.auth.test', 'A')).toMatchObject({ negative: 'NXDOMAIN', ttl: AUTH_TTL });
    expect(await c.query('www.auth.test', 'AAAA')).toMatchObject({ negative: 'NODATA', ttl: AUTH_TTL });
  });
});

describe('SipResolver (RFC 3263 §4) against dnsmasq', () => {
  it('NAPTR -> SRV -> A/AAAA for sip, sips and the transports the proxy supports', async () => {
    const { resolver } = resolverOn(zone);
    expect(await resolver.resolve({ host: 'pool.example.test' })).toEqual([
      { transport: 'udp', host: '127.0.0.1', port: 5070 },
      { transport: 'udp', host: '127.0.0.2', port: 5080 },
      { transport: 'udp', host: 'fd00::2', port: 5080 },
    ]);
    expect(await resolver.resolve({ host: 'pool.example.test', secure: true })).toEqual([
      { transport: 'tls', host: '127.0.0.2', port: 5061 },
      { transport: 'tls', host: 'fd00::2', port: 5061 },
    ]);
    expect(await resolverOn(zone, { supported: ['tcp', 'tls'] }).resolver.resolve({ host: 'pool.example.test' })).toEqual([
      { transport: 'tcp', host: '127.0.0.1', port: 5071 },
    ]);
    // §4.1/4.2: a transport parameter skips NAPTR; a port skips SRV too.
    expect(await resolver.resolve({ host: 'pool.example.test', transport: 'tcp' })).toEqual([
      { transport: 'tcp', host: '127.0.0.1', port: 5071 },
    ]);
    expect(await resolver.resolve({ host: 'a.example.test', transport: 'tcp', port: 5999 })).toEqual([
      { transport: 'tcp', host: '127.0.0.1', port: 5999 },
    ]);
    // No NAPTR: SRV probing finds TCP; no SRV either: A with the default port.
    expect(await resolver.resolve({ host: 'srvonly.example.test' })).toEqual([{ transport: 'tcp', host: '127.0.0.1', port: 5090 }]);
    expect(await resolver.resolve({ host: 'plain.example.test' })).toEqual([{ transport: 'udp', host: '127.0.0.3', port: 5060 }]);
    expect(await resolver.resolve({ host: 'alias.example.test', port: 5062 })).toEqual([
      { transport: 'udp', host: '127.0.0.1', port: 5062 },
    ]);
    expect(await resolver.resolve({ host: 'nx.example.test' })).toEqual([]);
  });

  it('each RRset is cached for its own TTL; re-queried only once it expires (seen in dnsmasq log)', async () => {
    const { resolver, backend, advance } = resolverOn(zone);
    const q = { host: 'pool.example.test' };
    const base = {
      naptr: zone.queries('NAPTR', 'pool.example.test'),
      srv: zone.queries('SRV', '_sip._udp.pool.example.test'),
      a: zone.queries('A', 'a.example.test'),
      b: zone.queries('A', 'b.example.test'),
    };
    await resolver.resolve(q);
    await resolver.resolve(q);
    const counts = (): number[] => [
      backend.count('NAPTR pool.example.test'),
      backend.count('SRV _sip._udp.pool.example.test'),
      backend.count('A a.example.test'),
      backend.count('A b.example.test'),
    ];
    expect(counts()).toEqual([1, 1, 1, 1]);
    await zone.expectQueries('NAPTR', 'pool.example.test', base.naptr + 1);

    advance(LOCAL_TTL - 0.1);
    await resolver.resolve(q);
    expect(counts()).toEqual([1, 1, 1, 1]);
    await zone.expectQueries('SRV', '_sip._udp.pool.example.test', base.srv + 1);

    advance(0.2); // NAPTR and SRV (TTL 7) expired; a (30) and b (60) still fresh
    await resolver.resolve(q);
    expect(counts()).toEqual([2, 2, 1, 1]);
    await zone.expectQueries('NAPTR', 'pool.example.test', base.naptr + 2);
    await zone.expectQueries('SRV', '_sip._udp.pool.example.test', base.srv + 2);
    await zone.expectQueries('A', 'a.example.test', base.a + 1);

    advance(30 - LOCAL_TTL); // t = 30.1 s
    await resolver.resolve(q);
    expect(counts()).toEqual([3, 3, 2, 1]);
    await zone.expectQueries('A', 'a.example.test', base.a + 2);
    await zone.expectQueries('A', 'b.example.test', base.b + 1);
  });

  it('NXDOMAIN is cached for the SOA negative TTL (RFC 2308), then asked again', async () => {
    const { resolver, backend, advance } = resolverOn(auth);
    const base = auth.queries('A', 'gone.auth.test');
    expect(await resolver.address('gone.auth.test')).toBeUndefined();
    advance(AUTH_TTL - 0.1);
    expect(await resolver.address('gone.auth.test')).toBeUndefined();
    expect(backend.count('A gone.auth.test')).toBe(1);
    await auth.expectQueries('A', 'gone.auth.test', base + 1);
    advance(0.2);
    expect(await resolver.address('gone.auth.test')).toBeUndefined();
    expect(backend.count('A gone.auth.test')).toBe(2);
    await auth.expectQueries('A', 'gone.auth.test', base + 2);

    // Without an SOA (plain dnsmasq) RFC 2308 says do not cache: only the 1 s floor applies.
    const plain = resolverOn(zone);
    await plain.resolver.address('nx.example.test');
    plain.advance(1.01);
    await plain.resolver.address('nx.example.test');
    expect(plain.backend.count('A nx.example.test')).toBe(2);
  });

  it('the proxy forwards to a next hop named by an FQDN through the resolver', async () => {
    const timers = new FakeTimers();
    const transport = new FakeTransport(() => timers.now());
    const tl = new TransactionLayer(transport, { timers });
    const config = defaultRuntimeConfig({
      appName: 'SIPProxy_1',
      servingPair: 'SIPServer_A',
      oosCheckS: 0,
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: 'alias.example.test', port: 5070, transport: 'udp' } }],
    });
    const { resolver, backend } = resolverOn(zone);
    const proxy = new ProxyCore({
      config,
      tl,
      resolver,
      local: { advertisedHost: '10.0.0.1', aliases: [], ports: { udp: 5060, tcp: 5060 } },
    });
    proxy.start();
    try {
      const hop = await new Promise((r) => proxy.resolveHop({ host: 'pool.example.test' }, r));
      expect(hop).toEqual({ transport: 'udp', host: '127.0.0.1', port: 5070 });

      const invite = [
        'INVITE sip:2000@10.0.0.1:5060 SIP/2.0',
        'Via: SIP/2.0/UDP 10.0.0.50:5062;branch=z9hG4bK-dns-1',
        'Max-Forwards: 70',
        'From: <sip:1000@example.com>;tag=ft1',
        'To: <sip:2000@example.com>',
        'Call-ID: dns-1@10.0.0.50',
        'CSeq: 1 INVITE',
        'Contact: <sip:1000@10.0.0.50:5062>',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      tl.receive(parse(invite), {
        transport: 'udp',
        remoteAddress: '10.0.0.50',
        remotePort: 5062,
        localAddress: '10.0.0.1',
        localPort: 5060,
      });
      for (let i = 0; i < 100 && !transport.sent.some((s) => s.text.startsWith('INVITE')); i++) await sleep(10);
      const fwd = transport.sent.find((s) => s.text.startsWith('INVITE'));
      expect(fwd?.destination).toMatchObject({ transport: 'udp', host: '127.0.0.1', port: 5070 });
      expect(backend.count('A alias.example.test')).toBe(1);
    } finally {
      proxy.stop();
    }
  });
});

describe('RFC 3263 §4.3 next candidate, through a proxy worker over real sockets (dns-servers -> dnsmasq)', () => {
  it('an INVITE to a silent first SRV target goes on to the next after failover-timeout, a MESSAGE answered 503 too; the caller gets the 200', async () => {
    // SIP Server (a known pair server) -> proxy -> sip:2000@<name>: the Request-URI decides, resolved by SRV.
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const live = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const busy = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    live.responder = (req, ep) => ep.reply(req, 200);
    busy.responder = (req, ep) => ep.reply(req, 503, ['Retry-After: 30'], 'Service Unavailable');
    const silentPort = await freePort(); // nothing listens there
    const d = await Dnsmasq.start([
      '--local=/fo.test/',
      `--srv-host=_sip._udp.silent.fo.test,one.fo.test,${silentPort},10,0`,
      `--srv-host=_sip._udp.silent.fo.test,two.fo.test,${live.port},20,0`,
      `--srv-host=_sip._udp.busy.fo.test,one.fo.test,${busy.port},10,0`,
      `--srv-host=_sip._udp.busy.fo.test,two.fo.test,${live.port},20,0`,
      '--host-record=one.fo.test,127.0.0.1,60',
      '--host-record=two.fo.test,127.0.0.1,60',
    ]);
    const proxy = await startProxy({
      servingPair: 'SIPServer_A',
      oosCheckS: 0,
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: server.port, transport: 'udp' } }],
      dnsServers: [d.server],
      failover: { enabled: true, timeoutMs: 500 },
    });
    server.udp!.to.port = proxy.port;
    const send = async (host: string, method: string): Promise<SipResponse> => {
      const callId = `fo-${host}-${Date.now()}`;
      server.send(
        request(method, `sip:2000@${host}`, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId,
          to: `<sip:2000@${host}>`,
        }),
      );
      return (await server.waitFor((m) => !isRequest(m) && m.status >= 200 && m.callId === callId, 10_000)) as SipResponse;
    };
    try {
      // An INVITE with no answer at all (not even 100) leaves its candidate after failover-timeout.
      expect((await send('silent.fo.test', 'INVITE')).status).toBe(200);
      expect((await send('busy.fo.test', 'MESSAGE')).status).toBe(200);
      // The 503 was not relayed; the busy target saw the request once, the live one twice, each on its own branch.
      expect(busy.received.filter(isRequest).length).toBe(1);
      const got: SipRequest[] = live.received.filter(isRequest);
      expect(got.length).toBe(2);
      expect(new Set(got.map((r) => r.topVia()?.branch)).size).toBe(2);
      expect(proxy.worker.status().counters.nextHopRetries).toBe(2);
      expect((await proxy.get('/metrics')).body).toMatch(/^sipproxy_next_hop_retries_total\{app="SIPProxy_IT"\} 2$/m);
    } finally {
      await proxy.stop();
      server.close();
      live.close();
      busy.close();
      await d.stop();
    }
  });
});
