/**
 * RFC 5626 / RFC 3327 at the edge and the guide's TLS stickiness and keep-alive features, over loopback: phones are
 * Node TLS sockets speaking SIP (test/tls/sip-peer.ts), the SIP Server a UDP endpoint that registers Path and
 * sends requests back through it. Covers Path with a flow token, requests from the SIP Server down the phone's own
 * connection (by Route and by Request-URI), 430 after the connection closes, ping/pong, Flow-Timer in the 2xx,
 * GC of a silent flow, 439, reg-id failover, and reopen-and-resend when a connection dies under a transaction.
 */
import { describe, expect, it } from 'vitest';
import type { SipRequest, SipResponse, ProxyRuntimeConfig } from '../../src/sip/index.js';
import { StreamServer, branch, isReq, isResp, request, tlsConnect, udpEndpoint, type Endpoint } from './sip-peer.js';
import { sleep, waitFor } from '../helpers/net.js';
import { servingPair, startTlsProxy, useTestPki } from './tls-proxy.js';

const pki = useTestPki();

const INSTANCE = '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"';

async function setup(over: Partial<ProxyRuntimeConfig> = {}) {
  const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
  const proxy = await startTlsProxy(pki, { ...servingPair('127.0.0.1', server.port, 'udp'), ...over });
  const tlsPort = proxy.worker.config.tlsPort!;
  server.udp!.to.port = proxy.port;
  // The registrar: stores the Path of each contact and answers 200 with the contact and its expiry.
  const paths = new Map<string, string[]>();
  server.responder = (req, ep) => {
    if (req.method === 'REGISTER') {
      paths.set(req.headers.get('contact')!, req.headers.getAll('path'));
      ep.reply(req, 200, [`Contact: ${req.headers.get('contact')!.replace(/;expires=\d+/, '')};expires=600`]);
    } else ep.reply(req, 200);
  };
  const phones: Endpoint[] = [];
  const phone = async (): Promise<Endpoint> => {
    const ep = await tlsConnect(tlsPort, { ca: pki.pem(pki.ca) });
    phones.push(ep);
    return ep;
  };
  /** Closes every phone opened here, the SIP Server and the proxy. */
  const close = async (): Promise<void> => {
    for (const ep of phones) ep.close();
    server.close();
    await proxy.stop();
  };
  return { server, proxy, tlsPort, paths, phone, close };
}

function register(
  ep: Endpoint,
  tlsPort: number,
  o: { regId?: number; callId: string; cseq?: number; extraVia?: string; user?: string },
): void {
  const user = o.user ?? '1000';
  const contact = `<sip:${user}@127.0.0.1:5999;transport=tls>${o.regId !== undefined ? `;reg-id=${o.regId};+sip.instance=${INSTANCE}` : ''}`;
  ep.send(
    request('REGISTER', `sip:127.0.0.1:${tlsPort}`, {
      via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
      from: `<sip:${user}@example.com>;tag=r${o.callId}`,
      to: `<sip:${user}@example.com>`,
      callId: o.callId,
      cseq: o.cseq ?? 1,
      contact,
      extra: ['Supported: outbound, path', ...(o.extraVia ? [`Via: ${o.extraVia}`] : [])],
    }),
  );
}

/** A request from the SIP Server to the phone (by Route = the stored Path, or by Request-URI only). */
function fromServer(
  server: Endpoint & { port: number },
  method: string,
  o: { route?: string; callId: string; user?: string; uri?: string },
): void {
  server.send(
    request(method, o.uri ?? `sip:${o.user ?? '1000'}@127.0.0.1:5999;transport=tls`, {
      via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
      from: '<sip:2000@example.com>;tag=srv',
      to: `<sip:${o.user ?? '1000'}@example.com>`,
      callId: o.callId,
      contact: `<sip:2000@127.0.0.1:${server.port}>`,
      extra: o.route ? [`Route: ${o.route}`] : [],
    }),
  );
}

