/**
 * The relay policy over real sockets (issue 13 §1; RFC 3261 §16.4, §26.3.2.4): a hostile endpoint on 127.0.0.66
 * names a next hop on 127.0.0.77, where UDP, TCP and TLS sockets listen, by a foreign Route on OPTIONS, INVITE and
 * REGISTER, by a forged in-dialog route set, by an in-dialog Request-URI, and on a 2xx-style ACK. Each request is
 * refused with 403 (the ACK dropped), counted in /status and /metrics, and nothing reaches 127.0.0.77. A request
 * the SIP Server sends through the proxy to the same listener afterwards is the barrier: when it has arrived,
 * anything the proxy had sent on for the hostile requests would have arrived before it (one socket, in order).
 */
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { isRequest, type SipMessage } from '../../src/sip/index.js';
import { branch, Endpoint, request, udpEndpoint } from '../tls/sip-peer.js';
import { proxyTls, servingPair, startTlsProxy, useTestPki } from '../tls/tls-proxy.js';
import { freePort, waitFor } from '../helpers/net.js';
import { startProxy } from './peers.js';
import { runUac, scenario, SippUas } from '../helpers/sipp.js';

const pki = useTestPki();
const HOSTILE = '127.0.0.66';
const VICTIM = '127.0.0.77';

/** Sockets on the victim address that record every datagram, connection and Call-ID they get. */
async function startVictim() {
  const callIds: string[] = [];
  let datagrams = 0;
  let connections = 0;
  const note = (text: string): void => {
    for (const m of text.matchAll(/^(?:Call-ID|i):\s*(\S+)/gim)) callIds.push(m[1]);
  };
  const udp = dgram.createSocket('udp4');
  udp.on('message', (b) => {
    datagrams++;
    note(b.toString());
  });
  await new Promise<void>((r) => udp.bind(0, VICTIM, () => r()));
  const onConn = (s: net.Socket): void => {
    connections++;
    s.on('data', (d: Buffer) => note(d.toString()));
    s.on('error', () => undefined);
  };
  const tcp = net.createServer(onConn);
  await new Promise<void>((r) => tcp.listen(0, VICTIM, () => r()));
  const tlsServer = tls.createServer({ key: readFileSync(pki.peerKey), cert: readFileSync(pki.peerCert) }, onConn);
  await new Promise<void>((r) => tlsServer.listen(0, VICTIM, () => r()));
  return {
    callIds,
    counts: () => ({ datagrams, connections }),
    ports: { udp: udp.address().port, tcp: (tcp.address() as net.AddressInfo).port, tls: (tlsServer.address() as net.AddressInfo).port },
    async close() {
      udp.close();
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => tlsServer.close(() => r()));
    },
  };
}

async function hostileEndpoint(
  t: 'udp' | 'tcp' | 'tls',
  proxy: { port: number; tlsPort: number },
): Promise<{ ep: Endpoint; localPort: number }> {
  if (t === 'udp') {
    const ep = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, HOSTILE);
    return { ep, localPort: ep.port };
  }
  const raw = net.connect({ host: '127.0.0.1', port: t === 'tls' ? proxy.tlsPort : proxy.port, localAddress: HOSTILE });
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', () => resolve());
    raw.once('error', reject);
  });
  if (t === 'tcp') return { ep: new Endpoint(raw), localPort: raw.localPort! };
  const socket = tls.connect({ socket: raw, ca: readFileSync(pki.ca), servername: 'localhost', minVersion: 'TLSv1.2' });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  return { ep: new Endpoint(socket), localPort: raw.localPort! };
}

const finalFor =
  (callId: string) =>
  (m: SipMessage): boolean =>
    !isRequest(m) && m.status >= 200 && m.callId === callId;

