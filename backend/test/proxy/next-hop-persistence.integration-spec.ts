/**
 * persistent-next-hop-connection over real sockets: connections the proxy opens toward a TCP next hop, counted where
 * they arrive (one Endpoint per accept at the peer). Dialogic's two persistence modes (seeds/000): per transaction,
 * "a TLS client connection is terminated as soon as the SIP transaction is terminated", so "multiple TLS client
 * connections may be required within the same SIP call"; persistent, one connection carries everything. In both, a
 * connection nothing uses is closed after connection-idle-timeout, and one a transaction still uses is not.
 * The UA reaches the proxy over UDP, so every TCP connection the peer sees is one the proxy opened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SipResponse, ProxyRuntimeConfig } from '../../src/sip/index.js';
import { StreamServer, branch, isResp, request, udpEndpoint, type Endpoint } from '../tls/sip-peer.js';
import { waitFor } from '../helpers/net.js';
import { startProxy, type RunningProxy } from './peers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The SIP Server (a TCP peer answering CRLFCRLF pings with a CRLF pong) and the proxy serving it; a UDP UA. */
async function setup(
  over: Partial<ProxyRuntimeConfig>,
): Promise<{ srv: StreamServer; proxy: RunningProxy; ua: Endpoint & { port: number } }> {
  const srv = await StreamServer.start({});
  srv.server.on('connection', (s) =>
    s.on('data', (d: Buffer) => {
      if (d.toString('latin1') === '\r\n\r\n') s.write('\r\n');
    }),
  );
  cleanup.push(() => srv.close());
  const proxy = await startProxy({
    servingPair: 'SIPServer_A',
    oosCheckS: 0,
    pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: srv.port, transport: 'tcp' } }],
    ...over,
  });
  cleanup.push(() => proxy.stop());
  const ua = await udpEndpoint({ host: '127.0.0.1', port: proxy.port });
  cleanup.push(() => ua.close());
  return { srv, proxy, ua };
}

let calls = 0;
function send(
  ua: Endpoint & { port: number },
  proxy: RunningProxy,
  method: string,
  o: { callId?: string; extra?: string[]; uri?: string; to?: string; cseq?: number } = {},
): string {
  const callId = o.callId ?? `pertx-${++calls}-${branch()}`;
  ua.send(
    request(method, o.uri ?? `sip:2000@127.0.0.1:${proxy.port}`, {
      via: `SIP/2.0/UDP 127.0.0.1:${ua.port};branch=${branch()};rport`,
      callId,
      to: o.to,
      cseq: o.cseq,
      extra: o.extra,
      contact: method === 'INVITE' ? `<sip:1000@127.0.0.1:${ua.port}>` : undefined,
    }),
  );
  return callId;
}

describe('persistent-next-hop-connection = false: a connection per transaction', () => {
  it('each OPTIONS transaction toward the TCP SIP Server opens a connection, closed by the proxy when it ends', async () => {
    const { srv, proxy, ua } = await setup({ persistentNextHop: false });
    srv.responder = (req, ep) => ep.reply(req, 200);
    for (let i = 1; i <= 3; i++) {
      send(ua, proxy, 'OPTIONS');
      await ua.waitFor(isResp(200, 'OPTIONS'), 5000, `200 to OPTIONS ${i}`);
      // The peer saw one more accept, and that connection closed with its transaction (FIN from the proxy).
      expect(srv.endpoints).toHaveLength(i);
      await waitFor(() => srv.endpoints[i - 1].closed, 5000, `connection ${i} closed after its transaction`);
    }
    const stream = proxy.worker.status().transport.stream;
    expect(stream.unusedClosed).toBe(3);
    expect(proxy.worker.status().connectionPolicy.perTransaction).toBe(true);
  });

  it('an INVITE answered 486 closes its connection at once; one answered 200 keeps it for the ACK until the transaction ends (RFC 6026 Timer M), and the BYE opens another', async () => {
    const { srv, proxy, ua } = await setup({ persistentNextHop: false });
    srv.responder = (req, ep) => {
      if (req.method === 'INVITE' && req.callId.startsWith('busy')) ep.reply(req, 486, [], 'Busy Here');
      else if (req.method === 'INVITE') ep.reply(req, 200, [`Contact: <sip:2000@127.0.0.1:${srv.port};transport=tcp>`]);
      else ep.reply(req, 200);
    };
    send(ua, proxy, 'INVITE', { callId: 'busy-1' });
    await ua.waitFor(isResp(486, 'INVITE'), 5000, '486');
    await waitFor(() => srv.endpoints.length === 1 && srv.endpoints[0].closed, 5000, 'the 486 INVITE connection closed');

    // The dialog-forming exchange: INVITE, 200, ACK over one connection.
    const callId = send(ua, proxy, 'INVITE', { callId: 'call-1' });
    const ok = (await ua.waitFor(isResp(200, 'INVITE'), 5000, '200 to INVITE')) as SipResponse;
    const routes = ok.headers
      .getAll('record-route')
      .reverse()
      .map((r) => `Route: ${r}`);
    const toTagged = ok.headers.get('to')!;
    send(ua, proxy, 'ACK', { callId, uri: `sip:2000@127.0.0.1:${srv.port};transport=tcp`, to: toTagged, extra: routes });
    await srv.waitFor((m) => 'method' in m && m.method === 'ACK', 5000, 'ACK at the SIP Server');
    expect(srv.endpoints).toHaveLength(2);
    expect(srv.endpoints[1].received.map((m) => ('method' in m ? m.method : m.status))).toEqual(['INVITE', 'ACK']);
    expect(srv.endpoints[1].closed).toBe(false);
    // The INVITE client transaction ends 64*T1 = 32 s after the 2xx (RFC 6026 §7.2): then its connection goes.
    await waitFor(() => srv.endpoints[1].closed, 45_000, 'the INVITE connection closed when its transaction ended');

    send(ua, proxy, 'BYE', { callId, uri: `sip:2000@127.0.0.1:${srv.port};transport=tcp`, to: toTagged, extra: routes, cseq: 2 });
    await ua.waitFor(isResp(200, 'BYE'), 5000, '200 to BYE');
    expect(srv.endpoints).toHaveLength(3);
    await waitFor(() => srv.endpoints[2].closed, 5000, 'the BYE connection closed');
  }, 70_000);
});

