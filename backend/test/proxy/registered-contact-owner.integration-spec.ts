/**
 * Two users register the same Contact URI through the proxy (RFC 3327 / the guide's stickiness, registrar without
 * Path): Bob on 127.0.0.10, then a hostile user on 127.0.0.66 under its own AOR, naming Bob's Contact (a registrar
 * accepts any Contact an authenticated user chooses; two NATed phones with the same private address and user part
 * collide the same way). The SIP Server's INVITE to that Contact for Bob's AOR (To) must reach Bob over his flow,
 * not the newest registration of the Contact: before, every call for Bob went to the hostile user.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isRequest, type SipMessage } from '../../src/sip/index.js';
import { branch, request, udpEndpoint } from '../tls/sip-peer.js';
import { servingPair } from '../tls/tls-proxy.js';
import { startProxy } from './peers.js';
import { cleanupWork } from '../helpers/sipp.js';

afterAll(() => cleanupWork());

const finalFor =
  (callId: string) =>
  (m: SipMessage): boolean =>
    !isRequest(m) && m.status >= 200 && m.callId === callId;
const inviteFor =
  (callId: string) =>
  (m: SipMessage): boolean =>
    isRequest(m) && m.method === 'INVITE' && m.callId === callId;

describe("a Contact registered by two users: requests for one user's AOR reach that user", () => {
  it("the SIP Server's INVITE to the shared Contact goes to the flow of the AOR in To", async () => {
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    server.responder = (req, ep) => ep.reply(req, 200);
    const proxy = await startProxy({ ...servingPair('127.0.0.1', server.port, 'udp'), transports: ['udp'] });
    server.udp!.to.port = proxy.port;
    const bob = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, '127.0.0.10');
    const evil = await udpEndpoint({ host: '127.0.0.1', port: proxy.port }, '127.0.0.66');
    for (const ua of [bob, evil]) ua.responder = (req, ep) => ep.reply(req, 486, [], 'Busy Here');
    const contact = `sip:bob@127.0.0.10:${bob.port}`;
    try {
      for (const [name, ua, host] of [
        ['bob', bob, '127.0.0.10'],
        ['evil', evil, '127.0.0.66'],
      ] as const) {
        ua.send(
          request('REGISTER', 'sip:example.com', {
            via: `SIP/2.0/UDP ${host}:${ua.port};branch=${branch()};rport`,
            callId: `reg-${name}`,
            from: `<sip:${name}@example.com>;tag=r`,
            to: `<sip:${name}@example.com>`,
            contact: `<${contact}>`,
          }),
        );
        const ans = await ua.waitFor(finalFor(`reg-${name}`), 5000, `${name}'s REGISTER 200`);
        expect(!isRequest(ans) && ans.status).toBe(200);
      }
      for (const name of ['bob', 'evil'] as const) {
        const callId = `call-${name}`;
        server.send(
          request('INVITE', contact, {
            via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
            callId,
            from: '<sip:alice@example.com>;tag=a',
            to: `<sip:${name}@example.com>`,
          }),
        );
        const ans = await server.waitFor(finalFor(callId), 5000, `final response to the INVITE for ${name}`);
        expect(!isRequest(ans) && ans.status).toBe(486);
        const got = { bob: bob.received.filter(inviteFor(callId)).length, evil: evil.received.filter(inviteFor(callId)).length };
        expect(got, `where the INVITE for ${name} went`).toEqual(name === 'bob' ? { bob: 1, evil: 0 } : { bob: 0, evil: 1 });
      }
    } finally {
      bob.close();
      evil.close();
      server.close();
      await proxy.stop();
    }
  });
});
