/**
 * `[sipproxy] sip-address` over real sockets (issue 15; guide, "SIP Address Binding": "If this option is not set,
 * SIP Proxy binds the SIP port on all network interfaces"; option entry: "If this option is specified, SIP Proxy
 * inserts the option value into the Via header"). A worker started from a document whose SIP Proxy has host
 * 127.0.0.1 and no sip-address answers OPTIONS sent to 127.0.0.5 (on Linux all of 127/8 is local, and only a socket
 * bound to every interface receives it) and to ::1, over UDP and TCP, and still names its host in Via and
 * Record-Route of what it forwards. With sip-address 127.0.0.1 the same requests to 127.0.0.5 find no listener.
 * The management port stays on loopback (http-address unset) in both cases.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/contracts/config-document.js';
import { compileEffectiveConfig } from '../../src/contracts/effective-config.js';
import { isRequest, parseMessage, type SipMessage } from '../../src/sip/index.js';
import { Logger } from '../../src/worker/log.js';
import { ProxyWorker, type WorkerStatus } from '../../src/worker/proxy-worker.js';
import { freePort, waitFor } from '../helpers/net.js';
import { branch, isReq, request, udpEndpoint, type Endpoint } from '../tls/sip-peer.js';

const OTHER = '127.0.0.5';
let sipPort = 0;
let httpPort = 0;
let server: Endpoint & { port: number };
let worker: ProxyWorker | undefined;

function doc(sipAddress: string | undefined): string {
  const addr = sipAddress ? `, sip-address: ${sipAddress}` : '';
  return `version: 1
applications:
  - { name: SIPServer_A, type: sip-server, host: 127.0.0.1, ports: { sip-port: ${server.port} }, backup: SIPServer_A_backup }
  - { name: SIPServer_A_backup, type: sip-server, host: 127.0.0.2, ports: { sip-port: ${server.port} } }
  - name: SIPProxy_1
    type: sip-proxy
    host: 127.0.0.1
    ports: { sip-port: ${sipPort}, http-port: ${httpPort} }
    options: { sipproxy: { applications: SIPServer_A, servicing-sipserver: SIPServer_A, sipproxy-role: 10, oos-check: 1, oos-force: 1${addr} } }
switches:
  - name: SiteA
    sip-server: SIPServer_A
    dns:
      - { number: pool, type: voip-service, options: { TServer: { service-type: sip-outbound-proxy, contact: pool.example, external-contact: "127.0.0.1:${sipPort}", oos-check: 5, oos-force: 5 } } }
`;
}

async function start(sipAddress: string | undefined): Promise<ProxyWorker> {
  const { doc: d, errors } = parseConfigDocument(doc(sipAddress));
  expect(errors).toEqual([]);
  worker = await ProxyWorker.start(compileEffectiveConfig(d, 'SIPProxy_1'), { logger: new Logger('SIPProxy_1', () => undefined) });
  await waitFor(() => worker!.status().pairs.some((p) => p.state === 'primary-active'), 10_000, 'SIPServer_A in service');
  return worker;
}

/** OPTIONS for the proxy itself (Request-URI: its host and port), sent to `to`. */
const options = (transport: 'UDP' | 'TCP', local: string, localPort: number, callId: string): string =>
  request('OPTIONS', `sip:127.0.0.1:${sipPort}`, {
    via: `SIP/2.0/${transport} ${local.includes(':') ? `[${local}]` : local}:${localPort};branch=${branch()};rport`,
    callId,
    to: `<sip:127.0.0.1:${sipPort}>`,
  });

/**
 * The first response to a datagram sent to `to`. Unconnected, like a phone's socket: a proxy listening on every
 * interface answers from the address the routing table picks (here 127.0.0.1), not necessarily the one asked (the
 * guide wants sip-address set on hosts with several interfaces). `refused`: connected instead, so that an ICMP port
 * unreachable comes back as ECONNREFUSED rather than as silence.
 */
function udpAsk(to: string, text: (localPort: number) => string, refused = false): Promise<SipMessage | Error> {
  const v6 = to.includes(':');
  const s = dgram.createSocket(v6 ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    const done = (r: SipMessage | Error) => {
      s.close();
      resolve(r);
    };
    s.on('error', done);
    s.on('message', (buf) => {
      const p = parseMessage(buf);
      if (p.ok && !isRequest(p.message)) done(p.message);
    });
    s.bind(0, v6 ? '::1' : '127.0.0.1', () => {
      if (refused) s.connect(sipPort, to, () => s.send(text(s.address().port)));
      else s.send(text(s.address().port), sipPort, to);
    });
  });
}

/** The first response over a TCP connection to `to`, or the connect error. */
function tcpAsk(to: string, text: (localPort: number) => string): Promise<SipMessage | Error> {
  return new Promise((resolve) => {
    const s = net.connect({ host: to, port: sipPort, localAddress: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    const done = (r: SipMessage | Error) => {
      s.destroy();
      resolve(r);
    };
    s.on('error', done);
    s.on('connect', () => s.write(text(s.localPort!)));
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const p = parseMessage(buf.subarray(0, end + 4));
      if (p.ok) done(p.message);
    });
  });
}