describe('persistent-next-hop-connection = true: one kept connection', () => {
  it('N transactions, OPTIONS and INVITE, share the one connection, which stays open', async () => {
    const { srv, proxy, ua } = await setup({ persistentNextHop: true });
    srv.responder = (req, ep) => ep.reply(req, req.method === 'INVITE' ? 486 : 200, [], req.method === 'INVITE' ? 'Busy Here' : 'OK');
    const N = 10;
    for (let i = 0; i < N; i++) {
      send(ua, proxy, i % 2 ? 'INVITE' : 'OPTIONS');
      await ua.waitFor(isResp(i % 2 ? 486 : 200), 5000, `answer ${i}`);
    }
    expect(srv.endpoints).toHaveLength(1);
    expect(srv.endpoints[0].received.filter((m) => 'method' in m && m.method !== 'ACK')).toHaveLength(N);
    expect(srv.endpoints[0].closed).toBe(false);
    expect(proxy.worker.status().transport.stream.unusedClosed).toBe(0);
  });
});

describe('connection-idle-timeout on connections the proxy opened', () => {
  /** A next hop that is not a SIP Server (so not kept): a peer the UA names in a Route, trusted to do so. */
  const viaPeer: Partial<ProxyRuntimeConfig> = {
    persistentNextHop: true,
    connectionIdleTimeoutS: 1,
    relay: { trustedNetworks: ['127.0.0.0/8'], allowForeignNextHop: false },
  };

  it('an unused outbound connection is closed after the idle timeout', async () => {
    const peer = await StreamServer.start({});
    cleanup.push(() => peer.close());
    peer.responder = (req, ep) => ep.reply(req, 200);
    const { proxy, ua } = await setup(viaPeer);
    send(ua, proxy, 'OPTIONS', { extra: [`Route: <sip:127.0.0.1:${peer.port};transport=tcp;lr>`] });
    await ua.waitFor(isResp(200, 'OPTIONS'), 5000, '200 from the peer');
    expect(peer.endpoints).toHaveLength(1);
    await waitFor(() => peer.endpoints[0].closed, 10_000, 'the unused connection closed at the idle timeout');
    expect(proxy.worker.status().transport.stream.idleClosed).toBeGreaterThanOrEqual(1);
  });

  it('a connection an INVITE transaction still uses is not idle: the call rings longer than the idle timeout and is answered', async () => {
    const peer = await StreamServer.start({});
    cleanup.push(() => peer.close());
    let ringing: (() => void) | undefined;
    peer.responder = (req, ep) => {
      if (req.method !== 'INVITE') return;
      ep.reply(req, 180, [], 'Ringing');
      ringing = () => ep.reply(req, 486, [], 'Busy Here');
    };
    const { proxy, ua } = await setup(viaPeer);
    send(ua, proxy, 'INVITE', { extra: [`Route: <sip:127.0.0.1:${peer.port};transport=tcp;lr>`] });
    await ua.waitFor(isResp(180, 'INVITE'), 5000, '180');
    // The callee rings for three idle timeouts with nothing on the connection, then answers.
    setTimeout(() => ringing!(), 3000);
    const fin = (await ua.waitFor(
      (m) => isResp(486, 'INVITE')(m) || (!('method' in m) && m.status >= 300),
      10_000,
      'a final answer',
    )) as SipResponse;
    expect(fin.status).toBe(486);
    expect(peer.endpoints[0].closed).toBe(false);
    expect(peer.endpoints).toHaveLength(1);
  });
});
