/**
 * The SIP world around the worker of options-proven.integration-spec.ts: the deployment it imports and the peers on
 * loopback that show each option's behaviour from outside. SIPp plays SIPServer_A's pair; scripted peers (SipTap)
 * the rest: `down` (127.0.0.1:sipB, SIPServer_B's primary) never answers, so pair B is out of service and its
 * re-probes show oos-force; `c1`/`c2` are SIPServer_C's pair (c1 answers OPTIONS only, so a forwarded INVITE fails
 * over to c2; c2 answers OPTIONS after C2_PROBE_DELAY_MS); `reg` is a registrar and next hop reached by Route;
 * `peer`/`peerTls` are SiteB's proxy pool (SIPProxy_2 is not run); `tlsCa`/`tlsForeign` are TLS next hops with a
 * certificate from the test CA and one from a CA the proxy is never told to trust. A DnsTap stands for dns-servers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../fixtures/config/index.js';
import { makeTestPki, type TestPki } from '../tls/certs.js';
import { DnsTap } from './dns-tap.js';
import { freePort, waitFor } from './net.js';
import { TcpFlow, sendUdp, type SipAnswer, type SipRequestSpec } from './sip-client.js';
import { SipServer } from './sip-servers.js';
import { SipTap, header, responseTo, type TapAnswer, type TapMessage } from './sip-tap.js';

/** Trusted by the relay-trusted-networks row; UNTRUSTED never is. */
export const TRUSTED = '127.0.0.77';
export const UNTRUSTED = '127.0.0.78';
/** c2 answers probes this late: within a 1 s probe timeout, not within 300 ms. */
export const C2_PROBE_DELAY_MS = 500;

type TapName = 'down' | 'c1' | 'c2' | 'reg' | 'peer' | 'peerTls' | 'tlsCa' | 'tlsForeign';
const PORTS = [
  'sipA',
  'sipB',
  'sipC',
  'proxy2',
  'http2',
  'tls2',
  'tls1',
  'ext',
  'reg',
  'tlsCa',
  'tlsForeign',
  'dns',
  'proxy',
  'http',
] as const;

const fixturePem = (f: string): string => readFileSync(join(FIXTURES_DIR, 'certs', f), 'utf8');
const route = (host: string, port: number, transport?: string): string =>
  `Route: <sip:${host}:${port}${transport ? `;transport=${transport}` : ''};lr>`;

export class OptionsRig {
  readonly tap = {} as Record<TapName, SipTap>;
  /** The `reg` tap's registrar grants this Flow-Timer (RFC 5626 §5.4) when set. */
  readonly reg: { flowTimer?: number } = {};
  private constructor(
    readonly ports: Record<(typeof PORTS)[number], number>,
    readonly primary: SipServer,
    readonly backup: SipServer,
    readonly pki: TestPki,
    readonly dnsTap: DnsTap,
  ) {}

  get proxyPort(): number {
    return this.ports.proxy;
  }
  get httpPort(): number {
    return this.ports.http;
  }