describe('relay policy: an untrusted endpoint cannot make the proxy send to a host it names', () => {
  it.each(['udp', 'tcp', 'tls'] as const)(
    'over %s: OPTIONS, INVITE, REGISTER, forged route sets and ACK get 403 (ACK dropped); 0 reach the named host',
    async (t) => {
      const victim = await startVictim();
      const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
      server.responder = (req, ep) => ep.reply(req, 200);
      // Next hops are not verified here: the barrier goes to 127.0.0.77, which the test certificate does not name.
      const proxy = await startTlsProxy(pki, {
        ...servingPair('127.0.0.1', server.port, 'udp'),
        tls: proxyTls(pki, { verifyServerCertificate: false }),
      });
      const tlsPort = proxy.worker.config.tlsPort!;
      server.udp!.to.port = proxy.port;
      const ownPort = t === 'tls' ? tlsPort : proxy.port;
      const tp = t === 'udp' ? '' : `;transport=${t}`;
      const foreign = `<sip:${VICTIM}:${victim.ports[t]}${tp};lr>`;
      const own = `<sip:127.0.0.1:${ownPort}${tp};lr>`;
      const { ep, localPort } = await hostileEndpoint(t, { port: proxy.port, tlsPort });
      try {
        const via = (): string => `SIP/2.0/${t.toUpperCase()} ${HOSTILE}:${localPort};branch=${branch()};rport`;
        const cases: { method: string; uri: string; routes: string[]; toTag?: boolean; reason: RegExp }[] = [
          { method: 'OPTIONS', uri: `sip:ping@127.0.0.1:${ownPort}${tp}`, routes: [foreign], reason: /Route Names A Foreign Host/ },
          { method: 'INVITE', uri: `sip:2000@${VICTIM}:${victim.ports[t]}${tp}`, routes: [foreign], reason: /Route Names A Foreign Host/ },
          { method: 'REGISTER', uri: `sip:${VICTIM}:${victim.ports[t]}${tp}`, routes: [foreign], reason: /Route Names A Foreign Host/ },
          // A forged route set: our Record-Route value, then the victim.
          {
            method: 'BYE',
            uri: `sip:2000@${VICTIM}:${victim.ports[t]}${tp}`,
            routes: [own, foreign],
            toTag: true,
            reason: /Route Names A Foreign Host/,
          },
          // In dialog with only our route: the Request-URI is the next hop.
          { method: 'INFO', uri: `sip:2000@${VICTIM}:${victim.ports[t]}${tp}`, routes: [own], toTag: true, reason: /Relaying Denied/ },
          // The strict-router form (§16.4): our URI as Request-URI, the victim as the last Route.
          { method: 'BYE', uri: `sip:127.0.0.1:${ownPort}${tp}`, routes: [foreign], toTag: true, reason: /Relaying Denied/ },
        ];
        for (const [i, c] of cases.entries()) {
          const callId = `hostile-${t}-${i}`;
          ep.send(
            request(c.method, c.uri, {
              via: via(),
              callId,
              cseq: 1,
              to: `<sip:2000@example.com>${c.toTag ? ';tag=forged' : ''}`,
              contact: `<sip:1000@${HOSTILE}:${localPort}${tp}>`,
              extra: c.routes.map((r) => `Route: ${r}`),
            }),
          );
          const ans = await ep.waitFor(finalFor(callId), 5000, `final response to hostile ${c.method}`);
          expect(!isRequest(ans) && ans.status, `${c.method}`).toBe(403);
          expect(!isRequest(ans) && ans.reason).toMatch(c.reason);
        }
        // A 2xx ACK with a forged route set: no response exists for it; it must be dropped.
        ep.send(
          request('ACK', `sip:2000@${VICTIM}:${victim.ports[t]}${tp}`, {
            via: via(),
            callId: `hostile-${t}-ack`,
            to: '<sip:2000@example.com>;tag=forged',
            extra: [`Route: ${own}`, `Route: ${foreign}`],
          }),
        );

        // The barrier: the SIP Server (trusted) sends through the proxy to the same listener.
        const barrierId = `barrier-${t}`;
        server.send(
          request('MESSAGE', `sip:2000@${VICTIM}:${victim.ports[t]}${tp}`, {
            via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
            callId: barrierId,
            to: '<sip:2000@example.com>;tag=srv',
            extra: [`Route: <sip:127.0.0.1:${proxy.port};lr>`, `Route: ${foreign}`],
          }),
        );
        await waitFor(() => victim.callIds.includes(barrierId), 10_000, 'the barrier request at 127.0.0.77');

        expect(victim.callIds.filter((id) => id.startsWith('hostile-'))).toEqual([]);
        if (t === 'udp') expect(victim.counts().connections).toBe(0);
        else expect(victim.counts()).toEqual({ datagrams: 0, connections: 1 }); // the barrier's connection only
        const st = proxy.worker.status();
        expect(st.counters.relayRefused).toBe(7);
        expect((await proxy.get('/metrics')).body).toMatch(/^sipproxy_relay_refused_total\{app="SIPProxy_IT"\} 7$/m);
      } finally {
        ep.close();
        server.close();
        await proxy.stop();
        await victim.close();
      }
    },
  );
});