const statusOf = (r: SipMessage | Error): number | string =>
  r instanceof Error ? ((r as NodeJS.ErrnoException).code ?? r.message) : isRequest(r) ? r.method : r.status;

/** An INVITE from a phone sent to `to` over UDP; what the SIP Server receives. */
async function forwardedInvite(to: string, callId: string): Promise<SipMessage> {
  const phone = await udpEndpoint({ host: to, port: sipPort });
  try {
    phone.send(
      request('INVITE', `sip:2000@127.0.0.1:${sipPort}`, {
        via: `SIP/2.0/UDP 127.0.0.1:${phone.port};branch=${branch()};rport`,
        callId,
        contact: `<sip:1000@127.0.0.1:${phone.port}>`,
      }),
    );
    return await server.waitFor((m) => isReq('INVITE')(m) && m.callId === callId, 5000, `INVITE ${callId} at the SIP Server`);
  } finally {
    phone.close();
  }
}

const mgmt = async (host: string): Promise<number | string> => {
  try {
    return (await fetch(`http://${host}:${httpPort}/health`)).status;
  } catch (e) {
    return ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  }
};

beforeAll(async () => {
  sipPort = await freePort();
  httpPort = await freePort();
  // SIPServer_A: answers the proxy's OPTIONS probes (200) and every INVITE with 486, recording what it receives.
  server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
  server.responder = (req, ep) => ep.reply(req, req.method === 'OPTIONS' ? 200 : 486, [], req.method === 'OPTIONS' ? 'OK' : 'Busy Here');
});

afterEach(async () => {
  await worker?.stop(0);
  worker = undefined;
});

afterAll(() => server?.close());

describe('[sipproxy] sip-address (guide: unset binds the SIP port on all network interfaces)', () => {
  // Saw it fail on the old code: the listeners were udp/tcp on 127.0.0.1 only (listenHost = sip-address ?? host), so
  // the OPTIONS to 127.0.0.5 got ECONNREFUSED (TCP; over UDP, connected, too).
  it('unset: every interface (IPv4 and IPv6) answers, Via and Record-Route name the host, management stays on loopback', async () => {
    const w = await start(undefined);
    for (const to of [OTHER, '127.0.0.1']) {
      expect(statusOf(await tcpAsk(to, (p) => options('TCP', '127.0.0.1', p, `t-${to}`))), `TCP to ${to}`).toBe(200);
    }
    for (const to of [OTHER, '127.0.0.1', '::1']) {
      expect(statusOf(await udpAsk(to, (p) => options('UDP', to.includes(':') ? '::1' : '127.0.0.1', p, `u-${to}`))), `UDP to ${to}`).toBe(
        200,
      );
    }
    const st: WorkerStatus = w.status();
    expect(st.listeners.map((l) => `${l.transport} ${l.address}`).sort()).toEqual(['tcp 0.0.0.0', 'tcp ::', 'udp 0.0.0.0', 'udp ::']);
    expect(st.advertisedHost).toBe('127.0.0.1');
    // What it forwards names the application's host, never the wildcard it is bound to.
    const invite = await forwardedInvite(OTHER, 'inv-unset');
    expect(invite.topVia()).toMatchObject({ host: '127.0.0.1', port: sipPort });
    const rr = invite.headers.getAll('record-route');
    expect(rr.length).toBeGreaterThan(0);
    for (const r of rr) expect(r).toMatch(new RegExp(`^<sip:127\\.0\\.0\\.1:${sipPort}[;>]`));
    expect(JSON.stringify(invite.headers.getAll('via'))).not.toMatch(/0\.0\.0\.0|\[::\]/);
    // http-address unset: the management port is on the host (a loopback address), not on every interface.
    expect(await mgmt('127.0.0.1')).toBe(200);
    expect(await mgmt(OTHER)).toBe('ECONNREFUSED');
  });

  it('set: binds that address only and advertises it; the other local address finds no listener', async () => {
    const w = await start('127.0.0.1');
    expect(
      w
        .status()
        .listeners.map((l) => `${l.transport} ${l.address}`)
        .sort(),
    ).toEqual(['tcp 127.0.0.1', 'udp 127.0.0.1']);
    expect(statusOf(await udpAsk(OTHER, (p) => options('UDP', '127.0.0.1', p, 'u-set-other'), true))).toBe('ECONNREFUSED');
    expect(statusOf(await tcpAsk(OTHER, (p) => options('TCP', '127.0.0.1', p, 't-set-other')))).toBe('ECONNREFUSED');
    expect(statusOf(await udpAsk('127.0.0.1', (p) => options('UDP', '127.0.0.1', p, 'u-set')))).toBe(200);
    expect(statusOf(await tcpAsk('127.0.0.1', (p) => options('TCP', '127.0.0.1', p, 't-set')))).toBe(200);
    const invite = await forwardedInvite('127.0.0.1', 'inv-set');
    expect(invite.topVia()).toMatchObject({ host: '127.0.0.1', port: sipPort });
    expect(await mgmt('127.0.0.1')).toBe(200);
  });
});