  static async start(): Promise<OptionsRig> {
    const ports = {} as Record<(typeof PORTS)[number], number>;
    for (const k of PORTS) ports[k] = await freePort();
    const primary = new SipServer('127.0.0.1', ports.sipA);
    const backup = new SipServer('127.0.0.2', ports.sipA);
    await primary.start();
    await backup.start();
    const rig = new OptionsRig(ports, primary, backup, makeTestPki(), await new DnsTap('127.0.0.1', ports.dns).start());
    const { tap, pki } = rig;
    const ok = (m: TapMessage): TapAnswer => responseTo(m.text, 200, 'OK');
    const tlsOf = (cert: string, key: string) => ({ transports: ['tls' as const], tls: { cert: pki.pem(cert), key: pki.pem(key) } });
    tap.down = await new SipTap('127.0.0.1', ports.sipB).start();
    tap.c1 = await new SipTap('127.0.0.1', ports.sipC, { transports: ['udp', 'tcp'] }).start();
    tap.c1.answer = (m) => (m.method === 'OPTIONS' ? ok(m) : undefined);
    tap.c2 = await new SipTap('127.0.0.2', ports.sipC, { transports: ['udp', 'tcp'] }).start();
    tap.c2.answer = (m) =>
      m.method === 'OPTIONS' ? { delayMs: C2_PROBE_DELAY_MS, text: responseTo(m.text, 200, 'OK') } : responseTo(m.text, 486, 'Busy Here');
    tap.reg = await new SipTap('127.0.0.1', ports.reg).start();
    tap.reg.answer = (m) =>
      responseTo(
        m.text,
        200,
        'OK',
        m.method === 'REGISTER'
          ? [
              `Contact: ${header(m.text, 'Contact')};expires=600`,
              ...(rig.reg.flowTimer !== undefined ? [`Flow-Timer: ${rig.reg.flowTimer}`] : []),
            ]
          : [],
      );
    tap.peer = await new SipTap('127.0.0.3', ports.proxy2, { transports: ['udp', 'tcp'] }).start();
    tap.peer.answer = ok;
    tap.peerTls = await new SipTap('127.0.0.3', ports.tls2, tlsOf(pki.peerCert, pki.peerKey)).start();
    tap.peerTls.answer = ok;
    tap.tlsCa = await new SipTap('127.0.0.1', ports.tlsCa, tlsOf(pki.peerCert, pki.peerKey)).start();
    tap.tlsCa.answer = ok;
    tap.tlsForeign = await new SipTap('127.0.0.1', ports.tlsForeign, tlsOf(pki.foreignClientCert, pki.foreignClientKey)).start();
    tap.tlsForeign.answer = ok;
    return rig;
  }

  async stop(): Promise<void> {
    await this.primary.kill();
    await this.backup.kill();
    for (const t of Object.values(this.tap)) await t.stop();
    await this.dnsTap.stop();
    this.pki.cleanup();
  }

  /** The configuration document: SIPProxy_1 (host "localhost", TLS on tls1) serves SiteA; SiteB is reached by trunk. */
  deployment(): string {
    const { ports, pki } = this;
    return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${ports.sipA} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${ports.sipA} } }
  - { name: SIPServer_B, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${ports.sipB} }, backup: SIPServer_B_backup }
  - { name: SIPServer_B_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${ports.sipB} } }
  - { name: SIPServer_C, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${ports.sipC} }, backup: SIPServer_C_backup }
  - { name: SIPServer_C_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${ports.sipC} } }
  - name: SIPProxy_1
    type: sip-proxy
    host: localhost
    ports: { sip-port: ${ports.proxy}, http-port: ${ports.http}, tls-port: ${ports.tls1} }
    options:
      sipproxy: { applications: "SIPServer_A,SIPServer_B", servicing-sipserver: SIPServer_A, sipproxy-role: 10, oos-check: 3, oos-force: 1 }
      security:
        certificate: ${JSON.stringify(pki.pem(pki.proxyCert))}
        certificate-key: ${JSON.stringify(pki.pem(pki.proxyKey))}
  - name: SIPProxy_2
    type: sip-proxy
    host: 127.0.0.3
    ports: { sip-port: ${ports.proxy2}, http-port: ${ports.http2}, tls-port: ${ports.tls2} }
    options:
      sipproxy: { applications: "SIPServer_A,SIPServer_B", servicing-sipserver: SIPServer_B, sipproxy-role: 10 }
      security:
        certificate: ${JSON.stringify(fixturePem('proxy.pem'))}
        certificate-key: ${JSON.stringify(fixturePem('proxy.key'))}
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: sipproxy-pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: proxy.site-a.example, external-contact: "127.0.0.1:${ports.proxy}", sip-port-tls: ${ports.tls1}, oos-check: 5, oos-force: 5 } } }
      - { number: to-site-b, type: trunk, options: { TServer: { contact: "127.0.0.1:${ports.sipB}", peer-proxy-contact: "127.0.0.3:${ports.proxy2}", resolve-external-contact: true, oos-check: 5, oos-force: 5 } } }
      - { number: "1001", type: extension, options: { TServer: { contact: "127.0.0.1:${ports.ext};transport=udp" } } }
  - name: SiteB
    sip-server: SIPServer_B
    dns:
      - { number: sipproxy-pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: proxy.site-b.example, external-contact: "127.0.0.3:${ports.proxy2}", oos-check: 5, oos-force: 5 } } }
