/**
 * Reflection through the proxy by what an untrusted endpoint can plant rather than name (issue 13 §1; RFC 3261
 * §26.3.2.4; RFC 5626 §5.3): a hostile endpoint on 127.0.0.66 REGISTERs a Contact on 127.0.0.77, where a victim
 * listens, and then sends in-dialog requests (and a 2xx-style ACK) whose Request-URI is that registered Contact.
 * A Contact registered through this proxy is reached over the flow it was registered on, never at the address it
 * names: the requests come back to the hostile endpoint itself and nothing reaches 127.0.0.77. A request the SIP
 * Server sends through the proxy to the victim afterwards is the barrier (one socket, in order).
 * Likewise a response that matches no transaction but carries the proxy's Via on top and the victim's below is not
 * forwarded (RFC 6026 changed RFC 3261 §16.7 so that stray responses are dropped, a reflection risk).
 */
import * as dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { isRequest, type SipMessage } from '../../src/sip/index.js';
import { branch, request, udpEndpoint } from '../tls/sip-peer.js';
import { servingPair } from '../tls/tls-proxy.js';
import { waitFor } from '../helpers/net.js';
import { startProxy } from './peers.js';
import { cleanupWork } from '../helpers/sipp.js';

afterAll(() => cleanupWork());

const HOSTILE = '127.0.0.66';
const VICTIM = '127.0.0.77';

/** A UDP socket on the victim address recording the first line and Call-ID of every datagram. */
async function startVictim(): Promise<{ port: number; got: string[]; close(): void }> {
  const got: string[] = [];
  const s = dgram.createSocket('udp4');
  s.on('message', (b) => {
    const t = b.toString();
    got.push(`${t.split('\r\n')[0]} [${/^(?:Call-ID|i):\s*(\S+)/im.exec(t)?.[1] ?? ''}]`);
  });
  await new Promise<void>((r) => s.bind(0, VICTIM, () => r()));
  return { port: s.address().port, got, close: () => s.close() };
}

const finalFor =
  (callId: string) =>
  (m: SipMessage): boolean =>
    !isRequest(m) && m.status >= 200 && m.callId === callId;
const requestFor =
  (callId: string) =>
  (m: SipMessage): boolean =>
    isRequest(m) && m.callId === callId;

describe('relay policy: a Contact registered on another host does not make the proxy send there', () => {
  it('in-dialog requests and ACKs to it go down the registering flow; 0 datagrams reach the host it names', async () => {
    const victim = await startVictim();
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    server.responder = (req, ep) => ep.reply(req, 200);
    const proxy = await startProxy({ ...servingPair('127.0.0.1', server.port, 'udp'), transports: ['udp'] });
    server.udp!.to.port = proxy.port;
    const ep = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, HOSTILE);
    ep.responder = (req, e) => e.reply(req, 200);
    const planted = `sip:evil@${VICTIM}:${victim.port}`;
    const via = (): string => `SIP/2.0/UDP ${HOSTILE}:${ep.port};branch=${branch()};rport`;
    try {
      ep.send(
        request('REGISTER', 'sip:127.0.0.1', {
          via: via(),
          callId: 'plant-reg',
          to: '<sip:evil@example.com>',
          from: '<sip:evil@example.com>;tag=r1',
          contact: `<${planted}>`,
        }),
      );
      const reg = await ep.waitFor(finalFor('plant-reg'), 5000, 'the REGISTER 200');
      expect(!isRequest(reg) && reg.status).toBe(200);

      for (const method of ['MESSAGE', 'BYE', 'INFO']) {
        const callId = `plant-${method}`;
        ep.send(request(method, planted, { via: via(), callId, to: '<sip:evil@example.com>;tag=forged' }));
        // It comes back down the flow the Contact was registered over: to the hostile endpoint itself.
        await ep.waitFor(requestFor(callId), 5000, `${method} back on the registering flow`);
        const ans = await ep.waitFor(finalFor(callId), 5000, `final response to ${method}`);
        expect(!isRequest(ans) && ans.status).toBe(200);
      }
      ep.send(request('ACK', planted, { via: via(), callId: 'plant-ACK', to: '<sip:evil@example.com>;tag=forged' }));
      await ep.waitFor(requestFor('plant-ACK'), 5000, 'the ACK back on the registering flow');

      // The barrier: the SIP Server (trusted) sends to an unregistered URI on the victim.
      server.send(
        request('MESSAGE', `sip:barrier@${VICTIM}:${victim.port}`, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId: 'barrier',
          to: '<sip:2000@example.com>;tag=srv',
        }),
      );
      await waitFor(() => victim.got.some((l) => l.includes('[barrier]')), 10_000, 'the barrier request at 127.0.0.77');
      expect(victim.got.filter((l) => !l.includes('[barrier]'))).toEqual([]);
    } finally {
      ep.close();
      server.close();
      await proxy.stop();
      victim.close();
    }
  });
});