describe('TLS stickiness and RFC 5626 flows', () => {
  it('REGISTER gets a Path with a flow token and ;ob; the SIP Server reaches the phone down its own connection; 430 once it is closed', async () => {
    const { server, proxy, tlsPort, paths, phone, close } = await setup({ flowTimerS: 25 });
    const ua = await phone();
    ua.responder = (req, ep) => ep.reply(req, 200, req.method === 'INVITE' ? ['Contact: <sip:1000@127.0.0.1:5999;transport=tls>'] : []);
    try {
      register(ua, tlsPort, { regId: 1, callId: 'reg-1' });
      const ok = (await ua.waitFor(isResp(200, 'REGISTER'))) as SipResponse;
      expect(ok.headers.get('flow-timer')).toBe('25');
      const path = [...paths.values()][0];
      expect(path).toHaveLength(1);
      expect(path[0]).toMatch(new RegExp(`^<sip:[\\w-]+\\.[\\w-]+@127\\.0\\.0\\.1:${proxy.port};lr;ob>$`));
      const reg = server.received.find((m) => 'method' in m && m.method === 'REGISTER') as SipRequest;
      expect(reg.supported()).toEqual(expect.arrayContaining(['path', 'outbound']));

      // By Route (a registrar that uses Path).
      fromServer(server, 'INVITE', { route: path[0], callId: 'srv-inv-1' });
      const inv = (await ua.waitFor(isReq('INVITE'))) as SipRequest;
      // Record-Route: our UDP side for the SIP Server, our TLS side with the flow token for the phone.
      const rr = inv.headers.getAll('record-route');
      expect(rr).toHaveLength(2);
      expect(rr[0]).toMatch(new RegExp(`^<sip:[\\w-]+\\.[\\w-]+@127\\.0\\.0\\.1:${tlsPort};transport=tls;lr>$`));
      expect(rr[1]).toBe(`<sip:127.0.0.1:${proxy.port};lr>`);
      await server.waitFor(isResp(200, 'INVITE'));
      // By Request-URI only (a registrar that ignores Path, like the guide's SIP Server).
      fromServer(server, 'MESSAGE', { callId: 'srv-msg-1' });
      await ua.waitFor(isReq('MESSAGE'));
      await server.waitFor(isResp(200, 'MESSAGE'));
      // Everything came down the one connection the phone opened; the proxy opened none towards it.
      const conns = proxy.worker.status().connections.filter((c) => c.transport === 'tls');
      expect(conns.map((c) => c.direction)).toEqual(['inbound']);

      ua.close();
      await waitFor(() => proxy.worker.status().connections.length === 0, 3000, 'connection closed');
      fromServer(server, 'INVITE', { route: path[0], callId: 'srv-inv-2' });
      const r430 = (await server.waitFor(isResp(430, 'INVITE'))) as SipResponse;
      expect(r430.reason).toBe('Flow Failed');
      fromServer(server, 'MESSAGE', { callId: 'srv-msg-2' });
      await server.waitFor(isResp(430, 'MESSAGE'));
      expect(proxy.worker.status().flows).toMatchObject({ flowFailed: 2, paths: 1 });
    } finally {
      await close();
    }
  });

  it("a call from the registered phone is record-routed with its flow token: the SIP Server's BYE comes back down the phone's connection", async () => {
    const { server, proxy, tlsPort, phone, close } = await setup();
    server.responder = (req, ep) => {
      if (req.method === 'REGISTER') ep.reply(req, 200, [`Contact: ${req.headers.get('contact')!};expires=600`]);
      else if (req.method === 'INVITE') ep.reply(req, 200, [`Contact: <sip:2000@127.0.0.1:${server.port}>`]);
    };
    const ua = await phone();
    ua.responder = (req, ep) => ep.reply(req, 200);
    try {
      register(ua, tlsPort, { regId: 1, callId: 'reg-call' });
      await ua.waitFor(isResp(200, 'REGISTER'));
      ua.send(
        request('INVITE', `sip:2000@127.0.0.1:${tlsPort}`, {
          via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
          callId: 'ua-call-1',
          contact: '<sip:1000@127.0.0.1:5999;transport=tls>',
        }),
      );
      const inv = (await server.waitFor(isReq('INVITE'))) as SipRequest;
      const rr = inv.headers.getAll('record-route');
      expect(rr).toHaveLength(2);
      expect(rr[0]).toBe(`<sip:127.0.0.1:${proxy.port};lr>`);
      expect(rr[1]).toMatch(new RegExp(`^<sip:[\\w-]+\\.[\\w-]+@127\\.0\\.0\\.1:${tlsPort};transport=tls;lr>$`));
      const ok = (await ua.waitFor(isResp(200, 'INVITE'))) as SipResponse;
      // The callee (SIP Server side) ends the call: Route = the Record-Route set, Request-URI = the phone's Contact,
      // which nobody can connect to (the phone does not listen): only the flow reaches it.
      server.send(
        request('BYE', 'sip:1000@127.0.0.1:5999;transport=tls', {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          from: `${inv.headers.get('to')!};tag=${ok.to().tag!}`,
          to: inv.headers.get('from')!,
          callId: 'ua-call-1',
          cseq: 1,
          extra: rr.map((r) => `Route: ${r}`),
        }),
      );
      await ua.waitFor(isReq('BYE'));
      await server.waitFor(isResp(200, 'BYE'));
      expect(proxy.worker.status().connections.map((c) => c.direction)).toEqual(['inbound']);
    } finally {
      await close();
    }
  });

  it('answers CRLFCRLF pings with CRLF pongs', async () => {
    const { proxy, tlsPort, phone, close } = await setup({ flowTimerS: 25 });
    const ua = await phone();
    try {
      register(ua, tlsPort, { regId: 1, callId: 'reg-ping' });
      await ua.waitFor(isResp(200, 'REGISTER'));
      for (let i = 0; i < 3; i++) ua.ping();
      await waitFor(() => ua.pongs === 3, 3000, 'three pongs');
      expect(proxy.worker.status().transport.stream.keepalivesAnswered).toBe(3);
    } finally {
      await close();
    }
  });

  it('closes a flow silent for Flow-Timer + grace; a flow that keeps pinging stays', async () => {
    const { proxy, tlsPort, phone, close } = await setup({ flowTimerS: 1, flowTimerGraceS: 1 });
    const silent = await phone();
    const pinging = await phone();
    try {
      register(silent, tlsPort, { regId: 1, callId: 'reg-silent', user: '1001' });
      register(pinging, tlsPort, { regId: 1, callId: 'reg-ping', user: '1002' });
      expect(((await silent.waitFor(isResp(200, 'REGISTER'))) as SipResponse).headers.get('flow-timer')).toBe('1');
      await pinging.waitFor(isResp(200, 'REGISTER'));
      const timer = setInterval(() => pinging.ping(), 400);
      await waitFor(() => silent.closed, 6000, 'the silent flow closed by the proxy');
      await sleep(1500);
      clearInterval(timer);
      expect(pinging.closed).toBe(false);
      expect(proxy.worker.status().flows?.gcClosed).toBe(1);
    } finally {
      await close();
    }
  });

  it('439 when a UA asks for outbound through a first hop that did not add an outbound Path', async () => {
    const { server, tlsPort, phone, close } = await setup();
    const ua = await phone();
    try {
      register(ua, tlsPort, { regId: 1, callId: 'reg-439', extraVia: 'SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bK-other' });
      const r = (await ua.waitFor((m) => 'status' in m && m.status >= 200)) as SipResponse;
      expect(r.status).toBe(439);
      expect(r.reason).toBe('First Hop Lacks Outbound Support');
      expect(server.received.length).toBe(0);
    } finally {
      await close();
    }
  });

  it('multiple flows of one instance (reg-id 1 and 2): the newest is used, the other takes over when it fails', async () => {
    const { server, proxy, tlsPort, phone, close } = await setup();
    const f1 = await phone();
    const f2 = await phone();
    for (const f of [f1, f2]) f.responder = (req, ep) => ep.reply(req, 200);
    try {
      register(f1, tlsPort, { regId: 1, callId: 'reg-f1' });
      await f1.waitFor(isResp(200, 'REGISTER'));
      register(f2, tlsPort, { regId: 2, callId: 'reg-f2' });
      await f2.waitFor(isResp(200, 'REGISTER'));
      fromServer(server, 'MESSAGE', { callId: 'm-1' });
      await f2.waitFor(isReq('MESSAGE'));
      f2.close();
      await waitFor(() => proxy.worker.status().connections.length === 1, 3000, 'flow 2 closed');
      fromServer(server, 'MESSAGE', { callId: 'm-2' });
      await f1.waitFor(isReq('MESSAGE'));
      await server.waitFor(isResp(200, 'MESSAGE'));
      expect(proxy.worker.status().flows?.bindings).toBe(2);
    } finally {
      await close();
    }
  });
});