describe('relay policy: calls from untrusted endpoints still pass (SIPp)', () => {
  it.each(['udp', 'tcp'] as const)('over %s: INVITE, re-INVITE and BYE by the route set the proxy record-routed', async (transport) => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_reinvite.xml'), host: '127.0.0.1', port: uasPort, transport });
    const proxy = await startProxy({ ...servingPair('127.0.0.1', uasPort, transport), transports: [transport] });
    try {
      const r = await runUac({ scenario: scenario('uac_reinvite.xml'), target: proxy.target, transport, calls: 10, rate: 10 });
      expect(r.failed, r.output + uas.output).toBe(0);
      expect(r.successful).toBe(10);
      const st = proxy.worker.status();
      expect(st.counters.requestsIn.INVITE).toBe(20);
      expect(st.counters.requestsIn.BYE).toBe(10);
      expect(st.counters.relayRefused).toBe(0);
    } finally {
      await proxy.stop();
      await uas.kill();
    }
  });
});

describe('relay policy before overload control', () => {
  it('INVITEs refused by the relay policy spend no overload-ctrl-dialog-rate token: the next legitimate call passes', async () => {
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    server.responder = (req, ep) => ep.reply(req, 200);
    // A budget of one new dialog per second (burst of one).
    const proxy = await startProxy({ ...servingPair('127.0.0.1', server.port, 'udp'), transports: ['udp'], overloadDialogRate: 1 });
    server.udp!.to.port = proxy.port;
    const ep = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, HOSTILE);
    const via = (): string => `SIP/2.0/UDP ${HOSTILE}:${ep.port};branch=${branch()};rport`;
    const invite = (callId: string, extra: string[]): void =>
      ep.send(
        request('INVITE', `sip:2000@127.0.0.1:${proxy.port}`, {
          via: via(),
          callId,
          cseq: 1,
          to: '<sip:2000@example.com>',
          contact: `<sip:1000@${HOSTILE}:${ep.port}>`,
          extra,
        }),
      );
    try {
      for (let i = 0; i < 5; i++) {
        invite(`flood-${i}`, [`Route: <sip:${VICTIM}:5060;lr>`]);
        const ans = await ep.waitFor(finalFor(`flood-${i}`), 5000, `final response to flood INVITE ${i}`);
        expect(!isRequest(ans) && `${ans.status} ${ans.reason}`, `flood INVITE ${i}`).toMatch(/^403 /);
      }
      invite('legit', []);
      const ans = await ep.waitFor(finalFor('legit'), 5000, 'final response to the legitimate INVITE');
      expect(!isRequest(ans) && ans.status).toBe(200);
      const st = proxy.worker.status();
      expect(st.counters.relayRefused).toBe(5);
      expect(st.counters.rejectedOverload).toBe(0);
    } finally {
      ep.close();
      server.close();
      await proxy.stop();
    }
  });
});