describe('stray responses: a response matching no transaction is not forwarded (RFC 6026)', () => {
  it("a forged response with the proxy's Via on top and the victim's below: 0 datagrams reach the victim", async () => {
    const victim = await startVictim();
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const proxy = await startProxy({ ...servingPair('127.0.0.1', server.port, 'udp'), transports: ['udp'] });
    server.udp!.to.port = proxy.port;
    const ep = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, HOSTILE);
    try {
      for (const [i, status] of [100, 180, 200, 486].entries()) {
        ep.send(
          [
            `SIP/2.0 ${status} Forged`,
            // A branch in the proxy's own format (nothing in it is secret), for no transaction it holds.
            `Via: SIP/2.0/UDP 127.0.0.1:${proxy.port};branch=z9hG4bKsep0badf00d.x.${i}`,
            `Via: SIP/2.0/UDP ${VICTIM}:${victim.port};branch=z9hG4bKvictim${i}`,
            'From: <sip:a@example.com>;tag=1',
            'To: <sip:b@example.com>;tag=2',
            `Call-ID: stray-${i}`,
            `CSeq: 1 ${i % 2 ? 'INVITE' : 'OPTIONS'}`,
            'Content-Length: 0',
            '',
            '',
          ].join('\r\n'),
        );
      }
      // The barrier, from the SIP Server through the proxy to the victim; it is sent after the forged responses
      // were read (the proxy answers an OPTIONS from the same socket first).
      ep.send(
        request('OPTIONS', `sip:127.0.0.1:${proxy.port}`, {
          via: `SIP/2.0/UDP ${HOSTILE}:${ep.port};branch=${branch()};rport`,
          callId: 'ping',
        }),
      );
      await ep.waitFor(finalFor('ping'), 5000, 'the proxy answering OPTIONS');
      server.send(
        request('MESSAGE', `sip:barrier@${VICTIM}:${victim.port}`, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId: 'barrier',
          to: '<sip:2000@example.com>;tag=srv',
        }),
      );
      await waitFor(() => victim.got.some((l) => l.includes('[barrier]')), 10_000, 'the barrier request at 127.0.0.77');
      expect(victim.got.filter((l) => !l.includes('[barrier]'))).toEqual([]);
    } finally {
      ep.close();
      server.close();
      await proxy.stop();
      victim.close();
    }
  });
});

describe('relay policy: a Path planted by an endpoint is refused (RFC 3327 §5.3)', () => {
  it('a REGISTER from an untrusted source whose Path names another host gets 403 and never reaches the registrar', async () => {
    const victim = await startVictim();
    // A Path-aware registrar stand-in: it keeps the Path of each REGISTER and later routes an INVITE by it.
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const paths: string[][] = [];
    server.responder = (req, e) => {
      if (req.method === 'REGISTER') paths.push(req.headers.getAll('path'));
      e.reply(req, 200);
    };
    const proxy = await startProxy({ ...servingPair('127.0.0.1', server.port, 'udp'), transports: ['udp'] });
    server.udp!.to.port = proxy.port;
    const ep = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, HOSTILE);
    const via = (): string => `SIP/2.0/UDP ${HOSTILE}:${ep.port};branch=${branch()};rport`;
    const foreign = `<sip:${VICTIM}:${victim.port};lr>`;
    try {
      // As the first hop (one Via), and claiming an edge proxy in between (two Vias: the proxy adds no Path of its own).
      const cases = [
        { callId: 'path-1', vias: [via()] },
        { callId: 'path-2', vias: [via(), `SIP/2.0/UDP 192.0.2.1:5060;branch=${branch()}`] },
      ];
      for (const c of cases) {
        ep.send(
          request('REGISTER', 'sip:example.com', {
            via: c.vias.join('\r\nVia: '),
            callId: c.callId,
            to: '<sip:evil@example.com>',
            from: '<sip:evil@example.com>;tag=r',
            contact: `<sip:evil@${HOSTILE}:${ep.port}>`,
            extra: [`Path: ${foreign}`],
          }),
        );
        const ans = await ep.waitFor(finalFor(c.callId), 5000, `final response to ${c.callId}`);
        // The registrar would route every later request for this AOR by the planted Path (it is trusted).
        for (const p of paths.splice(0)) {
          server.send(
            request('INVITE', `sip:evil@${HOSTILE}:${ep.port}`, {
              via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
              callId: `call-${c.callId}`,
              extra: [`Route: <sip:127.0.0.1:${proxy.port};lr>`, ...p.map((v) => `Route: ${v}`)],
            }),
          );
        }
        expect(!isRequest(ans) && `${ans.status} ${ans.reason}`).toBe('403 Forbidden (Path Names A Foreign Host)');
      }
      // A REGISTER without a Path of its own still passes (the proxy adds its own).
      ep.send(
        request('REGISTER', 'sip:example.com', {
          via: via(),
          callId: 'path-ok',
          to: '<sip:evil@example.com>',
          contact: `<sip:evil@${HOSTILE}:${ep.port}>`,
        }),
      );
      const ok = await ep.waitFor(finalFor('path-ok'), 5000, 'final response to a plain REGISTER');
      expect(!isRequest(ok) && ok.status).toBe(200);

      server.send(
        request('MESSAGE', `sip:barrier@${VICTIM}:${victim.port}`, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId: 'barrier',
          to: '<sip:2000@example.com>;tag=srv',
        }),
      );
      await waitFor(() => victim.got.some((l) => l.includes('[barrier]')), 10_000, 'the barrier request at 127.0.0.77');
      expect(victim.got.filter((l) => !l.includes('[barrier]'))).toEqual([]);
    } finally {
      ep.close();
      server.close();
      await proxy.stop();
      victim.close();
    }
  });
});