describe('keep-alive: a connection that dies under an active transaction', () => {
  it('is reopened at once and the request resent; a peer that cannot be reached again gets the call released', async () => {
    const uas = await StreamServer.start({ tls: { cert: pki.pem(pki.peerCert), key: pki.pem(pki.peerKey) } });
    let n = 0;
    const branches: (string | undefined)[] = [];
    uas.responder = (req, ep) => {
      if (req.method !== 'INVITE') return ep.reply(req, 200);
      n++;
      branches.push(req.topVia()?.branch);
      if (n === 1) {
        ep.reply(req, 180, [], 'Ringing');
        setTimeout(() => ep.socket!.destroy(), 100); // dies while the INVITE is ringing
      } else ep.reply(req, 200, [`Contact: <sip:3000@127.0.0.1:${uas.port};transport=tls>`]);
    };
    const { server, proxy, close } = await setup({ tcpKeepAlive: true });
    try {
      fromServer(server, 'INVITE', { callId: 'ka-1', uri: `sip:3000@127.0.0.1:${uas.port};transport=tls` });
      await server.waitFor(isResp(180, 'INVITE'), 5000);
      await server.waitFor(isResp(200, 'INVITE'), 5000);
      expect(uas.endpoints.length).toBe(2);
      expect(proxy.worker.status().transport.stream.connected).toBe(2);
      // Resent as a retransmission (same Via branch), so a peer that got the first copy does not answer 482.
      expect(branches).toHaveLength(2);
      expect(branches[1]).toBe(branches[0]);

      // Now the peer dies and does not come back: the caller gets an error final response.
      n = 0;
      uas.responder = (req, ep) => {
        if (req.method !== 'INVITE') return;
        ep.reply(req, 180, [], 'Ringing');
        setTimeout(() => {
          uas.server.close();
          ep.socket!.destroy();
        }, 100);
      };
      fromServer(server, 'INVITE', { callId: 'ka-2', uri: `sip:3000@127.0.0.1:${uas.port};transport=tls` });
      const fin = (await server.waitFor((m) => 'status' in m && m.status >= 300 && m.cseq().method === 'INVITE', 10_000)) as SipResponse;
      expect(fin.status).toBe(503);
    } finally {
      await close();
      await uas.close().catch(() => undefined);
    }
  });
});