`;
  }

  // ---------------------------------------------------------------- what the rows send and look at

  /** An OPTIONS to the proxy over UDP with padding; the status code of its answer (0: none within 2 s). */
  async optionsStatus(extraHeaders = 0, lineLength = 0, bodyBytes = 0): Promise<number> {
    const headers = Array.from({ length: extraHeaders }, (_, i) => `X-Pad-${i}: ${i}`);
    if (lineLength) headers.push(`X-Long: ${'a'.repeat(lineLength)}`);
    return (
      await sendUdp(this.proxyPort, {
        method: 'OPTIONS',
        ruri: `sip:127.0.0.1:${this.proxyPort}`,
        headers,
        body: 'b'.repeat(bodyBytes),
        waitMs: 2000,
      })
    ).status;
  }

  /** Probe rounds (distinct transactions) `t` received since `t0`: waits for `n` of them (bounded); their times. */
  async probes(t: SipTap | SipServer, t0: number, n: number, timeoutMs: number): Promise<number[]> {
    const times = (): number[] =>
      t instanceof SipTap ? t.requests('OPTIONS', t0).map((m) => m.at) : t.optionsTimes().filter((x) => x > t0);
    await waitFor(() => times().length >= n, timeoutMs, `${n} OPTIONS probes at ${t.host}:${t.port}`);
    return times();
  }

  /** The host of the top Via of the next probe c1 receives (the proxy's advertised host). */
  async probeViaHost(): Promise<string | undefined> {
    const [at] = await this.probes(this.tap.c1, Date.now(), 1, 5000);
    const m = this.tap.c1.requests('OPTIONS').find((x) => x.at === at)!;
    return /^SIP\/2\.0\/\w+\s+([^:;\s]+)/.exec(header(m.text, 'Via') ?? '')?.[1];
  }

  /** A request from an endpoint that names its next hop in a Route (RFC 3261 §16.4: the relay policy decides). */
  viaRoute(from: string, host: string, port: number, transport?: string, extra: Partial<SipRequestSpec> = {}): Promise<SipAnswer> {
    return sendUdp(this.proxyPort, {
      method: 'OPTIONS',
      ruri: `sip:proven@${host}:${port}`,
      headers: [route(host, port, transport)],
      from,
      waitMs: 3000,
      ...extra,
    });
  }

  /** A REGISTER of an RFC 5626 outbound UA (reg-id, +sip.instance) over its own TCP flow, routed to the `reg` tap. */
  async outboundRegister(): Promise<{ flow: TcpFlow; status: number; flowTimer?: string }> {
    const flow = await TcpFlow.open(this.proxyPort, TRUSTED);
    const a = await flow.request({
      method: 'REGISTER',
      ruri: 'sip:site-a.example',
      headers: [
        route('127.0.0.1', this.tap.reg.port),
        `Contact: <sip:ua@${TRUSTED};transport=tcp>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-0000-0000-0000000000a1>"`,
        'Supported: outbound, path',
        'Expires: 600',
      ],
    });
    return { flow, status: a.status, flowTimer: header(a.text, 'Flow-Timer') };
  }

  /** An INVITE from SIPServer_B's primary (a known server) for SIPServer_C: the proxy sends it to that pair. */
  inviteToPairC(t0: number): void {
    const down = this.tap.down;
    down.sendUdp(
      [
        `INVITE sip:c@127.0.0.1:${this.tap.c1.port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${down.port};branch=z9hG4bK${t0}`,
        'Max-Forwards: 70',
        `From: <sip:b@127.0.0.1>;tag=${t0}`,
        `To: <sip:c@127.0.0.1:${this.tap.c1.port}>`,
        `Call-ID: failover-${t0}@proven`,
        'CSeq: 1 INVITE',
        `Contact: <sip:b@127.0.0.1:${down.port}>`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      this.proxyPort,
    );
  }

  /** An OPTIONS from SIPServer_B's primary (a known server) for the trunk's contact (127.0.0.1:sipB). */
  trunkOptions(): void {
    const n = Date.now();
    const down = this.tap.down;
    down.sendUdp(
      [
        `OPTIONS sip:127.0.0.1:${down.port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${down.port};branch=z9hG4bKt${n}`,
        'Max-Forwards: 70',
        `From: <sip:b@127.0.0.1>;tag=${n}`,
        `To: <sip:127.0.0.1:${down.port}>`,
        `Call-ID: trunk-${n}@proven`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      this.proxyPort,
    );
  }
}