describe('persistent-next-hop-connection', () => {
  it('opens the TLS connection to the SIP Server at start and reuses it for requests, also for a server named by host name; off when false', async () => {
    for (const [persistent, host] of [
      [true, '127.0.0.1'],
      [false, '127.0.0.1'],
      [true, 'localhost'],
    ] as const) {
      const srv = await StreamServer.start({ tls: { cert: pki.pem(pki.peerCert), key: pki.pem(pki.peerKey) } });
      srv.responder = (req, ep) => ep.reply(req, 200);
      // localhost: resolved like requests resolve it, so the request finds the kept connection (address + name).
      const proxy = await startTlsProxy(pki, { ...servingPair(host, srv.port, 'tls'), persistentNextHop: persistent });
      const tlsPort = proxy.worker.config.tlsPort!;
      try {
        await sleep(500);
        expect(srv.endpoints.length).toBe(persistent ? 1 : 0);
        const ua = await tlsConnect(tlsPort, { ca: pki.pem(pki.ca) });
        ua.send(
          request('MESSAGE', `sip:2000@127.0.0.1:${tlsPort}`, {
            via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
            callId: `persist-${persistent}-${host}`,
          }),
        );
        await ua.waitFor(isResp(200, 'MESSAGE'));
        ua.close();
        // The request went over the connection opened at start (one connection either way).
        expect(srv.endpoints.length).toBe(1);
      } finally {
        await proxy.stop();
        await srv.close();
      }
    }
  });
});
